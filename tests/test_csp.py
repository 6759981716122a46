"""The Content-Security-Policy holds because nothing inline is left to refuse: no template
carries an inline script, an event handler or a style attribute, no page renders one, and the
policy itself allows none of them."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cpde.models import Meeting, Questionnaire
from provinces.models import Activity
from targa.core.models import Job, User
from tests.conftest import client_for

# What the policy refuses, as it would appear in HTML.
INLINE = {
    "style attribute": re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.S),
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.S),
    "event handler": re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.S),
    "javascript: URL": re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I),
    "htmx code": re.compile(
        r"\s(?:data-)?hx-on[:-]|\s(?:data-)?hx-vars\s*=|"
        r"\s(?:data-)?hx-vals\s*=\s*[\"']\s*(?:js|javascript):"
    ),
    "style element": re.compile(r"<style\b", re.I),
}
# Rendered by WeasyPrint into PDFs, never served as HTML: they keep their <style>.
PDF_TEMPLATES = {"reports/pdf_base.html"}
PDF_EXTENDS = re.compile(r"""\{%\s*extends\s+["']reports/pdf_base\.html["']""")


def our_templates() -> dict[str, str]:
    """Every template of Targa: the project's folder and each of our apps' own."""
    folders = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    folders += [
        Path(settings.BASE_DIR) / app / "templates"
        for app in ("targa/core", "provinces", "cpde", "valuechains", "projects", "reports")
    ]
    found = {}
    for folder in folders:
        for path in folder.rglob("*.html"):
            found[path.relative_to(folder).as_posix()] = path.read_text(encoding="utf-8")
    return found


def is_pdf(name: str, text: str) -> bool:
    return name in PDF_TEMPLATES or bool(PDF_EXTENDS.search(text))


def inline_bits(html: str, *, allow_style_element: bool = False) -> list[str]:
    return [
        f"{kind}: {match.group(0)[:80]!r}"
        for kind, pattern in INLINE.items()
        if not (allow_style_element and kind == "style element")
        for match in pattern.finditer(html)
    ]


def test_the_scanner_finds_each_kind_of_inline_code():
    samples = [
        '<div class="x" style="width: 3px">',
        "<script>alert(1)</script>",
        '<select onchange="this.form.submit()">',
        '<a href="javascript:void(0)">',
        '<button hx-on:click="go()">',
        '<button data-hx-on:click="go()">',
        "<style>p{}</style>",
    ]
    assert [len(inline_bits(s)) for s in samples] == [1] * len(samples)
    assert inline_bits('<script src="/static/js/targa.js" defer></script><p data-on="x">') == []


def test_no_template_carries_inline_script_handler_or_style():
    templates = our_templates()
    assert "base.html" in templates and "provinces/_gantt.html" in templates
    found = {
        name: bits
        for name, text in templates.items()
        if (bits := inline_bits(text, allow_style_element=is_pdf(name, text)))
    }
    assert found == {}


def test_only_pdf_templates_have_a_style_element_and_only_pdfs_are_rendered_from_them():
    """The PDF templates keep their <style> (WeasyPrint reads it); no view serves them as HTML."""
    templates = our_templates()
    styled = {name for name, text in templates.items() if INLINE["style element"].search(text)}
    assert styled == PDF_TEMPLATES
    pdf_pages = {name for name, text in templates.items() if is_pdf(name, text)} - PDF_TEMPLATES
    assert "cpde/meeting_pv.html" in pdf_pages
    python = "\n".join(
        path.read_text(encoding="utf-8")
        for app in ("targa", "provinces", "cpde", "valuechains", "projects", "reports")
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py")
    )
    for name in pdf_pages:
        uses = re.findall(rf"""(\w+)\(\s*["']{re.escape(name)}["']""", python)
        assert uses and set(uses) == {"render_pdf"}, name


def test_policy_allows_nothing_inline_and_nothing_foreign():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == directives["form-action"] == ["'self'"]
    every_source = [s for sources in directives.values() for s in sources]
    assert not [s for s in every_source if "unsafe" in s or s.startswith(("http", "*"))]


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def demo_pages() -> list[str]:
    """The main pages of the programme and the CPDE, on the demo's Khénifra."""
    code = "05.301"
    meeting = Meeting.objects.filter(committee__province__code=code).first()
    questionnaire = Questionnaire.objects.filter(responses__isnull=False).first()
    activity = Activity.objects.filter(province__code=code).first()
    coordinator = User.objects.get(username="coord.khenifra")
    job = Job.objects.create(
        kind="export",
        label="Recommandations",
        owner=coordinator,
        state=Job.State.RUNNING,
        progress=42,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    return [
        reverse("home"),
        reverse("provinces:detail", args=[code]),
        reverse("provinces:activity_list", args=[code]),
        reverse("provinces:activity_gantt", args=[code]),
        activity.get_absolute_url(),
        reverse("provinces:activity_edit", args=[code, activity.pk]),
        reverse("provinces:activity_history", args=[code, activity.pk]),
        reverse("provinces:stakeholder_create", args=[code]),
        meeting.get_absolute_url(),
        reverse("cpde:meeting_attendance", args=[code, meeting.pk]),
        reverse("cpde:recommendation_list", args=[code]),
        reverse("cpde:questionnaire_results", args=[code, questionnaire.pk]),
        job.get_absolute_url(),
    ]


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_main_pages_render_nothing_inline(demo, language):
    """Widgets, filters and includes rendered by Python are covered too, not only templates."""
    client = client_for(User.objects.get(username="coord.khenifra"), language)
    found = {}
    for url in demo_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Content-Security-Policy" in response.headers, url
        if bits := inline_bits(response.content.decode()):
            found[url] = bits
    assert found == {}
