"""The plugin framework: discovery, enabling, ordering, safe mode, broken plugins."""

import sys
from datetime import datetime

import pytest

import plugins as bundled_package
from app.extensions import db
from app.plugins import discovery
from app.plugins.discovery import PluginError, discover
from app.plugins.events import TICKET_HOOKS, TicketEvent
from app.plugins.manager import CORE_PLUGINS, get_plugin_manager
from tests.fixtures.plugins import EXAMPLES

RECORDER = """
from app.plugins import hookimpl

@hookimpl{options}
def sportello_report_render(context):
    context.setdefault("calls", []).append({name!r})
"""


def recorder(name: str, options: str = "") -> str:
    """A plugin that notes its name in the context of a rendered report."""
    return RECORDER.format(name=name, options=options)


#: The plugins shipped in plugins/, enabled in every app of the suite (SPORTELLO_PLUGINS="*").
BUNDLED = {path.parent.name for path in discovery.BUNDLED_FOLDER.glob("*/__init__.py")}


def registered(app) -> set[str]:
    """The plugins registered besides the core and the bundled ones."""
    names = {name for name, _ in get_plugin_manager(app).list_name_plugin()}
    return names - set(CORE_PLUGINS) - BUNDLED


def render_order(app) -> list[str]:
    context = {}
    get_plugin_manager(app).hook.sportello_report_render(report=None, context=context)
    return context["calls"]


# Discovery and enabling -------------------------------------------------------


def test_folder_plugins_are_all_enabled_by_default(make_app, plugin_folder):
    plugin_folder.add("alpha", recorder("alpha"))
    plugin_folder.add("beta", recorder("beta"))
    app = make_app(SPORTELLO_PLUGIN_FOLDERS=[str(plugin_folder.path)])
    assert app.config["SPORTELLO_PLUGINS"] == ("*",)
    assert registered(app) == {"alpha", "beta"}


def test_only_the_listed_plugins_are_enabled_and_imported(make_app, plugin_folder):
    plugin_folder.add("alpha", recorder("alpha"))
    plugin_folder.add("beta", recorder("beta"))
    app = make_app(SPORTELLO_PLUGIN_FOLDERS=[str(plugin_folder.path)], SPORTELLO_PLUGINS=["beta"])
    assert registered(app) == {"beta"}
    assert "alpha" not in sys.modules  # a disabled plugin's code never runs
    nothing = make_app(SPORTELLO_PLUGIN_FOLDERS=[str(plugin_folder.path)], SPORTELLO_PLUGINS=[])
    assert registered(nothing) == set()


def test_plugin_settings_as_comma_separated_text(make_app, plugin_folder):
    plugin_folder.add("alpha", recorder("alpha"))
    plugin_folder.add("beta", recorder("beta"))
    app = make_app(SPORTELLO_PLUGIN_FOLDERS=str(plugin_folder.path), SPORTELLO_PLUGINS="beta, ")
    assert registered(app) == {"beta"}


def test_plugins_setting_from_the_environment(make_app, plugin_folder, monkeypatch):
    plugin_folder.add("alpha", recorder("alpha"))
    plugin_folder.add("beta", recorder("beta"))
    plugin_folder.add("gamma", recorder("gamma"))
    monkeypatch.setenv("SPORTELLO_PLUGIN_FOLDERS", str(plugin_folder.path))
    monkeypatch.setenv("SPORTELLO_PLUGINS", "gamma, alpha")
    app = make_app()
    assert app.config["SPORTELLO_PLUGINS"] == ("gamma", "alpha")
    assert registered(app) == {"alpha", "gamma"}


def test_unknown_plugin_name_stops_start_up(make_app, plugin_folder):
    plugin_folder.add("alpha", recorder("alpha"))
    with pytest.raises(PluginError, match="SPORTELLO_PLUGINS enables 'alpah'.*found: .*alpha"):
        make_app(SPORTELLO_PLUGIN_FOLDERS=[str(plugin_folder.path)], SPORTELLO_PLUGINS=["alpah"])


def test_missing_plugin_folder_stops_start_up(make_app, tmp_path):
    with pytest.raises(PluginError, match="is not a folder"):
        make_app(SPORTELLO_PLUGIN_FOLDERS=[str(tmp_path / "nowhere")])


def test_two_plugins_with_one_name_stop_start_up(make_app, plugin_folder, tmp_path):
    other = tmp_path / "other"
    (other / "alpha").mkdir(parents=True)
    (other / "alpha" / "__init__.py").write_text("")
    plugin_folder.add("alpha", recorder("alpha"))
    with pytest.raises(PluginError, match="Two plugins are named 'alpha'"):
        make_app(SPORTELLO_PLUGIN_FOLDERS=[str(plugin_folder.path), str(other)])


def test_bundled_plugins_are_imported_from_the_plugins_package(
    make_app, plugin_folder, monkeypatch
):
    plugin_folder.add("bundled_one", recorder("bundled_one"))
    monkeypatch.setattr(discovery, "BUNDLED_FOLDER", plugin_folder.path)
    monkeypatch.setattr(bundled_package, "__path__", [str(plugin_folder.path)])
    try:
        app = make_app(SPORTELLO_PLUGIN_FOLDERS=[])
        plugin = get_plugin_manager(app).get_plugin("bundled_one")
    finally:
        sys.modules.pop("plugins.bundled_one", None)
    assert plugin.__name__ == "plugins.bundled_one"
    assert "bundled in" in discover([])["bundled_one"].origin


def fake_distribution(folder, entry_points: str) -> None:
    """An installed distribution, as ``pip install`` would leave its metadata."""
    info = folder / "sportello_extra-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: sportello-extra\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[sportello.plugins]\n{entry_points}\n")


def test_installed_entry_points_are_discovered(make_app, tmp_path, monkeypatch):
    fake_distribution(tmp_path, "sportello_hello = sportello_hello")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend(str(EXAMPLES))  # where the installed code would be
    assert discover([])["sportello_hello"].origin == (
        "installed by sportello-extra 1.0 (sportello_hello)"
    )
    app = make_app(SPORTELLO_PLUGIN_FOLDERS=[], SPORTELLO_PLUGINS=["sportello_hello"])
    assert registered(app) == {"sportello_hello"}
    assert app.url_map.bind("localhost").match("/hello/") == ("sportello_hello.index", {})


# Ordering ---------------------------------------------------------------------


@pytest.mark.parametrize(("enabled", "expected"), [
    (["*"], ["beta", "delta", "alpha", "gamma"]),
    (["delta", "alpha", "beta", "gamma"], ["beta", "alpha", "delta", "gamma"]),
])
def test_order_is_pluggys_tryfirst_then_latest_registered_then_trylast(
    make_app, plugin_folder, enabled, expected
):
    plugin_folder.add("alpha", recorder("alpha"))
    plugin_folder.add("beta", recorder("beta", "(tryfirst=True)"))
    plugin_folder.add("delta", recorder("delta"))
    plugin_folder.add("gamma", recorder("gamma", "(trylast=True)"))
    app = make_app(SPORTELLO_PLUGIN_FOLDERS=[str(plugin_folder.path)], SPORTELLO_PLUGINS=enabled)
    assert render_order(app) == expected
    context = {}  # start-up hooks, called one by one to name a failing plugin, keep the order
    get_plugin_manager(app).collect("sportello_report_render", report=None, context=context)
    assert context["calls"] == expected


def test_core_registers_first_so_plugins_run_before_it(make_app, plugin_folder):
    plugin_folder.add("menu", """
        from app.plugins import hookimpl
        from app.web import MenuItem

        @hookimpl
        def sportello_menu_items(user):
            return [MenuItem("main.index", "Plugin")]
    """)
    app = make_app(SPORTELLO_PLUGIN_FOLDERS=[str(plugin_folder.path)], SPORTELLO_PLUGINS=["menu"])
    with app.test_request_context():
        results = get_plugin_manager(app).hook.sportello_menu_items(user=None)
    assert [item.label for item in results[0]] == ["Plugin"]
    assert "Queue" in [str(item.label) for item in results[-1]]  # the core answers last


# Safe mode and broken plugins ----------------------------------------------------

IMPORT_ERROR = "import sportello_no_such_module\n"
UNKNOWN_ARGUMENT = """
from app.plugins import hookimpl

@hookimpl
def sportello_menu_items(user, colour):
    return []
"""
MISSPELT_HOOK = """
from app.plugins import hookimpl

@hookimpl
def sportello_ticket_creatd(event):
    pass
"""
BLUEPRINT_NAME_TAKEN = """
from flask import Blueprint
from app.plugins import hookimpl

@hookimpl
def sportello_register_blueprints(app):
    return [Blueprint("auth", __name__)]
"""
FAILING_START_UP_HOOK = """
from app.plugins import hookimpl

@hookimpl
def sportello_register_blueprints(app):
    raise RuntimeError("no blueprint today")
"""


@pytest.mark.parametrize(("source", "error"), [
    (IMPORT_ERROR, "ModuleNotFoundError: No module named 'sportello_no_such_module'"),
    (UNKNOWN_ARGUMENT, "PluginValidationError"),
    (MISSPELT_HOOK, "unknown hook 'sportello_ticket_creatd'"),
    (FAILING_START_UP_HOOK, "failed in sportello_register_blueprints: RuntimeError: no blueprint"),
    (BLUEPRINT_NAME_TAKEN, "The name 'auth' is already registered"),
], ids=["import error", "unknown argument", "misspelt hook", "start-up hook raises",
        "blueprint name taken"])
def test_broken_plugin_stops_start_up_naming_it(make_app, plugin_folder, source, error):
    plugin_folder.add("fine", recorder("fine"))
    plugin_folder.add("broken", source)
    with pytest.raises(PluginError) as stopped:
        make_app(SPORTELLO_PLUGIN_FOLDERS=[str(plugin_folder.path)])
    message = str(stopped.value)
    assert "Plugin 'broken'" in message and error in message and "\n" not in message


def test_failed_import_leaves_nothing_half_loaded(make_app, plugin_folder):
    plugin_folder.add("half", "from . import part\nraise ValueError('half done')\n")
    (plugin_folder.path / "half" / "part.py").write_text("")
    with pytest.raises(PluginError, match="Plugin 'half'.*ValueError: half done"):
        make_app(SPORTELLO_PLUGIN_FOLDERS=[str(plugin_folder.path)])
    assert "half" not in sys.modules and "half.part" not in sys.modules


def test_broken_entry_point_stops_start_up_naming_it(make_app, tmp_path, monkeypatch):
    fake_distribution(tmp_path, "ghost = sportello_ghost_module")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(PluginError, match=r"Plugin 'ghost' \(installed by sportello-extra 1.0"):
        make_app(SPORTELLO_PLUGIN_FOLDERS=[])


def test_folder_plugin_cannot_shadow_another_module(make_app, plugin_folder):
    plugin_folder.add("json", recorder("json"))
    with pytest.raises(PluginError, match="Plugin 'json'.*already taken by the module"):
        make_app(SPORTELLO_PLUGIN_FOLDERS=[str(plugin_folder.path)])
    plugin_folder.names.remove("json")  # the real json module stays where it is


def test_safe_mode_disables_every_plugin_but_keeps_the_core(make_app, plugin_folder):
    plugin_folder.add("broken", IMPORT_ERROR)
    settings = {"SPORTELLO_PLUGIN_FOLDERS": [str(plugin_folder.path), str(EXAMPLES)],
                "SPORTELLO_PLUGINS": ["broken", "not_even_there"]}
    with pytest.raises(PluginError):
        make_app(**settings)
    app = make_app(SPORTELLO_SAFE_MODE=True, **settings)
    assert registered(app) == set()
    assert get_plugin_manager(app).is_registered(sys.modules["app.web"])
    assert app.test_client().get("/login").status_code == 200  # core blueprints still there
    assert app.test_client().get("/hello/").status_code == 404


def test_check_reports_plugins_and_their_migrations(make_app):
    normal = make_app().test_cli_runner().invoke(args=["sportello", "check"]).output
    enabled = next(line for line in normal.splitlines() if "plugins" in line)
    assert enabled.startswith("OK   plugins: enabled: ") and "sportello_hello" in enabled
    migrations = next(line for line in normal.splitlines() if "migrations" in line)
    assert migrations.startswith("OK   migrations: at the latest revision (")
    assert "p_hello_1" in migrations
    safe = make_app(SPORTELLO_SAFE_MODE=True).test_cli_runner().invoke(args=["sportello", "check"])
    assert "WARN plugins: safe mode" in safe.output
    # the database records the example's revision, which safe mode hides from Alembic
    failed = next(line for line in safe.output.splitlines() if "migrations" in line)
    assert failed.startswith("FAIL migrations: database at") and "p_hello_1" in failed
    assert "which the code does not know" in failed


# Runtime hooks -------------------------------------------------------------------


def test_mail_veto_lets_every_plugin_see_the_message(make_app, plugin_folder):
    plugin_folder.add("veto", """
        from app.plugins import hookimpl

        @hookimpl(tryfirst=True)
        def sportello_mail_before_send(message):
            if message["to"].endswith("@example.invalid"):
                return False
    """)
    plugin_folder.add("stamp", """
        from app.plugins import hookimpl

        @hookimpl
        def sportello_mail_before_send(message):
            message["stamped"] = True
    """)
    manager = get_plugin_manager(make_app(SPORTELLO_PLUGIN_FOLDERS=[str(plugin_folder.path)]))
    vetoed, allowed = {"to": "x@example.invalid"}, {"to": "x@example.com"}
    assert manager.allow_mail(vetoed) is False and vetoed["stamped"]
    assert manager.allow_mail(allowed) is True and allowed["stamped"]


def test_each_ticket_topic_calls_its_hook(make_app, plugin_folder):
    hooks = "\n".join(
        f"@hookimpl\ndef {hook}(event):\n    SEEN.append(({hook!r}, event))\n"
        for hook in TICKET_HOOKS.values()
    )
    plugin_folder.add("listener", f"from app.plugins import hookimpl\nSEEN = []\n{hooks}")
    manager = get_plugin_manager(make_app(SPORTELLO_PLUGIN_FOLDERS=[str(plugin_folder.path)],
                                          SPORTELLO_PLUGINS=["listener"]))
    for topic in TICKET_HOOKS:
        event = TicketEvent(topic, 7, "2026-00007", None, datetime(2026, 1, 5, 9, 30))
        manager.dispatch_ticket_event(event)
    seen = sys.modules["listener"].SEEN
    assert [(hook, event.topic) for hook, event in seen] == list(
        zip(TICKET_HOOKS.values(), TICKET_HOOKS, strict=True)
    )


def test_ticket_event_survives_the_outbox_as_json():
    import json

    event = TicketEvent(
        topic="ticket.updated", ticket_id=3, ticket_number="2026-00003", actor_id=11,
        occurred_at=datetime(2026, 2, 1, 8, 0, 5), changes={"priority": ("low", "high")},
        payload={"via": "api"},
    )
    assert TicketEvent.from_dict(json.loads(json.dumps(event.to_dict()))) == event


def test_plugins_add_commands_under_flask_sportello(make_app, plugin_folder):
    plugin_folder.add("greeter", """
        import click
        from app.plugins import hookimpl

        @click.command("greet")
        def greet():
            click.echo("hello from a plugin")

        @hookimpl
        def sportello_cli_commands():
            return [greet]
    """)
    app = make_app(SPORTELLO_PLUGIN_FOLDERS=[str(plugin_folder.path)])
    result = app.test_cli_runner().invoke(args=["sportello", "greet"])
    assert result.exit_code == 0 and result.output == "hello from a plugin\n"
    without = make_app(SPORTELLO_SAFE_MODE=True).test_cli_runner()
    assert without.invoke(args=["sportello", "greet"]).exit_code == 2  # no such command
    assert without.invoke(args=["sportello", "check"]).exit_code in (0, 1)  # the core's stay


def test_core_commands_added_after_an_app_was_made_are_found(make_app):
    import click

    from app.cli import sportello

    app = make_app()

    @sportello.command("late")
    def late():  # a core module imported after the app was made adds a command
        click.echo("late but here")

    try:
        result = app.test_cli_runner().invoke(args=["sportello", "late"])
    finally:
        del sportello.commands["late"]
    assert result.output == "late but here\n"


def test_a_command_name_taken_stops_start_up(make_app, plugin_folder):
    plugin_folder.add("clash", """
        import click
        from app.plugins import hookimpl

        @hookimpl
        def sportello_cli_commands():
            return [click.Command("check")]
    """)
    with pytest.raises(PluginError, match="Plugin 'clash': the command 'flask sportello check'"):
        make_app(SPORTELLO_PLUGIN_FOLDERS=[str(plugin_folder.path)])


def test_badges_of_every_plugin_are_gathered_per_ticket(make_app, plugin_folder):
    from types import SimpleNamespace

    from flask import render_template_string

    from app.plugins.badges import Badge, ticket_badges

    for name, level in (("first", "info"), ("second", "danger")):
        plugin_folder.add(name, f"""
            from app.plugins import hookimpl
            from app.plugins.badges import Badge

            @hookimpl
            def sportello_ticket_badges(user, tickets):
                if user.is_staff:
                    return {{t.id: [Badge("{name} " + str(t.id), level="{level}")]
                             for t in tickets}} | {{999: [Badge("not shown")]}}
        """)
    app = make_app(SPORTELLO_PLUGIN_FOLDERS=[str(plugin_folder.path)],
                   SPORTELLO_PLUGINS=["first", "second"])
    tickets = [SimpleNamespace(id=1), SimpleNamespace(id=2)]
    staff, customer = SimpleNamespace(is_staff=True), SimpleNamespace(is_staff=False)
    with app.test_request_context():
        found = ticket_badges(staff, tickets)
        assert ticket_badges(customer, tickets) == {1: [], 2: []}
        assert ticket_badges(staff, []) == {}
        html = render_template_string(
            '{% from "_badges.html" import ticket_badges %}{{ ticket_badges(badges) }}',
            badges=found[2],
        )
    assert found == {1: [Badge("second 1", "danger"), Badge("first 1")],
                     2: [Badge("second 2", "danger"), Badge("first 2")]}
    assert html == ('<span class="badge badge-danger">second 2</span> '
                    '<span class="badge badge-info">first 2</span>')
    with pytest.raises(ValueError, match="Badge level 'red'"):
        Badge("x", level="red")


def test_created_events_carry_the_initial_values(app, make_ticket):
    from sqlalchemy import select

    from app.tickets.dispatch import as_ticket_event
    from app.tickets.models import OutboxEvent

    ticket = make_ticket(title="Printer on fire", priority="high")
    with app.app_context():
        row = db.session.scalar(select(OutboxEvent).where(
            OutboxEvent.ticket_id == ticket.id, OutboxEvent.topic == "ticket.created"))
        event = as_ticket_event(row)
    assert event.changes["title"] == (None, "Printer on fire")
    assert event.changes["priority"] == (None, "high")
    assert event.changes["status"] == (None, "new")


def test_a_schema_change_reaches_plugins_after_it_committed(fresh_database_url, plugin_folder):
    from app import create_app
    from app.fields.changes import apply_document
    from app.fields.document import export_document
    from app.tickets.dispatch import dispatch_pending
    from tests.fields.helpers import field

    plugin_folder.add("watcher", "from app.plugins import hookimpl\nSEEN = []\n"
                      "@hookimpl\ndef sportello_schema_changed(change):\n"
                      "    SEEN.append(change)\n")
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database_url,
                      "SPORTELLO_PLUGIN_FOLDERS": [str(plugin_folder.path)],
                      "SPORTELLO_PLUGINS": ["watcher"]})
    try:
        with app.app_context():
            document = export_document()
            document["fields"].append(field("contract_code", "text"))
            apply_document(None, document)
            seen = sys.modules["watcher"].SEEN
            assert seen == []  # never inside the change's transaction
            dispatch_pending()
            dispatch_pending()  # once, however often the dispatcher runs
            version = db.session.scalar(db.text("SELECT version FROM schema_state"))
            assert [(c.version, c.keys) for c in seen] == [(version, ("contract_code",))]
    finally:
        with app.app_context():
            db.engine.dispose()


def test_write_subscribers_run_inside_the_change_and_the_core_mails_through_one(
        fresh_database_url, plugin_folder):
    from app import create_app
    from app.accounts.models import Role
    from app.accounts.services import create_company, create_user
    from app.notify import ticket_events
    from app.notify.models import TicketMailBatch
    from app.tickets.events import SUBSCRIBERS
    from app.tickets.models import Ticket
    from app.tickets.service import create_ticket
    from app.timeutil import utcnow

    plugin_folder.add("strict", """
        from app.plugins import hookimpl

        SEEN = []

        def remember(event, ticket):
            SEEN.append((event.topic, ticket.id))
            if ticket.title == "refuse me":
                raise RuntimeError("no")

        @hookimpl
        def sportello_write_subscribers():
            return [remember]
    """)
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database_url,
                      "SPORTELLO_PLUGIN_FOLDERS": [str(plugin_folder.path)],
                      "SPORTELLO_PLUGINS": ["strict"]})
    try:
        with app.app_context():
            assert ticket_events.collect in app.extensions[SUBSCRIBERS]  # the core's e-mail
            company = create_company(name="Busy Co")
            customer = create_user(email="c@example.com", name="C", role=Role.CUSTOMER,
                                   company=company, email_verified_at=utcnow())
            ticket = create_ticket(customer, {"title": "t", "description": "d"})
            seen = sys.modules["strict"].SEEN
            assert seen == [("ticket.created", ticket.id)]
            assert db.session.scalar(db.select(db.func.count(TicketMailBatch.id))) == 1
            with pytest.raises(RuntimeError):
                create_ticket(customer, {"title": "refuse me", "description": "d"})
            db.session.rollback()
            titles = db.session.scalars(db.select(Ticket.title)).all()
            assert titles == ["t"]  # the subscriber's failure refused the whole change
    finally:
        with app.app_context():
            db.engine.dispose()
