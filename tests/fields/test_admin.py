"""The owner's Ticket Fields pages."""

import io
import json

import pytest

from app.accounts.models import Role
from app.fields.document import export_document
from app.fields.schema import current_schema
from tests.fields.helpers import example
from tests.fixtures.factories import PASSWORD


@pytest.fixture
def owner(browser, make_user, load_schema):
    load_schema()
    make_user(Role.OWNER, email="owner.admin@example.com", language="")
    browser.login("owner.admin@example.com", PASSWORD)
    return browser


def _schema(app):
    with app.app_context():
        return current_schema()


def _field_form(**overrides) -> dict:
    data = {
        "key": "contract_code", "type": "text", "label_en": "Contract code",
        "label_it": "Codice contratto", "customer_visibility": "write", "edit_create": "y",
        "filterable": "y", "max_length": "12", "regex": "[A-Z]{2}[0-9]+",
        "regex_message_en": "Two letters and digits, e.g. AB123.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize("role", [Role.AGENT, Role.CUSTOMER])
def test_only_the_owner_gets_in(browser, make_user, role):
    make_user(role, email="notowner@example.com")
    browser.login("notowner@example.com", PASSWORD)
    for url in ("/admin/fields", "/admin/fields/new", "/admin/lists", "/admin/fields/preview",
                "/admin/fields/history", "/admin/fields/export", "/admin/fields/import"):
        assert browser.get(url).status_code == 403, url


def test_anonymous_is_sent_to_login(client):
    response = client.get("/admin/fields")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_table_shows_every_field_with_its_rights(owner):
    html = owner.get("/admin/fields").get_data(as_text=True)
    for key in ("title", "status", "assignee", "product_family", "root_cause"):
        assert f'id="field-{key}"' in html
    assert "Staff only" in html and "built-in" in html and "Ticket fields" in html
    assert 'draggable="true"' in html and "↑" in html


def test_add_a_field(app, owner):
    response = owner.submit("/admin/fields/new", _field_form())
    assert response.status_code == 302
    field = _schema(app).by_key["contract_code"]
    assert field.label.it == "Codice contratto" and field.settings["max_length"] == 12
    assert field.settings["regex"] == "[A-Z]{2}[0-9]+"
    assert field.position == len(_schema(app).fields) - 1 or not field.archived


def test_bad_field_input_gets_messages_and_changes_nothing(app, owner):
    before = _schema(app).version
    html = owner.submit("/admin/fields/new", _field_form(
        key="Bad Key", regex="([", label_en="")).get_data(as_text=True)
    assert "Lower-case letters" in html and "This field is required." in html
    html = owner.submit("/admin/fields/new", _field_form(
        type="integer", default="twelve")).get_data(as_text=True)
    assert "Not a valid value for this field." in html
    html = owner.submit("/admin/fields/new", _field_form(key="title")).get_data(as_text=True)
    assert "A field with this key exists already." in html
    assert _schema(app).version == before


def test_edit_visibility_condition_and_default(app, owner):
    response = owner.submit("/admin/fields/impact", {
        "key": "impact", "type": "dropdown", "label_en": "Impact", "list": "impact",
        "customer_visibility": "read", "default": "A team", "condition_field": "product_family",
        "condition_values": "software, Rete", "filterable": "y",
    })
    assert response.status_code == 302
    impact = _schema(app).by_key["impact"]
    assert impact.customer_visibility == "read" and impact.default == "team"
    assert impact.condition.values == frozenset({"software", "network"})


def test_builtin_keeps_key_and_type(app, owner):
    owner.submit("/admin/fields/title", {
        "key": "renamed", "type": "long_text", "label_en": "Subject", "label_it": "Oggetto",
        "customer_visibility": "write", "edit_create": "y",
    })
    title = _schema(app).by_key["title"]
    assert title.type_name == "text" and str(title.label.en) == "Subject"
    html = owner.submit("/admin/fields/title", {
        "key": "title", "type": "text", "label_en": "Title", "customer_visibility": "hidden",
    }).get_data(as_text=True)
    assert "always visible" in html


def test_rename_an_unused_field(app, owner):
    owner.submit("/admin/fields/new", _field_form())
    response = owner.submit("/admin/fields/contract_code", _field_form(key="contract"))
    assert response.status_code == 302
    assert "contract" in _schema(app).by_key and "contract_code" not in _schema(app).by_key


def test_reorder_with_arrows_and_by_drag(app, owner):
    keys = [f.key for f in _schema(app).active_fields]
    owner.submit(f"/admin/fields/{keys[1]}/move/up", {}, form_url="/admin/fields")
    assert [f.key for f in _schema(app).active_fields][:2] == [keys[1], keys[0]]
    new_order = list(reversed(keys))
    response = owner.submit("/admin/fields/order", {"keys": new_order}, form_url="/admin/fields",
                            headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert [f.key for f in _schema(app).active_fields] == new_order


def test_archive_and_restore(app, owner):
    owner.submit("/admin/fields/impact/archive", {}, form_url="/admin/fields")
    assert _schema(app).by_key["impact"].archived
    html = owner.get("/admin/fields").get_data(as_text=True)
    assert "Archived fields" in html
    owner.submit("/admin/fields/impact/restore", {}, form_url="/admin/fields")
    assert not _schema(app).by_key["impact"].archived


def test_edit_a_list(app, owner, make_ticket, make_user):
    make_ticket(request_type="incident", product_family="hardware", impact="team")
    page = owner.get("/admin/lists/impact").get_data(as_text=True)
    assert "one_person" in page
    response = owner.submit("/admin/lists/impact", {
        "key": "impact", "name_en": "Impact", "name_it": "Impatto",
        "items-0-existing": "one_person", "items-0-label_en": "Just me",
        "items-0-position": "2", "items-0-active": "y",
        "items-1-existing": "team", "items-1-label_en": "A team", "items-1-remove": "y",
        "items-1-active": "y",
        "items-2-existing": "company", "items-2-label_en": "Everyone", "items-2-remove": "y",
        "items-2-active": "y",
        "items-3-label_en": "A customer of ours", "items-3-position": "1",
        "items-3-active": "y",
    })
    assert response.status_code == 302
    items = _schema(app).lists["impact"].items
    assert [i.key for i in items if i.active] == ["a_customer_of_ours", "one_person"]
    by_key = {i.key: i for i in items}
    assert by_key["one_person"].label.en == "Just me"
    assert not by_key["team"].active  # in use: deactivated, kept
    assert "company" not in by_key  # unused: removed


def test_new_list(app, owner):
    response = owner.submit("/admin/lists/new", {
        "key": "channels", "name_en": "Channels", "items-0-label_en": "Phone",
        "items-0-active": "y",
    })
    assert response.status_code == 302
    assert [i.key for i in _schema(app).lists["channels"].items] == ["phone"]


def test_preview_is_the_customer_form(owner):
    html = owner.get("/admin/fields/preview").get_data(as_text=True)
    assert 'name="product_family"' in html and 'name="root_cause"' not in html
    assert 'data-show-when="product_family"' in html
    assert 'name="status"' not in html and 'name="assignee"' not in html


def test_history_lists_changes(owner):
    owner.submit("/admin/fields/new", _field_form())
    html = owner.get("/admin/fields/history").get_data(as_text=True)
    assert "+ field contract_code (text)" in html


def test_export_and_import_with_dry_run(app, owner):
    response = owner.get("/admin/fields/export")
    assert response.headers["Content-Disposition"].startswith("attachment")
    document = json.loads(response.get_data(as_text=True))
    document["fields"].append({"key": "po_number", "type": "text", "label": {"en": "PO"}})
    upload = (io.BytesIO(json.dumps(document).encode()), "schema.json")
    html = owner.submit("/admin/fields/import", {"document_file": upload},
                        content_type="multipart/form-data").get_data(as_text=True)
    assert "+ field po_number (text)" in html and "po_number" not in _schema(app).by_key
    response = owner.submit("/admin/fields/import", {"document": json.dumps(document),
                                                     "confirm": "yes"})
    assert response.status_code == 302 and "po_number" in _schema(app).by_key


def test_import_refusal_shows_the_reasons(app, owner):
    bad = example()
    bad["fields"] = [f for f in bad["fields"] if f["key"] != "title"]
    html = owner.submit("/admin/fields/import", {"document": json.dumps(bad)}).get_data(
        as_text=True)
    assert "built-in fields cannot be removed" in html
    html = owner.submit("/admin/fields/import", {"document": "{not json"}).get_data(
        as_text=True)
    assert "This is not a JSON document" in html
    with app.app_context():
        assert any(f["key"] == "title" for f in export_document()["fields"])


def test_pages_in_italian(owner):
    html = owner.get("/admin/fields", headers={"Accept-Language": "it"}).get_data(as_text=True)
    assert "Campi del ticket" in html and "Aggiungi un campo" in html
