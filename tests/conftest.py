"""Test set-up: every test runs against migrated databases on SQLite, or on
PostgreSQL when TEST_DATABASE_URL is set.

Each test's database work is rolled back at the end (Indico's habit), so tests
stay independent without recreating the schema. Tests that need data shared
with another process (a server, a second app) ask for ``fresh_database``.

Like flaskr, tests push an application context only where they call services
directly (``with app.app_context():``) and make requests with ``client``
outside it, so each request gets its own session, ``g`` and current user.

Every app of the suite runs with the example plugin of ``docs/plugins.md``
enabled (it has a table of its own), as a deployment with a plugin would.
"""

import os
import tempfile
from pathlib import Path

os.environ["SPORTELLO_CONFIG"] = "testing"
os.environ.setdefault("SPORTELLO_INSTANCE_PATH", tempfile.mkdtemp(prefix="sportello-instance-"))
os.environ.setdefault(
    "SPORTELLO_PLUGIN_FOLDERS", str(Path(__file__).resolve().parent.parent / "docs" / "examples")
)

pytest_plugins = [
    "tests.fixtures.databases",
    "tests.fixtures.web",
    "tests.fixtures.factories",
    "tests.fixtures.plugins",
    "tests.fixtures.mail",
    "tests.fixtures.live",
]
