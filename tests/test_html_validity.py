"""The main pages, in French and in Arabic, and forms sent back with errors, are valid HTML for
the W3C Nu HTML checker, and their forms tell screen readers what is wrong and where.

The pages are rendered once for the module with the Django test client on the demo data,
written to files, and checked in one run of the checker (`vnu.jar` from the npm package
`vnu-jar`, pinned in package.json; `scripts/test` installs it with `npm ci` and checks that
Java is there).
"""

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.test import Client

from cpde.models import Questionnaire
from targa.core.demo import seed_demo
from targa.core.models import User
from tests.checked_pages import (
    ANONYMOUS_PAGES,
    USERNAME,
    InvalidForm,
    conflict_form,
    invalid_forms,
    main_pages,
)
from tests.conftest import ensure_territories, shared_data

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LANGUAGES = ("fr", "ar")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass
class Rendered:
    pages: dict[str, tuple[Path, str]]  # "language name" → (HTML file, its text)
    forms: list[InvalidForm]  # the forms sent back with errors among them


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker, tmp_path_factory) -> Rendered:
    """Every page checked, in each language: the main pages and the forms with errors."""
    folder = tmp_path_factory.mktemp("html")
    pages = {}
    with shared_data(django_db_blocker):
        ensure_territories()
        if not Questionnaire.objects.filter(province__isnull=True).exists():
            import_module("cpde.migrations.0002_national_questionnaire").create(apps, None)
        seed_demo()
        user = User.objects.get(username=USERNAME)
        for language in LANGUAGES:
            client, anonymous = Client(), Client()
            client.force_login(user)
            for c in (client, anonymous):
                c.cookies["targa_language"] = language
            answers = [(name, client.get(url)) for name, url in main_pages()]
            answers += [(name, anonymous.get(url)) for name, url in ANONYMOUS_PAGES]
            forms = invalid_forms()
            answers += [
                (form.name, (anonymous if form.anonymous else client).post(form.url, form.data))
                for form in forms
            ]
            answers.append(conflict_answer(client))
            for name, response in answers:
                assert response.status_code == (409 if name == CONFLICT else 200), (language, name)
                text = response.content.decode()
                path = folder / f"{language}-{slug(name)}.html"
                path.write_text(text, encoding="utf-8")
                pages[f"{language} {name}"] = (path, text)
    return Rendered(pages, forms)


CONFLICT = "stakeholder edit, changed meanwhile"


def conflict_answer(client: Client):
    """The 409 screen: the edit form opened, saved by someone else, then sent."""
    conflict = conflict_form()
    assert conflict.name == CONFLICT
    form = client.get(conflict.url).context["form"]
    data = {b.html_name: b.value() for b in form if b.value() not in (None, "")}
    conflict.change_meanwhile()
    return conflict.name, client.post(conflict.url, {**data, "phone": conflict.phone})


def nu_messages(files: list[Path]) -> list[dict]:
    """The Nu checker's messages about `files`, from one run of Java."""
    java = shutil.which("java")
    assert java, "Java is needed for the Nu HTML checker (scripts/test installs it)"
    assert VNU.exists(), f"{VNU} is missing: run `npm ci` (scripts/test does)"
    run = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(run.stdout)["messages"]


def test_the_main_pages_and_forms_with_errors_have_no_nu_html_error(rendered):
    # The checker names a file "file:/tmp/…".
    by_file = {
        path.as_uri().replace("file:///", "file:/"): name
        for name, (path, _text) in rendered.pages.items()
    }
    messages = nu_messages([path for path, _ in rendered.pages.values()])
    errors = [m for m in messages if m["type"] in ("error", "non-document-error")]
    described = [
        f"{by_file.get(m.get('url'), m.get('url'))}, line {m.get('lastLine', '?')}: "
        f"{m['message']} · {m.get('extract', '').strip()}"
        for m in errors
    ]
    assert described == [], f"{len(described)} Nu errors:\n" + "\n".join(described)


def test_the_checker_reports_an_invalid_page(tmp_path):
    """The check above can fail: the checker finds what item 18 of issue 8 found."""
    page = tmp_path / "invalid.html"
    page.write_text(
        '<!DOCTYPE html><html lang="fr"><head><title>x</title></head><body>'
        '<time datetime="2026-12-01 08:20:00.123456+00:00">1 déc.</time>'
        '<input type="radio" name="r" autocomplete="off"></body></html>',
        encoding="utf-8",
    )
    errors = [m["message"] for m in nu_messages([page]) if m["type"] == "error"]
    assert len(errors) == 2, errors


class _Ids(HTMLParser):
    """Every id of a page, and every element's attributes."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        self.elements.append((tag, attributes))


def parse(text: str) -> _Ids:
    parser = _Ids()
    parser.feed(text)
    return parser


def test_every_aria_describedby_of_the_checked_pages_points_to_an_element_that_exists(rendered):
    missing = []
    for name, (_path, text) in rendered.pages.items():
        page = parse(text)
        for tag, attrs in page.elements:
            for ref in (attrs.get("aria-describedby") or "").split():
                if ref not in page.ids:
                    missing.append(f"{name}: <{tag} id={attrs.get('id')}> → #{ref}")
    assert missing == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_conflict_screen_links_each_clash_to_its_field(rendered, language):
    _path, text = rendered.pages[f"{language} {CONFLICT}"]
    page = parse(text)
    box = next(a for tag, a in page.elements if a.get("data-testid") == "conflict")
    assert (box["role"], box["tabindex"]) == ("alert", "-1") and "data-error-summary" in box
    assert "#id_phone" in [a.get("href") for tag, a in page.elements]
    assert "id_phone" in page.ids


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_form_with_errors_opens_with_a_summary_linking_to_each_invalid_field(rendered, language):
    assert rendered.forms
    for form in rendered.forms:
        _path, text = rendered.pages[f"{language} {form.name}"]
        page = parse(text)
        summary = [a for tag, a in page.elements if a.get("data-testid") == "error-summary"]
        assert len(summary) == 1, form.name
        assert summary[0]["role"] == "alert" and summary[0]["tabindex"] == "-1", form.name
        invalid = [a for tag, a in page.elements if a.get("aria-invalid") == "true"]
        assert invalid or form.anonymous, form.name  # a failed login names no field
        links = [a["href"] for tag, a in page.elements if a.get("href", "").startswith("#id_")]
        fieldsets = [
            a.get("aria-describedby", "").split() for t, a in page.elements if t == "fieldset"
        ]
        groups = set()
        for attrs in invalid:
            field_id = attrs["id"]
            option = re.fullmatch(r"(.+)_\d+", field_id)
            if attrs.get("type") in ("radio", "checkbox") and option:
                # A list of options: the summary links to its first, its fieldset carries the
                # error (Django marks each option invalid).
                base = option.group(1)
                if base not in groups:
                    groups.add(base)
                    assert f"#{base}_0" in links, (form.name, base)
                    assert any(f"{base}_error" in ids for ids in fieldsets), (form.name, base)
                continue
            assert f"#{field_id}" in links, (form.name, field_id)
            assert f"{field_id}_error" in attrs["aria-describedby"].split(), form.name
