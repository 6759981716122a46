"""The value-chain journey in a real headless Chromium on a 360-px phone, in French and in
Arabic: a field agent proposes a chain; the coordinator chooses it for diagnosis from the
ranking; the agent fills the diagnostic section by section (a stage, its operators, two
bottlenecks), sees "saved at", submits; the coordinator returns it with a comment; the agent
fixes and resubmits; the coordinator validates, generates the PDF with its progress bar and
downloads it: pdftotext finds the stage and the bottlenecks the agent typed."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from targa.core.demo import seed_demo
from tests.browser.test_journeys import log_in
from tests.browser.test_valuechains_deliverable import pdf_text
from tests.conftest import ensure_territories
from valuechains.models import Bottleneck, Chain, Diagnostic, Operator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KHENIFRA = "05.301"
SAVED = {"fr": "enregistré à", "ar": "حُفظ على الساعة"}


@pytest.fixture
def demo(transactional_db):
    ensure_territories()
    seed_demo()


def as_user(page: Page, base: str, username: str, language: str) -> None:
    page.context.clear_cookies()
    log_in(page, base, username)
    page.context.add_cookies([{"name": "targa_language", "value": language, "url": base}])


def open_section(page: Page, key: str):
    section = page.locator(f"#section-{key}")
    details = section.locator("details").first
    if details.get_attribute("open") is None:
        section.locator("summary").first.click()
    return section


def move(page: Page, name: str, comment: str = "") -> None:
    """A button of the status panel (its comment box first, where it takes one)."""
    panel = page.get_by_test_id("workflow")
    before = panel.get_by_test_id("workflow-status").inner_text()
    form = panel.locator(f"form:has(input[name=name][value={name}])")
    details = panel.locator(f"details:has(input[name=name][value={name}])")
    if details.count():
        details.locator("summary").click()
        if comment:
            form.locator("textarea").fill(comment)
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("workflow-status")).not_to_have_text(before)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_from_a_proposed_chain_to_its_pdf_on_a_phone(
    page: Page,
    live_server,
    demo,
    worker,
    language,
    tmp_path,
):
    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 740})

    # The field agent proposes the chain, with its scope.
    as_user(page, base, "agent.khenifra", language)
    page.goto(f"{base}{reverse('valuechains:chain_create', args=[KHENIFRA])}")
    page.locator("#id_product").fill("Safran de montagne")
    page.locator("#id_product_ar").fill("زعفران الجبل")
    page.locator("#id_sector").select_option(index=1)
    page.locator("input[name=cercles]").first.check()
    page.locator("form:has(#id_product) button[type=submit]").click()
    chain = Chain.objects.get(product="Safran de montagne")
    expect(page).to_have_url(f"{base}{chain.get_absolute_url()}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # The coordinator chooses it for diagnosis from the ranking, and opens the diagnostic.
    as_user(page, base, "coord.khenifra", language)
    page.goto(f"{base}{reverse('valuechains:ranking', args=[KHENIFRA])}")
    card = page.locator(f"#chain-{chain.pk}")
    card.locator("summary[data-action=select]").click()
    card.locator("form:has(input[name=name][value=select]) button[type=submit]").click()
    page.locator(f"#chain-{chain.pk} [data-state^='diagnostic:'] a").click()
    diagnostic = Diagnostic.objects.get(chain=chain)
    url = f"{base}{diagnostic.get_absolute_url()}"
    expect(page).to_have_url(url)
    assert diagnostic.stages.count() == 5  # the default ValueLinks stages

    # The field agent adds a stage and two operators to it, without leaving the page.
    as_user(page, base, "agent.khenifra", language)
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_test_id("chain-map").locator("svg")).to_be_visible()
    stages = open_section(page, "stages")
    stages.get_by_test_id("add-s-stages-stages").click()
    new = "s-stages-stages-5"
    stages.locator(f"select[name={new}-kind]").select_option("other")
    stages.locator(f"input[name={new}-name]").fill("Séchage des stigmates")
    for i, (who, count, women) in enumerate([("Cueilleuses", 60, 55), ("Coopérative Azrou", 1, 0)]):
        page.locator(f"#section-stages [data-testid=add-{new}-operators]").click()
        line = f"{new}-operators-{i}"
        section = page.locator("#section-stages")
        # the stage typed before the tap is still there
        expect(section.locator(f"input[name={new}-name]")).to_have_value("Séchage des stigmates")
        section.locator(f"select[name={line}-kind]").select_option("producers")
        section.locator(f"input[name={line}-description]").fill(who)
        section.locator(f"input[name={line}-count]").fill(str(count))
        section.locator(f"input[name={line}-women]").fill(str(women))
        section.locator(f"input[name={line}-young]").fill("0")
    page.get_by_test_id("save-stages").click()
    expect(page.locator("#section-stages [data-testid=section-saved]")).to_be_visible()
    expect(page.locator("#section-stages [data-testid=saved-at]")).to_contain_text(SAVED[language])
    assert Operator.objects.filter(stage__diagnostic=diagnostic).count() == 2

    # Two bottlenecks on the new stage.
    findings = open_section(page, "findings")
    stage_id = str(diagnostic.stages.get(name="Séchage des stigmates").pk)
    for i, title in enumerate(["Séchage au sol, poussière", "Pas d'emballage agréé"]):
        page.locator("#section-findings [data-testid=add-s-findings-bottlenecks]").click()
        line = f"s-findings-bottlenecks-{i}"
        findings = page.locator("#section-findings")
        findings.locator(f"select[name={line}-stage]").select_option(stage_id)
        findings.locator(f"input[name={line}-title]").fill(title)
        findings.locator(f"select[name={line}-level]").select_option("high")
        findings.locator(f"select[name={line}-source]").select_option("field_visit")
    page.get_by_test_id("save-findings").click()
    expect(page.locator("#section-findings [data-testid=saved-at]")).to_be_visible()
    assert Bottleneck.objects.filter(diagnostic=diagnostic).count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    move(page, "submit")
    diagnostic.refresh_from_db()
    assert diagnostic.status == Diagnostic.Status.SUBMITTED
    page.goto(url)
    expect(page.get_by_test_id("read-only")).to_be_visible()  # the author reads only

    # The coordinator returns it with a comment.
    as_user(page, base, "coord.khenifra", language)
    page.goto(url)
    move(page, "send_back", "Ajouter le prix au gramme.")
    expect(page.get_by_test_id("workflow-log")).to_contain_text("Ajouter le prix au gramme.")
    diagnostic.refresh_from_db()
    assert diagnostic.status == Diagnostic.Status.RETURNED

    # The agent fixes an operator and submits again.
    as_user(page, base, "agent.khenifra", language)
    page.goto(url)
    expect(page.get_by_test_id("workflow-log")).to_contain_text("Ajouter le prix au gramme.")
    section = open_section(page, "stages")
    section.locator(f"input[name={new}-operators-0-price]").fill("35")
    page.get_by_test_id("save-stages").click()
    # a price without its unit: the message on its line, the price typed still there
    section = page.locator("#section-stages")
    expect(section.get_by_test_id("section-errors")).to_be_visible()
    expect(section.locator(".vc-line-error .invalid-feedback")).to_have_count(1)
    expect(section.locator(f"input[name={new}-operators-0-price]")).to_have_value("35")
    section.locator(f"select[name={new}-operators-0-price_unit]").select_option("kg")
    page.get_by_test_id("save-stages").click()
    expect(page.locator("#section-stages [data-testid=section-saved]")).to_be_visible()
    move(page, "submit", "Prix ajouté.")
    expect(page.get_by_test_id("workflow-log")).to_contain_text("Prix ajouté.")

    # The coordinator validates.
    as_user(page, base, "coord.khenifra", language)
    page.goto(url)
    move(page, "validate")
    expect(page.get_by_test_id("workflow-log")).to_contain_text("Prix ajouté.")
    diagnostic.refresh_from_db()
    assert diagnostic.status == Diagnostic.Status.VALIDATED
    page.goto(url)
    assert page.locator("[data-testid^=section-form-]").count() == 0  # validated: locked
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # The coordinator generates the PDF in the page's language, follows its progress, and
    # downloads it: it holds the stage and the two bottlenecks typed on the phone.
    page.goto(f"{url}deliverable/")
    page.get_by_test_id(f"pdf-{language}").click()
    expect(page.get_by_test_id("job-progress")).to_be_visible()
    link = page.get_by_test_id("job-download")
    expect(link).to_be_visible(timeout=60_000)  # the panel polls, no reload
    with page.expect_download() as info:
        link.click()
    path = tmp_path / "diagnostic.pdf"
    info.value.save_as(path)
    text = pdf_text(path)
    for typed in ("Séchage des stigmates", "Séchage au sol, poussière", "Pas d'emballage agréé"):
        assert "".join(typed.split()) in text, typed
    assert {"fr": "Safrandemontagne", "ar": "زعفرانالجبل"}[language] in text  # the chain's name
