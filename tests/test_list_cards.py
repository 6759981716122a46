"""Record lists on a phone and at a desk (issue 8): one table that targa.css lays out as one
card per record below Bootstrap's md breakpoint — the title first, then the key columns the
view declares (status, dates, responsible), each with its label, dates never wrapping; the
filters folded under "Filters (n active)"; the province menu's short labels; the Gantt's
scale, minimum bar width and marks over long spans. The browser measures the layout in
tests/browser/test_phone_layout.py."""

import datetime
import html
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse

from cpde.models import Recommendation
from provinces.gantt import MIN_BAR_PX, WIDE_TIMELINE_PX, build_gantt, scale_for
from provinces.models import Activity
from targa.core.crud import Col, list_columns
from tests.conftest import client_for
from tests.factories import ActivityFactory, MeetingFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def cells(page: str, row: int = 0) -> list[str]:
    """The cells (<td>…</td>) of the `row`-th record of the list's table."""
    body = page.split('data-testid="record-table"', 1)[1].split("<tbody>", 1)[1]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    return re.findall(r"<td[^>]*>.*?</td>", rows[row], flags=re.S)


def key_cell(page: str, label: str) -> str:
    """The one cell of the first record labelled `label` on its card."""
    found = [c for c in cells(page) if f'<span class="lc-label">{label}</span>' in c]
    assert len(found) == 1, (label, cells(page))
    return found[0]


# The kit: which columns are key, in which order.


def test_by_default_a_card_shows_the_status_then_the_dates_then_who_is_responsible():
    columns = list_columns(Recommendation, ("text", "meeting", "owner_name", "due_date", "status"))
    roles = {c.name: (c.role, c.order) for c in columns}
    assert roles["text"] == ("title", 0)
    assert roles["status"] == ("key", 1)
    assert roles["due_date"] == ("key", 2)
    assert roles["owner_name"] == ("key", 3)
    assert roles["meeting"][0] == "more"
    assert [c.nowrap for c in columns if c.name == "due_date"] == [True]  # a date never wraps
    assert [c.nowrap for c in columns if c.name == "text"] == [False]


def test_a_list_names_its_key_columns_and_their_order():
    columns = list_columns(
        Activity,
        ("title", Col("planned", "Planned", nowrap=True), "status", "responsible_name"),
        card_fields=("responsible_name", "status"),
    )
    assert [(c.name, c.role, c.order) for c in columns] == [
        ("title", "title", 0),
        ("planned", "more", 99),
        ("status", "key", 2),
        ("responsible_name", "key", 1),
    ]
    assert columns[3].css == "lc-key lc-o1"


def test_a_key_column_that_is_not_a_column_is_refused():
    with pytest.raises(ImproperlyConfigured):
        list_columns(Activity, ("title", "status"), card_fields=("due_date",))


def test_a_column_without_a_label_is_refused():
    with pytest.raises(ImproperlyConfigured):
        list_columns(Activity, ("title", "not_a_field"))


def test_a_cell_the_view_did_not_declare_is_an_error():
    template = Template('{% load targa %}{% cell "nope" %}x{% endcell %}')
    with pytest.raises(TemplateSyntaxError):
        template.render(Context({"cols": {}}))


# The pages: each record's key fields with their labels, in French and Arabic.


@pytest.mark.parametrize(
    ("language", "status", "planned", "responsible"),
    [("fr", "Statut", "Prévu", "Responsable"), ("ar", "الحالة", "المبرمج", "المسؤول")],
)
def test_activity_list_cards_show_status_dates_and_responsible_with_their_labels(
    users, province_a, language, status, planned, responsible
):
    ActivityFactory(
        province=province_a,
        title="Atelier de lancement",
        planned_start=D(2022, 1, 10),
        planned_end=D(2022, 1, 14),
        responsible_name="Équipe TARGA-AIDE",
    )
    response = client_for(users["viewer"], language).get(
        reverse("provinces:activity_list", args=[province_a.code])
    )
    page = html.unescape(response.content.decode())
    row = cells(page)
    assert 'class="lc-title"' in row[0] and "Atelier de lancement" in row[0]  # the title first
    assert "lc-label" not in row[0]
    assert "lc-key lc-o1" in key_cell(page, status) and "badge" in key_cell(page, status)
    dates = key_cell(page, planned)
    assert "lc-key lc-o2" in dates
    assert '<div class="lc-value text-nowrap">10/01/2022 – 14/01/2022</div>' in dates
    assert "Équipe TARGA-AIDE" in key_cell(page, responsible)
    assert "lc-key lc-o4" in key_cell(page, responsible)
    assert 'class="table table-hover align-middle list-cards"' in page
    # At a desk the same table has its header row, from the same columns.
    assert f'<th scope="col">{status}</th>' in page


def test_late_recommendations_cards_lead_with_status_due_date_and_responsible(users, province_a):
    meeting = MeetingFactory(committee__province=province_a, date=D(2024, 1, 10))
    RecommendationFactory(
        meeting=meeting, text="Relancer la DPA.", owner_name="DPA", due_date=D(2024, 3, 1)
    )
    response = client_for(users["viewer"]).get(
        reverse("cpde:recommendation_overdue", args=[province_a.code])
    )
    page = html.unescape(response.content.decode())
    assert "Relancer la DPA." in cells(page)[0]
    status = key_cell(page, "Statut")
    assert "lc-o1" in status and 'data-testid="late-badge"' in status
    due = key_cell(page, "Échéance")
    assert "lc-o2" in due and "text-danger" in due and "01/03/2024" in due
    assert "lc-value text-nowrap" in due
    assert "lc-o3" in key_cell(page, "Responsable") and "DPA" in key_cell(page, "Responsable")
    assert "lc-more" in key_cell(page, "Réunion")


@pytest.mark.parametrize(
    ("name", "labels"),
    [
        ("provinces:stakeholder_list", ["Type", "Contacts"]),
        ("provinces:contract_list", ["Statut", "Période"]),
        ("provinces:visit_list", ["Suivi"]),
        ("provinces:communes", ["Type", "Population"]),
        ("cpde:member_list", ["Rôle", "Institution"]),
        ("cpde:meeting_list", ["Type", "Présent"]),
        ("cpde:training_list", ["Dates", "Formateur"]),
        ("cpde:roadmap_item_list", ["Statut", "Date cible"]),
    ],
)
def test_every_list_marks_its_key_cells_with_labels(users, province_a, name, labels):
    """Each list draws its cells through the kit: a header from the view's columns, and on
    each card the key columns with their labels (the page renders even when empty)."""
    response = client_for(users["coord_a"]).get(reverse(name, args=[province_a.code]))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "list-cards" in page and "<thead><tr>" in page
    cols = response.context["cols"]
    declared = [c.label for c in cols.values() if c.role == "key"]
    for label in labels:
        assert label in declared, (name, label, declared)


# Filters: folded on a phone, with how many apply; open when one was not understood.


def test_filters_fold_under_a_summary_that_counts_the_active_ones(users, province_a):
    url = reverse("provinces:activity_list", args=[province_a.code])
    page = html.unescape(
        client_for(users["viewer"])
        .get(url, {"status": "done", "late": "yes", "q": "x"})
        .content.decode()
    )
    fold = page.split('data-testid="filters-fold"', 1)[1].split("</details>", 1)[0]
    assert "Filtres (2 actifs)" in fold
    assert not fold.startswith(" open")
    # The search box sits outside the fold, always in view.
    assert page.index('id="q"') < page.index('data-testid="filters-fold"')
    plain = html.unescape(client_for(users["viewer"]).get(url).content.decode())
    assert "Filtres</span>" in plain and "actif" not in plain.split("filters-fold", 1)[1][:400]


def test_filters_open_when_one_was_not_understood(users, province_a):
    url = reverse("provinces:activity_list", args=[province_a.code])
    page = client_for(users["viewer"]).get(url, {"year": "abc"}).content.decode()
    assert 'data-testid="filters-fold" open>' in page


# Menus: short labels, the long name kept as the tooltip.


def test_the_province_menu_says_cpde_in_two_arabic_words_and_keeps_the_long_name(users, province_a):
    page = (
        client_for(users["viewer"], "ar")
        .get(reverse("provinces:detail", args=[province_a.code]))
        .content.decode()
    )
    menu = page.split('data-testid="province-menu"', 1)[1].split("</nav>", 1)[0]
    link = re.search(r'<a class="nav-link" href="[^"]*/cpde/"([^>]*)>(.*?)</a>', menu, re.S)
    assert link is not None
    assert 'title="اللجنة الإقليمية للتنمية الاقتصادية"' in link.group(1)
    label = re.sub(r"<[^>]+>", "", link.group(2)).strip()
    assert label == "اللجنة الاقتصادية"
    assert "flex-nowrap" not in menu  # it wraps: every entry in view on a phone


# The Gantt over long spans.


def six_years(province):
    ActivityFactory(province=province, planned_start=D(2021, 3, 15), planned_end=D(2021, 3, 15))
    ActivityFactory(
        province=province,
        planned_start=D(2026, 11, 2),
        planned_end=D(2026, 11, 2),
        actual_start=D(2026, 11, 2),
        status=Activity.Status.IN_PROGRESS,
    )


def test_over_six_years_the_gantt_counts_in_whole_years_and_no_bar_is_thinner_than_8_px(
    province_a,
):
    six_years(province_a)
    today = D(2026, 12, 2)
    chart = build_gantt(Activity.objects.with_lateness(today), today=today)
    assert chart.scale == "years" and chart.ticks == []
    assert chart.months[0].first_day == D(2021, 1, 1)
    assert chart.months[-1].first_day == D(2026, 12, 1)
    assert [y.year for y in chart.years] == list(range(2021, 2027))
    assert all(y.months == 12 for y in chart.years)  # the last year's label has its room
    # The narrowest the timeline is drawn: a phone's 8 px a month, or a wide screen's.
    narrowest = min(72 * 8, max(72 * 4, WIDE_TIMELINE_PX))
    for row in chart.rows:
        for bar in (row.planned, row.actual):
            if bar is not None:
                assert bar.width / 100 * narrowest >= MIN_BAR_PX - 0.01
                assert 0 <= bar.offset and bar.offset + bar.width <= 100 + 1e-9
    # The one-day meeting of March 2021 starts where its day is.
    first = chart.rows[0].planned
    assert first.offset == pytest.approx(100 * (2 + 14 / 31) / 72, abs=1e-3)
    assert chart.today_offset > 92 and chart.today_anchor == "end"  # the flag hangs inward


def test_the_scale_follows_the_span():
    assert scale_for(12)[0] == "months"
    assert scale_for(24)[0] == "months"
    assert scale_for(36)[:2] == ("quarters", 3)
    assert scale_for(61)[:2] == ("years", 12)


def test_over_three_years_the_gantt_runs_over_whole_quarters(province_a):
    ActivityFactory(province=province_a, planned_start=D(2022, 2, 1), planned_end=D(2024, 8, 1))
    today = D(2024, 6, 1)
    chart = build_gantt(Activity.objects.with_lateness(today), today=today)
    assert chart.scale == "quarters"
    assert (chart.months[0].first_day, chart.months[-1].first_day) == (D(2022, 1, 1), D(2024, 9, 1))
    assert [t.months for t in chart.ticks] == [3] * 11
    assert chart.subtick_width is None and chart.tick_width == pytest.approx(100 / 11, abs=1e-3)


@pytest.mark.parametrize(("language", "first"), [("fr", "T1"), ("ar", "ف1")])
def test_quarters_are_labelled_in_the_reader_s_language(users, province_a, language, first):
    ActivityFactory(  # done: today does not stretch the span
        province=province_a,
        planned_start=D(2023, 2, 1),
        planned_end=D(2025, 8, 1),
        actual_start=D(2023, 2, 1),
        actual_end=D(2025, 8, 1),
        status=Activity.Status.DONE,
    )
    url = reverse("provinces:activity_gantt", args=[province_a.code])
    response = client_for(users["viewer"], language).get(url)
    chart = response.context["chart"]
    assert chart.scale == "quarters"
    assert chart.ticks[0].label == first
    page = response.content.decode()
    assert f'<div class="gantt-month gantt-span-3" title="{first} 2023">{first}</div>' in page
