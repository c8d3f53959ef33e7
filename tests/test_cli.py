"""flask sportello create-owner, demo and check."""

import json

from sqlalchemy import func, select

from app import create_app
from app.accounts.models import Company, OwnerProfile, Role, User
from app.demo import _TICKETS, DEMO_SCHEMA
from app.extensions import db
from app.fields.document import BUILTIN_TYPES
from app.fields.models import Field, FieldList, ListItem
from app.tickets.models import Comment, Ticket, TicketValue


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_create_owner_with_options(app):
    result = app.test_cli_runner().invoke(args=[
        "sportello", "create-owner", "--email", "Boss@Example.com",
        "--name", "Maria Bianchi", "--password", "a very long password",
    ])
    assert result.exit_code == 0, result.output
    with app.app_context():
        owner = db.session.scalar(select(User).where(User.email == "boss@example.com"))
        assert owner.role == Role.OWNER and (owner.name, owner.surname) == ("Maria", "Bianchi")
        assert owner.check_password("a very long password")


def test_create_owner_prompts(app):
    result = app.test_cli_runner().invoke(
        args=["sportello", "create-owner"],
        input="prompt@example.com\nPia\nlong enough password\nlong enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Owner prompt@example.com created." in result.output


def test_create_owner_refuses_short_password_and_duplicates(app):
    runner = app.test_cli_runner()
    short = runner.invoke(args=["sportello", "create-owner", "--email", "a@example.com",
                                "--name", "A", "--password", "short"])
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    args = ["sportello", "create-owner", "--email", "dup@example.com", "--name", "D",
            "--password", "a very long password"]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code != 0 and "already registered" in again.output


def _count_where(condition) -> int:
    return db.session.scalar(select(func.count()).where(condition))


def _demo_counts() -> dict[str, int]:
    return {
        "users": _count(User), "agents": _count_where(User.role == Role.AGENT),
        "companies": _count(Company), "profiles": _count(OwnerProfile),
        "fields": _count(Field), "custom fields": _count_where(Field.builtin.is_(False)),
        "lists": _count(FieldList), "list items": _count(ListItem),
        "tickets": _count(Ticket), "values": _count(TicketValue), "comments": _count(Comment),
    }


def test_demo_loads_the_example_schema_and_tickets_once(app):
    example = json.loads(DEMO_SCHEMA.read_text(encoding="utf-8"))
    custom = {f["key"] for f in example["fields"]} - set(BUILTIN_TYPES)
    assert {"request_type", "product_family", "module", "impact"} <= custom
    runner = app.test_cli_runner()
    first = runner.invoke(args=["sportello", "demo"])
    assert first.exit_code == 0, first.output
    assert "Log in as owner@example.com" in first.output
    with app.app_context():
        fields = db.session.scalars(select(Field).where(Field.builtin.is_(False)))
        assert {field.key for field in fields} == custom
        for spec in example["lists"]:
            items = db.session.scalars(select(ListItem.key).join(FieldList)
                                       .where(FieldList.key == spec["key"]))
            assert sorted(items) == sorted(item["key"] for item in spec["items"]), spec["key"]
        tickets = db.session.scalars(select(Ticket).order_by(Ticket.id)).all()
        assert [t.title for t in tickets] == [values["title"] for _, values in _TICKETS]
        assert [t.requester.email for t in tickets] == [email for email, _ in _TICKETS]
        request_types = db.session.scalars(
            select(TicketValue.text).join(Field, Field.id == TicketValue.field_id)
            .where(Field.key == "request_type").order_by(TicketValue.ticket_id))
        assert list(request_types) == ["incident", "change", "incident", "billing"]
        agents = db.session.scalars(select(User.email).where(User.role == Role.AGENT))
        assert sorted(agents) == ["giulia.bianchi@example.com", "marco.verdi@example.com"]
        persons = {company.name: len(company.persons)
                   for company in db.session.scalars(select(Company))}
        assert persons == {"Studio Rossi & Associati": 3, "Agricola Colli Verdi": 2}
        assert _count(Comment) == 2
        counts = _demo_counts()
    assert counts["tickets"] == len(_TICKETS) == 4
    second = runner.invoke(args=["sportello", "demo"])
    assert second.exit_code == 0, second.output
    assert "created" not in second.output and "loaded" not in second.output
    assert "opened" not in second.output
    with app.app_context():
        assert _demo_counts() == counts


def test_check_reports_each_line(app, tmp_path):
    app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = "127.0.0.1", 1  # nothing listens there
    try:
        result = app.test_cli_runner().invoke(args=["sportello", "check"])
    finally:
        app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = "localhost", 25
    lines = result.output.splitlines()
    assert any(line.startswith("OK   database: reachable") for line in lines)
    assert any(line.startswith("OK   migrations: at the latest revision") for line in lines)
    assert any(line.startswith("WARN secret key") and "SECRET_KEY" in line for line in lines)
    assert any(line.startswith("FAIL mail") and "MAIL_SERVER" in line for line in lines)
    assert any(line.startswith("OK   uploads") for line in lines)
    assert result.exit_code == 1


def test_check_on_unmigrated_database_says_how_to_fix(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/new.db"})
    result = app.test_cli_runner().invoke(args=["sportello", "check"])
    assert "FAIL migrations" in result.output and "flask db upgrade" in result.output
    with app.app_context():
        db.engine.dispose()


def test_check_unreachable_database(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:////nonexistent/dir/x.db"})
    result = app.test_cli_runner().invoke(args=["sportello", "check"])
    assert "FAIL database" in result.output and "DATABASE_URL" in result.output
    assert result.exit_code == 1


def test_check_names_an_upload_folder_it_cannot_write(app, tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the upload folder should be")
    monkeypatch.setitem(app.config, "SPORTELLO_UPLOAD_FOLDER", str(blocked / "uploads"))
    result = app.test_cli_runner().invoke(args=["sportello", "check"])
    [line] = [line for line in result.output.splitlines() if "uploads" in line]
    assert line.startswith("FAIL uploads") and "SPORTELLO_UPLOAD_FOLDER" in line
    assert result.exit_code == 1
