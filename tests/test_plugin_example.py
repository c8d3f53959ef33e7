"""The example plugin of docs/plugins.md: its page, menu entry, listener and table."""

from datetime import datetime

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select

from app import create_app
from app.accounts.models import Role
from app.extensions import db
from app.migration_filters import include_object
from app.plugins.events import TicketEvent
from app.plugins.manager import get_plugin_manager
from tests.fixtures.databases import engine_name, fresh_database
from tests.fixtures.factories import PASSWORD


def created(ticket_id: int, number: str, actor_id=None) -> TicketEvent:
    return TicketEvent("ticket.created", ticket_id, number, actor_id, datetime(2026, 3, 2, 10, 0))


def test_the_suite_runs_with_the_example_enabled(app):
    assert get_plugin_manager(app).has_plugin("sportello_hello")


def test_menu_entry_and_page_for_staff_only(browser, make_user):
    make_user(Role.AGENT, email="agent@example.com")
    browser.login("agent@example.com", PASSWORD)
    home = browser.home()
    assert '<a href="/hello/">Greetings</a>' in home
    page = browser.get("/hello/")
    assert page.status_code == 200 and "No ticket greeted yet." in page.get_data(as_text=True)


def test_customers_see_neither_entry_nor_page(browser, make_user):
    make_user(Role.CUSTOMER, email="customer@example.com")
    browser.login("customer@example.com", PASSWORD)
    assert "/hello/" not in browser.home()
    assert browser.get("/hello/").status_code == 403


def test_plugin_strings_are_translated(browser, make_user):
    make_user(Role.OWNER, email="owner@example.com", language="it")
    browser.login("owner@example.com", PASSWORD)
    assert '<a href="/hello/">Saluti</a>' in browser.home()


def test_created_tickets_are_greeted_once(app, browser, make_user):
    agent = make_user(Role.AGENT, email="greeter@example.com")
    manager = get_plugin_manager(app)
    with app.app_context():
        manager.dispatch_ticket_event(created(41, "2026-00041", agent.id))
        manager.dispatch_ticket_event(created(41, "2026-00041", agent.id))  # delivered again
        manager.dispatch_ticket_event(created(42, "2026-00042"))
        from sportello_hello.models import Greeting

        assert db.session.scalar(select(func.count()).select_from(Greeting)) == 2
    browser.login("greeter@example.com", PASSWORD)
    page = browser.get("/hello/").get_data(as_text=True)
    assert "Hello, ticket 2026-00041!" in page and "Hello, ticket 2026-00042!" in page


def test_plugin_pages_follow_the_url_prefix(make_app):
    client = make_app(SPORTELLO_URL_PREFIX="/support").test_client()
    response = client.get("/support/hello/")
    assert response.status_code == 302 and "/support/login" in response.headers["Location"]
    assert client.get("/hello/").status_code == 404


def _upgrade(url: str, **settings):
    """Run ``flask db upgrade`` as an operator would; return the app and its output."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, **settings})
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    return app


def test_flask_db_upgrade_creates_the_plugin_table(tmp_path):
    with fresh_database(str(tmp_path), migrate=False) as url:
        app = _upgrade(url)
        with app.app_context(), db.engine.connect() as connection:
            assert inspect(connection).has_table("hello_greeting")
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_object": include_object}
            )
            assert "p_hello_1" in context.get_current_heads()
            differences = compare_metadata(context, db.metadata)
        assert differences == [], f"models and migrations differ on {engine_name()}"
        with app.app_context():
            db.engine.dispose()


def test_disabled_plugin_gets_no_table(tmp_path):
    with fresh_database(str(tmp_path), migrate=False) as url:
        app = _upgrade(url, SPORTELLO_PLUGINS=[])
        with app.app_context():
            assert not inspect(db.engine).has_table("hello_greeting")
            assert inspect(db.engine).has_table("user_account")
            db.engine.dispose()
