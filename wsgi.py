"""WSGI entry point for production servers: ``gunicorn -w 4 wsgi:app``.

The configuration is ``production`` unless SPORTELLO_CONFIG says otherwise,
so a missing SECRET_KEY stops the server at start-up.
"""

import os

from app import create_app

app = create_app(os.environ.get("SPORTELLO_CONFIG", "production"))
