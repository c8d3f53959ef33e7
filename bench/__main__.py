"""``python -m bench``: the desk benchmark with its defaults (see ``bench/desk``)."""

from bench.desk.__main__ import main

if __name__ == "__main__":
    main()
