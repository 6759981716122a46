"""Field-ready screens (issue 8), measured in Chromium on the demo data, in French and Arabic:
at 360 px every list shows its first record's status and dates in view with nothing to
scroll sideways, the menus show every entry, the filters fold; at 1280 px the search box
keeps its width and the Gantt over six years draws readable bars and its last year's label."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_csp import demo, set_language  # noqa: F401 (the demo fixture)
from tests.browser.test_journeys import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

P = "/provinces/05.301"
LISTS = {
    "activities": f"{P}/activities/",
    "recommendations": f"{P}/cpde/recommendations/",
    "late": f"{P}/cpde/recommendations/late/",
    "roadmap": f"{P}/cpde/roadmap/",
    "stakeholders": f"{P}/stakeholders/",
    "members": f"{P}/cpde/members/",
    "meetings": f"{P}/cpde/meetings/",
    "visits": f"{P}/visits/",
    "trainings": f"{P}/cpde/trainings/",
    "contracts": f"{P}/contracts/",
    "communes": f"{P}/communes/",
}
CPDE_PAGES = ("members", "meetings", "recommendations", "late", "trainings", "roadmap")

# Elements of the page that stick out of the viewport (none may), and the document's width.
OVERFLOW = """(width) => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) continue;  // e.g. the visually hidden skip link
    if (r.left < -0.5 || r.right > width + 0.5)
      out.push(`${el.tagName}.${el.className} ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
  return {scrollWidth: document.documentElement.scrollWidth, out: out.slice(0, 5)};
}"""
# The first record's title and key cells: their boxes, and whether a value is cut.
FIRST_CARD = """() => {
  const row = document.querySelector('.list-cards tbody tr:not(.lc-empty)');
  if (!row) return null;
  return [...row.querySelectorAll('td.lc-title, td.lc-key')].map(td => {
    const value = td.querySelector('.lc-value') || td;
    const r = value.getBoundingClientRect();
    const label = td.querySelector('.lc-label');
    return {label: label ? label.textContent : 'title', left: r.left, right: r.right,
            order: parseInt(getComputedStyle(td).order, 10),
            top: r.top, cut: value.scrollWidth > value.clientWidth + 1,
            labelShown: label ? label.getBoundingClientRect().width > 0 : true};
  });
}"""


def in_view(box, width) -> bool:
    return box is not None and box["x"] >= -0.5 and box["x"] + box["width"] <= width + 0.5


def test_at_360_px_each_list_shows_its_first_record_s_status_and_dates_without_side_scroll(
    page: Page,
    live_server,
    demo,  # noqa: F811
):
    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, base, "coord.khenifra")
    for language in ("fr", "ar"):
        set_language(page, base, language)
        for name, url in LISTS.items():
            page.goto(base + url)
            where = (language, name)
            found = page.evaluate(OVERFLOW, 360)
            assert found["scrollWidth"] <= 360, (where, found)
            assert found["out"] == [], where
            card = page.evaluate(FIRST_CARD)
            assert card, where
            assert card[0]["label"] == "title", where  # the title first
            keys = card[1:]
            assert len(keys) >= 2, (where, card)
            for cell in keys:
                assert cell["labelShown"], (where, cell)  # each key field says what it is
                assert cell["left"] >= -0.5 and cell["right"] <= 360.5, (where, cell)
                assert not cell["cut"], (where, cell)  # a date is never cut
                assert cell["top"] > card[0]["top"], (where, cell)  # below the title
            # The key fields come in the order the list declares (lc-o1, lc-o2…).
            tops = [cell["top"] for cell in sorted(keys, key=lambda cell: cell["order"])]
            assert tops == sorted(tops), (where, keys)
        # The table's own header row is a desk's: not shown on a phone.
        page.goto(base + LISTS["late"])
        expect(page.locator(".list-cards thead")).to_be_hidden()
        expect(page.get_by_test_id("late-badge").first).to_be_in_viewport()


def test_at_360_px_every_menu_entry_and_the_active_cpde_tab_are_in_view_and_filters_fold(
    page: Page,
    live_server,
    demo,  # noqa: F811
):
    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, base, "coord.khenifra")
    for language in ("fr", "ar"):
        set_language(page, base, language)
        page.goto(f"{base}{P}/")
        links = page.get_by_test_id("province-menu").locator("a.nav-link")
        assert links.count() >= 8
        for i in range(links.count()):
            assert in_view(links.nth(i).bounding_box(), 360), (language, i)
        menu = page.get_by_test_id("province-menu").locator("ul")
        assert menu.evaluate("ul => ul.scrollWidth <= ul.clientWidth")  # nothing hidden aside
        cpde = links.filter(has=page.locator(".bi-people"))
        assert len(cpde.inner_text().split()) <= 2, cpde.inner_text()  # a short label
        assert cpde.get_attribute("title")  # the long name as its tooltip
        for name in CPDE_PAGES:
            page.goto(base + LISTS[name])
            tabs = page.get_by_test_id("cpde-nav").locator("a.nav-link")
            active = page.get_by_test_id("cpde-nav").locator("a.nav-link.active")
            expect(active).to_have_count(1)
            assert in_view(active.bounding_box(), 360), (language, name)
            for i in range(tabs.count()):
                assert in_view(tabs.nth(i).bounding_box(), 360), (language, name, i)

        # The Gantt's filters fold: the search box and the chart come first.
        page.goto(f"{base}{P}/activities/gantt/")
        filters = page.get_by_test_id("filters").bounding_box()
        assert filters["height"] < 200, (language, filters)
        expect(page.locator("#q")).to_be_visible()
        expect(page.locator("#id_status")).to_be_hidden()
        page.get_by_test_id("filters-summary").click()
        expect(page.locator("#id_status")).to_be_visible()
        page.locator("#id_status").select_option("done")
        page.locator(".list-filters button[type=submit]").click()
        expect(page.get_by_test_id("filters-summary")).to_contain_text(
            "1 actif" if language == "fr" else "1"
        )
        expect(page.locator("#id_status")).to_be_hidden()  # folded again, its count shown


def test_at_1280_px_search_boxes_keep_their_width_and_the_gantt_reads_over_six_years(
    page: Page,
    live_server,
    demo,  # noqa: F811
):
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, base, "coord.khenifra")
    for language in ("fr", "ar"):
        set_language(page, base, language)
        for name, url in LISTS.items():
            page.goto(base + url)
            box = page.locator("#q").bounding_box()
            assert box["width"] >= 256, (language, name, box)
            # At a desk the filters are a row, not folded.
            if page.get_by_test_id("filters-fold").count():
                expect(page.get_by_test_id("filters-summary")).to_be_hidden()
                expect(page.locator(".list-filter :is(select, input)").first).to_be_visible()
            expect(page.locator(".list-cards thead")).to_be_visible()

        page.goto(f"{base}{P}/activities/gantt/")
        gantt = page.get_by_test_id("gantt")
        assert gantt.get_attribute("data-scale") == "years"
        years = page.get_by_test_id("gantt-year")
        assert years.count() >= 6  # the demo's chronogram runs over six years and more
        scroll = page.locator(".gantt-scroll").bounding_box()
        # The whole window is in view: no sideways scroll at a desk.
        assert page.locator(".gantt-scroll").evaluate("b => b.scrollWidth <= b.clientWidth")
        last = years.last.locator("span")
        box = last.bounding_box()
        assert box["x"] >= scroll["x"] and box["x"] + box["width"] <= scroll["x"] + scroll["width"]
        cell = years.last.bounding_box()  # the label whole inside its year
        assert (
            box["x"] >= cell["x"] - 0.5
            and box["x"] + box["width"] <= cell["x"] + cell["width"] + 0.5
        )
        bars = page.locator("[data-testid=bar-planned], [data-testid=bar-actual]")
        assert bars.count() > 10
        widths = [bars.nth(i).bounding_box()["width"] for i in range(bars.count())]
        assert min(widths) >= 8, (language, sorted(widths)[:5])
        today = page.get_by_test_id("gantt-today").bounding_box()
        assert (
            today["x"] >= scroll["x"]
            and today["x"] + today["width"] <= scroll["x"] + scroll["width"]
        )
        # Late bars are dashed as well as red: not marked by colour alone.
        late = page.locator(".is-late [data-testid=bar-planned]").first
        assert late.evaluate("b => getComputedStyle(b).strokeDasharray") not in ("", "none")
