"""The codice_fiscale plugin: fiscal code and VAT number field types, end to end."""

import pytest
from flask_babel import force_locale

from app.accounts.models import Role, User
from app.extensions import db
from app.fields.document import export_document
from app.fields.forms import build_ticket_form
from app.fields.gate import Viewer
from app.fields.schema import Stage, current_schema
from app.fields.types import ConversionError
from app.fields.types.registry import RegistryError, get_registry
from app.tickets.errors import ValidationFailed
from app.tickets.queries import Filter, TicketQuery, find_tickets, parse_filters
from app.tickets.service import create_ticket
from app.tickets.values import load_values
from plugins.codice_fiscale.checks import (
    Problem,
    fiscal_code_problem,
    normalise_fiscal_code,
    normalise_vat_number,
    personal_check_letter,
    vat_number_problem,
)

MARIO = "RSSMRA85T10A562S"  # the textbook example: Mario Rossi, born in Rome on 10/12/1985
AGENZIA = "06363391001"  # the Agenzia delle Entrate's own code and VAT number
BANCA_ITALIA = "00950501007"


# The rules, without Flask --------------------------------------------------------


@pytest.mark.parametrize("code", [MARIO, "MRTMTT25D09F205Z", AGENZIA, BANCA_ITALIA])
def test_published_codes_are_valid(code):
    assert fiscal_code_problem(code) is None


def test_omocode_variants_are_valid():
    variant = "RSSMRA85T10A56NS"[:15]  # the last digit of the place, 2, written as N
    assert fiscal_code_problem(variant + personal_check_letter(variant)) is None
    assert fiscal_code_problem("RSSMRA85T10A56N" + "S") is Problem.CHECK


@pytest.mark.parametrize(("code", "problem"), [
    ("RSSMRA85T10A562T", Problem.CHECK),
    ("RSSMRA85T32A562S", Problem.DAY),  # day 32: neither a man's nor a woman's (41-71)
    ("RSSMRA85Z10A562S", Problem.FORMAT),  # Z is no month
    ("RSSMRA85T10A562", Problem.FORMAT),
    ("06363391002", Problem.CHECK),
    ("00000000000", Problem.ZERO),
])
def test_wrong_fiscal_codes(code, problem):
    assert fiscal_code_problem(code) is problem


def test_womens_days_are_valid():
    code = "RSSMRA85T50A562"  # born on the 10th: 10 + 40
    assert fiscal_code_problem(code + personal_check_letter(code)) is None


def test_vat_numbers():
    assert vat_number_problem(AGENZIA) is None
    assert vat_number_problem(MARIO) is Problem.FORMAT  # a person's code is not a VAT number
    assert vat_number_problem("00950501008") is Problem.CHECK


def test_normalising():
    assert normalise_fiscal_code(" rssmra 85t10-a562s ") == MARIO
    assert normalise_vat_number("IT 063.633.910.01") == AGENZIA
    assert normalise_vat_number("it06363391001") == AGENZIA


# The field types in the registry ---------------------------------------------------

FISCAL_CODE = {
    "key": "fiscal_code", "type": "codice_fiscale",
    "label": {"en": "Fiscal code", "it": "Codice fiscale"},
    "customer": {"visibility": "write", "edit": ["create", "open"]},
}
VAT_NUMBER = {
    "key": "vat_number", "type": "partita_iva",
    "label": {"en": "VAT number", "it": "Partita IVA"},
    "customer": {"visibility": "write", "edit": ["create"]},
}


@pytest.fixture
def fiscal_schema(app, load_schema):
    """The default schema plus a fiscal code and a VAT number field, imported as a document."""
    with app.app_context():
        document = export_document()
    document["fields"] += [FISCAL_CODE, VAT_NUMBER]
    plan = load_schema(document)
    assert "+ field fiscal_code (codice_fiscale)" in "\n".join(plan.lines)
    return document


def test_both_types_come_from_the_plugin(app_ctx):
    registry = get_registry()
    assert registry["codice_fiscale"].label == "Italian fiscal code"
    assert registry["partita_iva"].json_schema(None) == {
        "type": "string", "pattern": "^[0-9]{11}$",
    }


def test_text_import_normalises_and_refuses(app_ctx):
    fiscal, vat = get_registry()["codice_fiscale"], get_registry()["partita_iva"]
    assert fiscal.from_text(None, "rssmra85t10a562s") == MARIO
    assert vat.from_text(None, "IT06363391001") == AGENZIA
    assert fiscal.from_text(None, "  ") is None
    with pytest.raises(ConversionError):
        fiscal.from_text(None, "RSSMRA85T10A562T")


def test_imported_schema_keeps_the_types(app, fiscal_schema):
    with app.app_context():
        exported = {f["key"]: f["type"] for f in export_document()["fields"]}
    assert exported["fiscal_code"] == "codice_fiscale"
    assert exported["vat_number"] == "partita_iva"


def test_valid_codes_are_stored_through_the_write_path(app, fiscal_schema, make_ticket):
    ticket = make_ticket(fiscal_code=MARIO, vat_number=AGENZIA)
    with app.app_context():
        values = load_values(current_schema(), db.session.merge(ticket))
    assert values["fiscal_code"] == MARIO and values["vat_number"] == AGENZIA


@pytest.mark.parametrize(("values", "key", "message"), [
    ({"fiscal_code": "RSSMRA85T10A562T"}, "fiscal_code",
     "The last character does not match the rest of the code: check it for a typing error."),
    ({"fiscal_code": "RSSMRA85T32A562S"}, "fiscal_code",
     "The day of birth in this fiscal code is not possible."),
    ({"fiscal_code": "ABC"}, "fiscal_code",
     "Not a fiscal code: write the 16 letters and digits of a person's code "
     "(e.g. RSSMRA85T10A562S) or the 11 digits of a company's."),
    ({"vat_number": MARIO}, "vat_number",
     "Not a VAT number: write its 11 digits, e.g. 06363391001."),
    ({"vat_number": "06363391002"}, "vat_number",
     "The last character does not match the rest of the code: check it for a typing error."),
])
def test_invalid_codes_are_refused_with_a_message(
    app, fiscal_schema, make_user, values, key, message
):
    customer = make_user(Role.CUSTOMER)
    with app.app_context():
        account = db.session.get(User, customer.id)
        with pytest.raises(ValidationFailed) as refused:
            create_ticket(account, {"title": "Invoice", "description": "Wrong code", **values})
    assert refused.value.fields == {key: message}


def test_messages_are_translated(app, fiscal_schema, make_user):
    customer = make_user(Role.CUSTOMER)
    with app.test_request_context(), force_locale("it"):
        account = db.session.get(User, customer.id)
        with pytest.raises(ValidationFailed) as refused:
            create_ticket(account, {"title": "Fattura", "fiscal_code": "RSSMRA85T10A562T",
                                    "vat_number": "12"})
    assert refused.value.fields == {
        "fiscal_code": "L'ultimo carattere non corrisponde al resto del codice: controlla che "
                       "non ci siano errori di battitura.",
        "vat_number": "Non è una partita IVA: scrivi le sue 11 cifre, es. 06363391001.",
    }


# The core's dropdowns still give WTForms 3.3 its choices as tuples (reported to the lead).
def test_the_form_normalises_what_people_type(app, fiscal_schema, make_user):
    customer = make_user(Role.CUSTOMER)
    typed = {"title": "Invoice", "description": "Please fix it.",
             "fiscal_code": "rssmra 85t10 a562s", "vat_number": "IT 06363391001"}
    with app.test_request_context("/", method="POST", data=typed):
        schema = current_schema()
        account = db.session.get(User, customer.id)
        form = build_ticket_form(schema, Viewer.of(account), Stage.CREATE, meta={"csrf": False})
        assert 'autocapitalize="characters"' in str(form["fiscal_code"])
        ticket = create_ticket(account, form.submitted_values(schema))
        values = load_values(schema, ticket)
    assert values["fiscal_code"] == MARIO and values["vat_number"] == AGENZIA


def test_tickets_are_filtered_by_code(app, fiscal_schema, make_ticket, make_user):
    wanted = make_ticket(fiscal_code=MARIO)
    make_ticket(fiscal_code="MRTMTT25D09F205Z")
    make_ticket()
    agent = make_user(Role.AGENT)
    with app.test_request_context():
        staff = db.session.get(User, agent.id)
        exact = find_tickets(staff, TicketQuery(filters=(Filter("fiscal_code", "eq", MARIO),)))
        typed = find_tickets(staff, TicketQuery(filters=parse_filters(
            [("fiscal_code", "rssmra85t10a562s")])))
        missing = find_tickets(staff, TicketQuery(filters=(Filter("fiscal_code", "empty"),)))
    assert [t.id for t in exact.tickets] == [t.id for t in typed.tickets] == [wanted.id]
    assert exact.values[wanted.id]["fiscal_code"] == MARIO
    assert len(missing.tickets) >= 1 and wanted.id not in [t.id for t in missing.tickets]


def test_another_plugin_cannot_take_the_type_name(make_app, plugin_folder):
    plugin_folder.add("impostor", """
        from app.fields.types import TextType
        from app.plugins import hookimpl

        class Impostor(TextType):
            name = "codice_fiscale"

        @hookimpl
        def sportello_field_types():
            return [Impostor]
    """)
    with pytest.raises(RegistryError) as refused:
        make_app(SPORTELLO_PLUGIN_FOLDERS=[str(plugin_folder.path)])
    message = str(refused.value)
    assert "'codice_fiscale' is defined twice" in message
    assert "'impostor'" in message and "plugin 'codice_fiscale'" in message
