"""The staff desk at a million tickets: data generation, page timings, throughput.

    python -m bench.desk generate --database-url URL [--tickets 1000000]
    python -m bench.desk measure  --database-url URL
    python -m bench.desk load     --database-url URL [--workers 2 --seconds 20]
    python -m bench.desk all      --database-url URL

The data is bulk-inserted with SQL for speed (the product itself writes
through the service layer); one ticket gets its 50 timeline entries through
the write path.
"""
