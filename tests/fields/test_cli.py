"""``flask sportello fields export`` and ``flask sportello fields import FILE [--dry-run]``."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from app.extensions import db
from app.fields.document import SCHEMA_PATH, export_document, normalise
from app.fields.models import SchemaState
from tests.fields.helpers import EXAMPLES, example, field, with_field, without_field

BASE = {"request_type": "question", "product_family": "services"}


def _fields(app, *args: str, **kwargs):
    return app.test_cli_runner().invoke(args=["sportello", "fields", *args], **kwargs)


def _write(path: Path, document: dict) -> str:
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def _state(app) -> tuple[int, dict]:
    """The schema version and the exported document: what an import may change."""
    with app.app_context():
        return db.session.get(SchemaState, 1).version, export_document()


def _listed(output: str) -> list[str]:
    """The difference lines the command prints, indented under its heading."""
    return [line.strip() for line in output.splitlines() if line.startswith("  ")]


def test_export_is_a_valid_document_that_imports_back_unchanged(app, load_schema, tmp_path):
    load_schema()
    exported = _fields(app, "export")
    assert exported.exit_code == 0, exported.output
    document = json.loads(exported.stdout)
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert list(Draft202012Validator(schema).iter_errors(document)) == []
    assert '"it": "Priorità"' in exported.stdout  # written as UTF-8, not escaped
    assert normalise(document)["fields"] == normalise(example())["fields"]

    before = _state(app)
    result = _fields(app, "import", _write(tmp_path / "schema.json", document))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "No difference: the schema already matches."
    assert _state(app) == before


def test_dry_run_prints_the_difference_and_changes_nothing(app, load_schema, make_ticket,
                                                           tmp_path):
    load_schema()
    make_ticket(impact="team", **BASE)
    document = example()
    document["fields"].append(field("contract_code", "text"))
    product_family = next(e for e in document["lists"] if e["key"] == "product_family")
    product_family["items"].append({"key": "cloud", "label": {"en": "Cloud"}})
    document = without_field(document, "impact")
    document = with_field(document, "request_type", required=False)
    path = _write(tmp_path / "schema.json", document)
    before = _state(app)

    result = _fields(app, "import", path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "Difference (dry run, nothing changed):"
    assert sorted(_listed(result.stdout)) == sorted([
        "+ field contract_code (text)",
        "+ item product_family.cloud",
        "- field impact archived (1 tickets keep values)",
        "~ field request_type: required",
    ])
    assert _state(app) == before

    applied = _fields(app, "import", path)
    assert applied.exit_code == 0, applied.output
    assert applied.stdout.splitlines()[0] == "Applied:"
    assert sorted(_listed(applied.stdout)) == sorted(_listed(result.stdout))
    version, after = _state(app)
    assert version == before[0] + 1
    archived = {f["key"] for f in after["fields"] if f.get("archived")}
    assert archived == {"impact"}
    assert "contract_code" in {f["key"] for f in after["fields"]}


def test_import_that_would_lose_data_is_refused(app, load_schema, make_ticket, tmp_path):
    document = example()
    document["fields"].append(field("seats", "text"))
    load_schema(document)
    make_ticket(seats="a dozen", **BASE)
    make_ticket(seats="3", **BASE)
    before = _state(app)

    for extra in ([], ["--dry-run"]):
        path = _write(tmp_path / "schema.json", with_field(document, "seats", type="integer"))
        result = _fields(app, "import", path, *extra)
        assert result.exit_code == 1, result.output
        assert result.stdout == ""
        assert result.stderr.splitlines() == [
            "Refused, nothing changed:",
            "  field seats: 1 of 2 stored values cannot become integer",
        ]
        assert _state(app) == before


def test_invalid_document_is_refused_with_every_reason(app, load_schema, tmp_path):
    load_schema()
    bad = without_field(example(), "title")
    bad["fields"].append(field("x", "no_such_type"))
    before = _state(app)

    result = _fields(app, "import", _write(tmp_path / "bad.json", bad))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "Refused, nothing changed:"
    assert "  field title: built-in fields cannot be removed" in result.stderr.splitlines()
    assert any("unknown type no_such_type" in line for line in result.stderr.splitlines())

    wrong_format = _fields(app, "import", _write(tmp_path / "v2.json", {"format": 2,
                                                                       "fields": []}))
    assert wrong_format.exit_code == 1
    assert any(line.startswith("  format:") for line in wrong_format.stderr.splitlines())
    assert _state(app) == before


@pytest.mark.parametrize(("content", "reason"), [
    (b'{"format": 1, "fields": [', "is not JSON"),
    ('{"format": 1, "label": "Caff\xe8"}'.encode("latin-1"), "can't decode byte 0xe8"),
])
def test_unreadable_file_is_refused_with_the_reason(app, load_schema, tmp_path, content,
                                                    reason):
    load_schema()
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    before = _state(app)
    result = _fields(app, "import", str(path))
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"Error: {path}" in result.stderr and reason in result.stderr
    assert _state(app) == before


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_every_example_imports_through_the_command(app, path):
    assert path.stat().st_size  # the glob found real files
    result = _fields(app, "import", str(path))
    assert result.exit_code == 0, result.output
    exported = json.loads(_fields(app, "export").stdout)
    current = [f for f in normalise(exported)["fields"] if not f["archived"]]
    assert current == normalise(example(path.stem))["fields"]
    again = _fields(app, "import", str(path))
    assert again.stdout.strip() == "No difference: the schema already matches."
