"""The layout every page shares: static files served by the app itself, no resource from
another host, no inline script a page depends on, the skip link and the main landmark."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import g

from app.accounts.models import Role
from app.accounts.profile import update_profile
from tests.fixtures.factories import PASSWORD

STATIC = Path(__file__).resolve().parents[1] / "app" / "static"
HOST = "localhost"  # the test client's host


@dataclass
class _Resource:
    tag: str
    attribute: str
    url: str


class _PageReader(HTMLParser):
    """The resources a page loads, its inline scripts, its skip links and its landmarks."""

    def __init__(self) -> None:
        super().__init__()
        self.resources: list[_Resource] = []
        self.inline_scripts: list[str] = []
        self.skip_links: list[str] = []
        self.mains: list[dict] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("link", "script", "img"):
            for name in ("src", "href"):
                if a.get(name):
                    self.resources.append(_Resource(tag, name, a[name]))
        if tag == "script" and not a.get("src"):
            self._script = []
        if tag == "a" and "skip-link" in (a.get("class") or "").split():
            self.skip_links.append(a.get("href") or "")
        if tag == "main":
            self.mains.append(a)

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.inline_scripts.append("".join(self._script))
            self._script = None


def read_page(html: str) -> _PageReader:
    reader = _PageReader()
    reader.feed(html)
    reader.close()
    return reader


def test_the_reader_sees_foreign_resources_and_inline_scripts():
    """The checks below would notice a CDN stylesheet, an absolute image or an inline script."""
    page = read_page('<link rel="stylesheet" href="https://cdn.example.net/x.css">'
                     '<img src="//images.example.net/a.png"><script>go()</script>'
                     '<script src="/static/a.js"></script><main id="content"></main>')
    assert [urlsplit(r.url).netloc for r in page.resources] == [
        "cdn.example.net", "images.example.net", ""]
    assert page.inline_scripts == ["go()"] and page.mains == [{"id": "content"}]


@pytest.mark.parametrize("name", sorted(p.name for p in STATIC.iterdir() if p.is_file()))
def test_the_app_serves_its_static_files(client, name):
    response = client.get(f"/static/{name}")
    assert response.status_code == 200
    assert response.get_data() == (STATIC / name).read_bytes()
    expected = "text/css" if name.endswith(".css") else "javascript"
    assert expected in response.content_type
    response.close()


def test_the_static_folder_holds_the_stylesheet_and_the_scripts():
    names = {p.name for p in STATIC.iterdir()}
    assert "sportello.css" in names and any(name.endswith(".js") for name in names)


@pytest.fixture
def logo(app):
    """An owner's logo, so the header carries its <img>."""
    name = f"logo-{uuid.uuid4().hex}.png"
    with app.app_context():
        folder = Path(app.instance_path) / "branding"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(b"\x89PNG\r\n\x1a\nfake")
        update_profile(name="Layout Srl", logo_path=name)
    yield name
    os.remove(folder / name)
    with app.app_context():
        g.pop("owner_profile", None)


@pytest.fixture
def pages(app, browser, load_schema, make_company, make_user, make_ticket, logo):
    """The login page, the desk queue as an agent and the portal list as a verified
    customer, each with a ticket listed."""
    load_schema("it-helpdesk")
    customer = make_user(Role.CUSTOMER, company=make_company(name="Acme"))
    agent = make_user(Role.AGENT)
    make_ticket(actor=customer, title="Printer jam", request_type="question",
                product_family="services")
    seen = {}
    login = browser.get("/login")
    assert login.status_code == 200
    seen["login"] = login.get_data(as_text=True)
    for user, url in ((agent, "/desk/"), (customer, "/portal/")):
        assert browser.login(user.email, PASSWORD).status_code == 302
        response = browser.get(url)
        assert response.status_code == 200, url
        seen[url] = response.get_data(as_text=True)
        assert "Printer jam" in seen[url]
        browser.logout()
    return seen


def test_pages_load_nothing_from_another_host(pages):
    for name, html in pages.items():
        page = read_page(html)
        tags = {resource.tag for resource in page.resources}
        assert {"link", "img"} <= tags, name
        for resource in page.resources:
            parts = urlsplit(resource.url)
            assert parts.scheme in ("", "http", "https"), (name, resource)
            assert parts.netloc in ("", HOST), (name, resource)
        assert any(r.url.endswith("/static/sportello.css") for r in page.resources), name


def test_what_the_pages_load_answers(app, pages):
    """Every stylesheet, script and image the pages point at is served, without a session
    (the log-in page needs them before anyone is logged in)."""
    client = app.test_client()
    urls = {resource.url for html in pages.values() for resource in read_page(html).resources}
    assert {"/static/sportello.css", "/logo"} <= {urlsplit(url).path for url in urls}
    for url in urls:
        response = client.get(urlsplit(url).path)
        assert response.status_code == 200, url
        response.close()


def test_pages_need_no_inline_script_and_have_the_skip_link_and_main(pages):
    for name, html in pages.items():
        page = read_page(html)
        assert page.inline_scripts == [], name
        assert len(page.mains) == 1, name
        target = page.mains[0].get("id")
        assert target and page.skip_links == [f"#{target}"], name
        assert html.index('class="skip-link"') < html.index("<main"), name
