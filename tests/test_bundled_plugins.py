"""The plugins shipped in plugins/: on by default with their tables, and all off in safe mode."""

from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from app import create_app
from app.accounts.models import Role
from app.accounts.services import create_company, create_user
from app.extensions import db
from app.fields.types.registry import get_registry
from app.plugins.manager import get_plugin_manager
from app.tickets.dispatch import dispatch_pending
from app.tickets.service import create_ticket
from app.timeutil import utcnow
from plugins.sla.models import SlaState
from plugins.webhooks.models import Delivery, Endpoint
from tests.fixtures.factories import PASSWORD
from tests.fixtures.web import Browser

BUNDLED = ("codice_fiscale", "webhooks", "sla")


def test_bundled_plugins_are_enabled_with_their_tables(app_ctx):
    manager = get_plugin_manager()
    assert all(manager.has_plugin(name) for name in BUNDLED)
    assert {"codice_fiscale", "partita_iva"} <= set(get_registry())
    with db.engine.connect() as connection:
        heads = set(MigrationContext.configure(connection).get_current_heads())
    assert {"wh_1", "sla_1"} <= heads  # applied by `flask db upgrade` with the core's


def test_safe_mode_loads_none_of_them_and_the_core_still_works(fresh_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database_url,
                      "SPORTELLO_SAFE_MODE": True})
    manager = get_plugin_manager(app)
    assert not any(manager.has_plugin(name) for name in BUNDLED)
    assert not {"codice_fiscale", "partita_iva"} & set(app.extensions["sportello.field_types"])
    assert not manager.hook.sportello_ticket_badges(user=None, tickets=[])
    runner = app.test_cli_runner()
    for command in (["sportello", "webhooks", "send"], ["sportello", "sla", "check"]):
        assert runner.invoke(args=command).exit_code == 2  # no such command

    with app.app_context():
        owner = create_user(role=Role.OWNER, email="owner@example.com", name="Olga",
                            password=PASSWORD)
        company = create_company(name="ACME")
        customer = create_user(role=Role.CUSTOMER, email="c@example.com", name="Carla",
                               password=PASSWORD, company=company,
                               email_verified_at=utcnow())
        create_ticket(customer, {"title": "Printer jam", "description": "Again."})
        assert dispatch_pending() == 1  # the core's outbox goes on, to no plugin
        for model in (SlaState, Delivery, Endpoint):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0
        assert owner.id

    browser = Browser(app.test_client())
    assert browser.login("owner@example.com", PASSWORD).status_code == 302
    home = browser.home()
    assert "Olga" in home and "/admin/webhooks/" not in home and "/desk/sla/" not in home
    for url in ("/admin/webhooks/", "/admin/webhooks/deliveries", "/desk/sla/", "/admin/sla/"):
        assert browser.get(url).status_code == 404
    with app.app_context():
        db.engine.dispose()
