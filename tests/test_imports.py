"""Imports of the field's spreadsheets (targa.core.imports, with the project holders' sheet):
headers in French or Arabic whatever their case and accents, a preview job that lists what
would be created or left alone and every bad line with its column and reason, nothing written
unless the whole file is right, an atomic commit with history, the same file twice changing
nothing, possible duplicates left to a person, and files that are not spreadsheets refused."""

import csv
import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from projects.imports import HolderImport
from projects.models import Holder, Project, ProjectStep
from provinces.models import Commune
from targa.core import imports
from targa.core.models import ImportRun
from tests.conftest import client_for
from tests.factories import CallFactory, HolderFactory, SectorFactory, days
from tests.jobs_support import run_queued_tasks

pytestmark = pytest.mark.django_db

FR_HEADERS = [
    "NOM", "prénom ", "Sexe", "Date de naissance", "CIN", "Téléphone", "Commune",
    "Date du consentement", "Idée de projet", "Secteur", "Coût total (MAD)",
    "Subvention INDH demandée (MAD)", "apport personnel",
]  # fmt: skip
AR_HEADERS = [
    "النسب", "الاسم الشخصي", "الجنس", "تاريخ الازدياد", "رقم البطاقة الوطنية", "الهاتف",
    "الجماعة", "تاريخ الموافقة",
]  # fmt: skip


def start_url(province):
    return reverse("imports:start", args=[province.code, "projects.holders"])


def text(response) -> str:
    return html.unescape(response.content.decode())


def csv_file(rows, headers=FR_HEADERS, name="porteurs.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(headers)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_file(rows, headers=AR_HEADERS, name="porteurs.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


@pytest.fixture
def sheet_world(province_a):
    commune = Commune.objects.filter(province=province_a).order_by("code").first()
    sector = SectorFactory(code="apiculture", name_fr="Apiculture", name_ar="تربية النحل")
    return {"commune": commune, "sector": sector}


def good_rows(sheet_world, n=3):
    commune = sheet_world["commune"].name_fr
    born, consent = days(-25 * 365).strftime("%d/%m/%Y"), days(-3).strftime("%d/%m/%Y")
    return [
        [f"Ouhammou{i}", "Itto", "F", born, f"V{100000 + i}", "0661234567", commune, consent,
         "Miellerie artisanale", "Apiculture", "120 000", "90000", "30000"]
        for i in range(n)
    ]  # fmt: skip


def upload(client, province, file):
    response = client.post(start_url(province), {"file": file})
    run = ImportRun.objects.order_by("-created_at").first()
    run_queued_tasks()
    if run is not None:
        run.refresh_from_db()
    return response, run


def test_the_template_lists_the_columns_in_the_persons_language(users, province_a):
    response = client_for(users["coord_a"], "ar").get(
        reverse("imports:template", args=[province_a.code, "projects.holders"])
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in sheet[1]]
    assert headers[:2] == ["الاسم العائلي", "الاسم الشخصي"] and sheet.sheet_view.rightToLeft
    # and the page explains them
    page = text(client_for(users["coord_a"]).get(start_url(province_a)))
    assert "Date de naissance" in page and "Télécharger le modèle" in page


def test_a_coordinator_previews_then_imports_a_sheet_with_french_headers(
    users, province_a, sheet_world
):
    client = client_for(users["coord_a"])
    response, run = upload(client, province_a, csv_file(good_rows(sheet_world)))
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert run.state == ImportRun.State.PREVIEWED
    assert run.preview["created"] == 6 and run.preview["bad_lines"] == 0  # 3 holders, 3 projects
    assert not Holder.objects.exists()  # the preview writes nothing
    page = text(client.get(run.get_absolute_url()))
    assert "6 à créer" in page and 'data-testid="import-confirm"' in page
    client.post(run.get_absolute_url(), {"action": "commit"})
    run_queued_tasks()
    run.refresh_from_db()
    assert run.state == ImportRun.State.COMMITTED
    holders = Holder.objects.filter(province=province_a).order_by("last_name")
    assert holders.count() == 3 and holders[0].cin == "V100000" and holders[0].age() == 24
    assert holders[0].search_name  # found by the list's search
    assert holders[0].history.get().history_user == users["coord_a"]
    project = Project.objects.get(holder=holders[0])
    assert project.total_cost == 120000 and project.stage == "reception"
    assert ProjectStep.objects.filter(project=project, from_stage="").count() == 1
    assert "3 enregistrements créés" not in text(client.get(run.get_absolute_url()))
    assert "Importé : 6 enregistrements créés" in text(client.get(run.get_absolute_url()))


def test_arabic_headers_and_excel_dates_are_read(users, province_a, sheet_world):
    commune = sheet_world["commune"]
    rows = [["أوحمو", "إيطو", "أنثى", days(-30 * 365), "VA12345", "0661000000", commune.name_ar,
             days(-1)]]  # fmt: skip
    _response, run = upload(client_for(users["coord_a"]), province_a, xlsx_file(rows))
    assert run.preview["bad_lines"] == 0 and run.preview["created"] == 1, run.preview


def test_bad_lines_are_listed_with_their_column_and_reason_and_nothing_is_written(
    users, province_a, sheet_world
):
    HolderFactory(cin="V777777", first_name="Karim", last_name="Zahidi", by=users["admin"])
    call = CallFactory(title="Appel 2026", age_min=18, age_max=35, by=users["admin"])
    rows = good_rows(sheet_world, 6)
    rows[0][3] = "31/02/1999"  # no such day
    rows[1][6] = "Casablanca"  # not a commune of the province
    rows[2][4] = "V777777"  # another holder's CIN
    rows[3][10] = "120 000 DH"  # a number written with its unit
    rows[4][3] = days(-50 * 365).strftime("%d/%m/%Y")  # 50: outside the call's ages
    headers = [*FR_HEADERS, "Appel"]
    rows = [[*r, "Appel 2026" if i == 4 else ""] for i, r in enumerate(rows)]
    client = client_for(users["coord_a"])
    _response, run = upload(client, province_a, csv_file(rows, headers))
    errors = {(e["line"], e["column"]): e["message"] for e in run.preview["errors"]}
    assert run.preview["bad_lines"] == 5 and call.pk
    assert "n'est pas une date" in errors[(2, "Date de naissance")]
    assert "n'est pas une commune de Khénifra" in errors[(3, "Commune")]
    assert "déjà celle d'un autre porteur" in errors[(4, "CIN")] and "Karim" in errors[(4, "CIN")]
    assert "n'est pas un nombre" in errors[(5, "Coût total (MAD)")]
    assert "Âge de 18 à 35" in errors[(6, "Appel")]
    page = text(client.get(run.get_absolute_url()))
    assert "5 lignes en erreur" in page and 'data-testid="import-confirm"' not in page
    # a hand-made commit is refused too
    client.post(run.get_absolute_url(), {"action": "commit"})
    run_queued_tasks()
    run.refresh_from_db()
    assert run.state == ImportRun.State.PREVIEWED and Holder.objects.count() == 1
    # the report lists every bad line for the spreadsheet
    report = run.preview_job.file.read().decode("utf-8-sig")
    assert report.count("\n") == 6 and "Casablanca" in report


def test_the_same_file_imported_twice_changes_nothing(users, province_a, sheet_world):
    client = client_for(users["coord_a"])
    for _time in range(2):
        _response, run = upload(client, province_a, csv_file(good_rows(sheet_world)))
        client.post(run.get_absolute_url(), {"action": "commit"})
        run_queued_tasks()
        run.refresh_from_db()
    assert run.preview["unchanged"] == 3 and run.preview["created"] == 0
    assert run.state == ImportRun.State.PREVIEWED  # nothing to commit
    assert "Ce fichier ne change rien" in text(client.get(run.get_absolute_url()))
    assert Holder.objects.count() == 3 and Project.objects.count() == 3
    assert Holder.history.count() == 3


def test_a_possible_duplicate_waits_for_a_persons_decision(users, province_a, sheet_world):
    born = days(-25 * 365)
    known = HolderFactory(
        first_name="Itto", last_name="Ouhammou0", birth_date=born, phone="06 61 23 45 67",
        cin="", email="", by=users["admin"],
    )  # fmt: skip
    rows = good_rows(sheet_world, 1)
    rows[0][4] = ""  # no CIN in the sheet: the same name, birth date and phone
    rows[0][3] = born.strftime("%d/%m/%Y")
    rows[0][0] = "OUHAMMOU0"
    client = client_for(users["coord_a"])
    _response, run = upload(client, province_a, csv_file(rows))
    assert run.preview["n_flags"] == 1
    page = text(client.get(run.get_absolute_url()))
    assert "Doublons possibles" in page and f"n° {known.pk}" in page
    assert "Décidez d'abord" in page
    client.post(run.get_absolute_url(), {"action": "decide", "line-2": "update"})
    client.post(run.get_absolute_url(), {"action": "commit"})
    run_queued_tasks()
    run.refresh_from_db()
    assert run.state == ImportRun.State.COMMITTED
    assert Holder.objects.count() == 1  # merged only because someone decided it
    known.refresh_from_db()
    assert known.last_name == "OUHAMMOU0" and known.history.first().history_user == users["coord_a"]
    assert Project.objects.filter(holder=known).count() == 1


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("notes.pdf", b"%PDF-1.4 ..."), "ne sont pas acceptés"),
        (SimpleUploadedFile("porteurs.csv", b""), "vide"),
        (SimpleUploadedFile("porteurs.xlsx", b"not a zip at all"), "n'est pas celui d'un"),
        (SimpleUploadedFile("vieux.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), ".xlsx"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_clear_message(
    users, province_a, file, message
):
    response = client_for(users["coord_a"]).post(start_url(province_a), {"file": file})
    assert response.status_code == 400 and message in text(response)
    assert not ImportRun.objects.exists()


def test_a_file_over_the_limit_and_unknown_headers_are_refused(users, province_a, settings):
    settings.IMPORT_MAX_MB = 1
    big = SimpleUploadedFile("gros.csv", b"a;b\n" + b"x;y\n" * 300_000)
    response = client_for(users["coord_a"]).post(start_url(province_a), {"file": big})
    assert response.status_code == 400 and "la limite est de 1" in text(response)
    _response, run = upload(
        client_for(users["coord_a"]), province_a, csv_file([["a", "b"]], ["Foo", "Bar"])
    )
    assert run.state == ImportRun.State.REFUSED
    assert "Aucune colonne de ce fichier n'est connue" in run.preview["refused"]


def test_only_coordinators_of_the_province_import(users, province_a, province_b, sheet_world):
    assert client_for(users["agent_a"]).get(start_url(province_a)).status_code == 403
    assert client_for(users["coord_a"]).get(start_url(province_b)).status_code in (403, 404)
    _response, run = upload(
        client_for(users["coord_a"]), province_a, csv_file(good_rows(sheet_world))
    )
    # someone else of the province sees the run, and may not commit it
    admin = client_for(users["admin"])
    seen = admin.get(run.get_absolute_url())
    assert seen.status_code == 200
    # the report is the uploader's file (its download is theirs only): not offered to others
    assert 'data-testid="import-report"' not in text(seen)
    assert 'data-testid="import-report"' in text(
        client_for(users["coord_a"]).get(run.get_absolute_url())
    )
    admin.post(run.get_absolute_url(), {"action": "commit"})
    run.refresh_from_db()
    assert run.state == ImportRun.State.PREVIEWED


@pytest.mark.parametrize("n", [3, 40])
def test_checking_a_file_takes_the_same_queries_whatever_its_length(
    n, users, province_a, sheet_world, django_assert_num_queries
):
    data = csv_file(good_rows(sheet_world, n)).read()
    rows = imports.parse_rows(HolderImport(), data, "csv")
    with django_assert_num_queries(6):
        plan = HolderImport().check(rows, province=province_a, by=users["coord_a"], decisions={})
    assert plan.created == 2 * n


def test_the_run_page_takes_the_same_queries_whatever_the_errors(
    users, province_a, sheet_world, django_assert_num_queries
):
    rows = good_rows(sheet_world, 30)
    for row in rows[::2]:
        row[3] = "pas une date"
    client = client_for(users["coord_a"])
    _response, run = upload(client, province_a, csv_file(rows))
    client.get(run.get_absolute_url())
    with django_assert_num_queries(8):
        assert client.get(run.get_absolute_url()).status_code == 200


def test_cells_are_parsed_within_bounds():
    number = imports.decimal_cell(high=1000)
    assert str(number("200,50")) == "200.50"
    assert str(imports.decimal_cell(high=10**6)("1 200,50")) == "1200.50"
    assert str(imports.decimal_cell(high=10**6)("1,200.50")) == "1200.50"
    with pytest.raises(imports.CellError):
        number("1 200")  # above the bound
    with pytest.raises(imports.CellError):
        number("9" * 400)
    with pytest.raises(imports.CellError):
        imports.date_cell()("01/01/1800")
    assert imports.date_cell()(45000).year == 2023  # an Excel serial number
    assert imports.header_key("  Date de NAISSANCE ") == imports.header_key("date_de_naissance")


def test_a_checked_file_not_imported_yet_shows_on_the_home_page(
    users, province_a, sheet_world, django_assert_num_queries
):
    from projects.selectors import imports_waiting_per_province

    _response, run = upload(
        client_for(users["coord_a"]), province_a, csv_file(good_rows(sheet_world))
    )
    with django_assert_num_queries(1):
        assert imports_waiting_per_province([province_a.pk]) == {province_a.pk: 1}
    home = text(client_for(users["coord_a"]).get(reverse("home")))
    assert "1 import en attente" in home


def test_a_preview_whose_job_failed_says_so_and_offers_to_try_again(users, province_a, sheet_world):
    from targa.core.models import Job

    client = client_for(users["coord_a"])
    client.post(start_url(province_a), {"file": csv_file(good_rows(sheet_world))})
    run = ImportRun.objects.get()
    Job.objects.filter(pk=run.preview_job_id).update(state=Job.State.FAILED, error="Boom")
    page = text(client.get(run.get_absolute_url()))
    assert 'data-testid="import-failed"' in page and "data-hx-trigger" not in page
    panel = client.get(f"{run.get_absolute_url()}?panel=1", headers={"HX-Request": "true"})
    assert panel.status_code == 204 and panel["HX-Refresh"] == "true"


def test_the_spreadsheets_of_imports_that_are_over_are_deleted_after_some_days(
    users, province_a, sheet_world
):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    client = client_for(users["coord_a"])
    _response, done = upload(client, province_a, csv_file(good_rows(sheet_world)))
    client.post(done.get_absolute_url(), {"action": "commit"})
    run_queued_tasks()
    _response, waiting = upload(client, province_a, csv_file(good_rows(sheet_world, 5)))
    old = timezone.now() - datetime.timedelta(days=40)
    ImportRun.objects.update(created_at=old)
    path = done.file.path
    out = io.StringIO()
    call_command("prune_imports", stdout=out)
    done.refresh_from_db()
    waiting.refresh_from_db()
    assert "1 spreadsheet(s) deleted." in out.getvalue()
    assert not done.file and done.result["created"] == 6  # the run stays, with what it did
    assert waiting.file  # still waiting for its decision: kept
    import os

    assert not os.path.exists(path)
