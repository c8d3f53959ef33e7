"""``flask sportello check``: stored fields whose type no enabled plugin provides."""

import pytest
from sqlalchemy import text

from app.extensions import db
from app.fields.schema import build_schema
from app.fields.types.registry import get_registry


def _check(app) -> tuple[int, list[str]]:
    result = app.test_cli_runner().invoke(args=["sportello", "check"])
    return result.exit_code, result.output.splitlines()


def _field_type_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if "field types:" in line]


def test_every_stored_type_is_provided(app, load_schema):
    load_schema()
    _code, lines = _check(app)
    [line] = _field_type_lines(lines)
    assert line.startswith("OK   field types: every field's type is provided (")


def test_field_of_a_type_no_plugin_provides_fails_with_the_fix(app, load_schema):
    load_schema()
    with app.app_context():
        db.session.execute(text("UPDATE ticket_field SET type = 'gone_type' WHERE key = 'impact'"))
        # archived fields are built into the schema too, so they count
        db.session.execute(text(
            "UPDATE ticket_field SET type = 'old_plugin_type', archived_at = CURRENT_TIMESTAMP "
            "WHERE key = 'root_cause'"
        ))
        db.session.commit()
        with pytest.raises(LookupError):  # what the check warns about
            build_schema("probe", 0, get_registry())

    code, lines = _check(app)
    assert code == 1
    failing = _field_type_lines(lines)
    assert len(failing) == 2 and all(line.startswith("FAIL field types: ") for line in failing)
    impact = next(line for line in failing if "field impact " in line)
    assert "type gone_type" in impact and "no enabled plugin provides" in impact
    assert "install the plugin that provides gone_type and enable it" in impact
    assert "SPORTELLO_PLUGINS" in impact
    assert any("field root_cause has type old_plugin_type" in line for line in failing)
    assert any(line.startswith("OK   database: reachable") for line in lines)
