"""The coordinator of Khénifra, on a phone, generates the validated honey diagnostic's PDF with
its progress bar, downloads it (pdftotext finds its stages and bottlenecks, in French and in
Arabic), then records its delivery to the Province with that PDF."""

import re
import subprocess
import unicodedata

import pytest
from playwright.sync_api import Page, expect

from targa.core.demo import seed_demo
from targa.core.models import User
from tests.browser.test_journeys import log_in
from tests.conftest import ensure_territories
from valuechains import services
from valuechains.models import Diagnostic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def validated(transactional_db):
    ensure_territories()
    seed_demo()
    d = Diagnostic.objects.get(chain__province__code="05.301", status="submitted")
    coord = User.objects.get(username="coord.khenifra")
    return services.diagnostic_move(
        diagnostic=d, name="validate", by=coord, expected_version=d.version
    )


def pdf_text(path) -> str:
    """The PDF's text without spaces and direction marks (Arabic comes out in visual order
    pieces; a label is found whole once spaces are gone)."""
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True)
    plain = unicodedata.normalize("NFKC", text.stdout)  # ﻙ → ك, as a PDF reader's search
    return "".join(re.sub("[\u202a-\u202e\u200e\u200f]", "", plain).split())


def test_coordinator_generates_downloads_and_delivers_the_pdf(
    page: Page, live_server, validated, worker, tmp_path
):
    page.set_viewport_size({"width": 360, "height": 740})
    base = live_server.url
    log_in(page, base, "coord.khenifra")
    deliverable = f"{base}/provinces/05.301/valuechains/diagnostics/{validated.pk}/deliverable/"
    stages = list(validated.stages.order_by("order"))
    bottlenecks = list(validated.bottlenecks.all())
    for lang in ("fr", "ar"):
        page.goto(deliverable)
        page.get_by_test_id(f"pdf-{lang}").click()
        expect(page.get_by_test_id("job-progress")).to_be_visible()
        link = page.get_by_test_id("job-download")
        expect(link).to_be_visible(timeout=60_000)  # the panel polls, no reload
        with page.expect_download() as info:
            link.click()
        assert info.value.suggested_filename.endswith(f"-{lang}.pdf")
        path = tmp_path / f"{lang}.pdf"
        info.value.save_as(path)
        text = pdf_text(path)
        from django.utils import translation

        with translation.override(lang):
            labels = ["".join(s.label.split()) for s in stages]
        assert all(label in text for label in labels), lang
        assert all("".join(b.title.split()) in text for b in bottlenecks), lang

    page.goto(deliverable)
    page.get_by_test_id("deliver").click()
    page.locator("#id_recipient").fill("Division de l'Action Sociale")
    page.get_by_test_id("deliver-submit").click()
    expect(page.get_by_test_id("delivered-file")).to_be_visible()
    validated.refresh_from_db()
    assert validated.status == Diagnostic.Status.DELIVERED
    assert validated.delivered_file.name.endswith("-ar.pdf")  # the latest generated
