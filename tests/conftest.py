"""Test set-up: every test runs against migrated databases on SQLite, or on
PostgreSQL when TEST_DATABASE_URL is set.

Each test's database work is rolled back at the end (Indico's habit), so tests
stay independent without recreating the schema. Tests that need data shared
with another process (a server, a second app) ask for ``fresh_database``.

Like flaskr, tests push an application context only where they call services
directly (``with app.app_context():``) and make requests with ``client``
outside it, so each request gets its own session, ``g`` and current user.
"""

import os
import tempfile

os.environ["SPORTELLO_CONFIG"] = "testing"
os.environ.setdefault("SPORTELLO_INSTANCE_PATH", tempfile.mkdtemp(prefix="sportello-instance-"))

pytest_plugins = [
    "tests.fixtures.databases",
    "tests.fixtures.web",
    "tests.fixtures.factories",
    "tests.fixtures.mail",
]
