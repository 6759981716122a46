"""A diagnostic's deliverable: its PDF in French and Arabic (stages, bottlenecks, chain map,
page numbers, running header, table of contents), prepared as a background job whose file only
its owner downloads, with the data gathered in a pinned number of queries; its workbook of
typed cells, one sheet per section (also on the province's Exports page); and its delivery to
the Province, by the coordinator only, from a validated diagnostic, with a checked PDF."""

import io
import re
import subprocess
import unicodedata

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from targa.core import exporters
from targa.core.exports import MONEY_FORMAT
from targa.core.models import Job
from tests.conftest import client_for
from tests.cpde_support import pdf_info, pdf_text
from tests.factories import (
    PDF_BYTES,
    AdvocacyPointFactory,
    BottleneckFactory,
    ChainFactory,
    DiagnosticFactory,
    FieldObservationFactory,
    FlagshipActionFactory,
    IndicatorFactory,
    JobFactory,
    OperatorFactory,
    OpportunityFactory,
    PlanObjectiveFactory,
    StageFactory,
    SupporterFactory,
    SwotEntryFactory,
    days,
    diagnostic_moved_to,
)
from tests.jobs_support import run_queued_tasks
from valuechains import deliverable, services
from valuechains.models import Diagnostic

pytestmark = pytest.mark.django_db
Status = Diagnostic.Status


def url(name, diagnostic):
    return reverse(f"valuechains:{name}", args=[diagnostic.chain.province.code, diagnostic.pk])


@pytest.fixture
def diagnostic(province_a, users):
    """A diagnostic of honey in Khénifra, with a little of every section, by the field agent,
    over two communes of the province."""
    agent = users["agent_a"]
    cercle = province_a.cercles.order_by("code").first()
    chain = ChainFactory(
        province=province_a,
        by=agent,
        product="Miel",
        product_ar="العسل",
        cercles=[cercle],
        communes=list(cercle.communes.order_by("code")[:2]),
    )
    d = DiagnosticFactory(chain=chain, by=users["coord_a"])
    stages = list(d.stages.order_by("order"))
    OperatorFactory(stage=stages[1], by=agent, description="Apiculteurs de montagne", count=120)
    OperatorFactory(
        stage=stages[2], by=agent, description="Coopératives apicoles", count=9, women=3, young=2
    )
    BottleneckFactory(diagnostic=d, stage=stages[1], by=agent, title="Mortalité des colonies")
    BottleneckFactory(diagnostic=d, stage=stages[3], by=agent, title="ضعف التسويق")
    OpportunityFactory(diagnostic=d, stage=stages[3], by=agent, title="Label Miel de l'Atlas")
    SupporterFactory(diagnostic=d, by=agent, name="ONSSA", stages=stages[1:3])
    SwotEntryFactory(diagnostic=d, by=agent, text="Flore mellifère riche")
    FieldObservationFactory(diagnostic=d, by=agent, women_young=5, women_adult=2, men_adult=7)
    PlanObjectiveFactory(diagnostic=d, by=agent)
    action = FlagshipActionFactory(diagnostic=d, by=agent, title="Unité de conditionnement")
    IndicatorFactory(action=action, by=agent, name="Tonnes conditionnées", unit="t")
    AdvocacyPointFactory(diagnostic=d, by=agent, action=action)
    return deliverable.diagnostic_for_pdf(d.pk)


def squeezed(text: str) -> str:
    """Text without direction marks or spaces: pdftotext splits Arabic words after a letter
    that does not join the next one (التسو يق), so Arabic is compared without spaces; and
    some letters come out in their joined forms (ﻙ for ك), which NFKC brings back, as a PDF
    reader's search does."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(re.sub("[\u202a-\u202e\u200e\u200f]", "", text).split())


def render(d, language):
    return deliverable.render_diagnostic_pdf(deliverable.pdf_data(d), language=language)


def test_the_french_pdf_has_its_parts_page_numbers_header_and_contents(diagnostic, tmp_path):
    content = render(diagnostic, "fr")
    text = pdf_text(content, tmp_path)
    with translation.override("fr"):
        stage_labels = [s.label for s in diagnostic.stages.all()]
        title = deliverable.pdf_title(diagnostic)
        contents = translation.gettext("Contents")
        chain_map = translation.gettext("Chain map")
    assert title in text
    for label in stage_labels:
        assert label in text, label
    for finding in ("Mortalité des colonies", "ضعف التسويق", "Label Miel de l'Atlas"):
        assert squeezed(finding) in squeezed(text)
    assert "Unité de conditionnement" in text and "Tonnes conditionnées" in text
    pages = text.split("\f")
    n = len([p for p in pages if p.strip()])
    assert n >= 6
    # Page numbers and the running header on every page but the cover.
    assert f"2 / {n}" in pages[1] and f"{n} / {n}" in pages[n - 1]
    assert f"{diagnostic.chain.province.name} · Miel" in pages[2]
    assert f"1 / {n}" not in pages[0]  # the cover has no number
    # The table of contents gives each part's page (WeasyPrint's target-counter).
    toc = pages[1]
    assert contents in toc
    map_entry = re.search(rf"{chain_map}\W*(\d+)", toc)
    assert map_entry, toc
    map_page = int(map_entry.group(1))
    assert chain_map in pages[map_page - 1]
    # The chain map is drawn on its own landscape page, with the operators' counts.
    info = subprocess.run(
        ["pdfinfo", "-f", str(map_page), "-l", str(map_page), str(_write(content, tmp_path))],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert re.search(r"size:\s+841\.\d+ x 595\.\d+", info), info
    assert "Apiculteurs de montagne" in pages[map_page - 1]
    # Scope: the communes with their 2024 population.
    commune = diagnostic.chain.communes.first()
    assert commune.name_fr in text
    assert "A4" in pdf_info(content, tmp_path) or "595" in pdf_info(content, tmp_path)


def _write(content, tmp_path):
    path = tmp_path / "map.pdf"
    path.write_bytes(content)
    return path


def test_the_arabic_pdf_reads_right_to_left_in_arabic(diagnostic, tmp_path):
    content = render(diagnostic, "ar")
    text = squeezed(pdf_text(content, tmp_path))
    with translation.override("ar"):
        stage_labels = [s.label for s in diagnostic.stages.all()]
        title = deliverable.pdf_title(diagnostic)
    assert "العسل" in title and squeezed(title) in text
    for label in stage_labels:
        assert squeezed(label) in text, label
    assert squeezed("ضعف التسويق") in text and squeezed("Mortalité des colonies") in text
    fonts = subprocess.run(
        ["pdffonts", str(_write(content, tmp_path))], capture_output=True, check=True, text=True
    ).stdout
    assert "+Targa-Naskh" in fonts


def test_the_pdf_data_is_gathered_in_a_fixed_number_of_queries(
    province_a, users, django_assert_num_queries, tmp_path
):
    """6 stages × 10 operators, 30 bottlenecks, 15 actions × 3 indicators: 23 queries to
    gather (the diagnostic names no commune, so the chain's scope is read), none to lay out."""
    d = DiagnosticFactory(province=province_a, by=users["coord_a"])
    StageFactory(diagnostic=d, name="Étape de conditionnement")  # six stages
    stages = list(d.stages.order_by("order", "id"))
    for stage in stages:
        for i in range(10):
            OperatorFactory(stage=stage, count=10 + i, women=i)
    for i in range(30):
        BottleneckFactory(diagnostic=d, stage=stages[i % 6], title=f"Goulot numéro {i}")
    for i in range(4):
        SupporterFactory(diagnostic=d, stages=stages[i : i + 3])
    for _ in range(15):
        action = FlagshipActionFactory(diagnostic=d)
        for _ in range(3):
            IndicatorFactory(action=action)
    d = deliverable.diagnostic_for_pdf(d.pk)
    with django_assert_num_queries(23):
        data = deliverable.pdf_data(d)
    with django_assert_num_queries(0):
        content = deliverable.render_diagnostic_pdf(data, language="fr")
    text = pdf_text(content, tmp_path)
    assert "Étape de conditionnement" in text
    assert all(f"Goulot numéro {i}" in text for i in range(30))


def test_the_pdf_is_a_job_with_progress_and_only_its_owner_downloads_it(
    diagnostic, users, tmp_path
):
    viewer = client_for(users["viewer"])
    response = viewer.post(url("diagnostic_pdf", diagnostic), {"lang": "ar"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.kind, job.state, job.language) == (deliverable.PDF_JOB, "queued", "ar")
    assert job.params["diagnostic"] == diagnostic.pk
    page = viewer.get(job.get_absolute_url()).content.decode()
    assert 'data-testid="job-progress"' in page and 'hx-trigger="every 1s"' in page

    assert run_queued_tasks() == 1
    job.refresh_from_db()
    assert (job.state, job.progress) == ("done", 100), job.error
    with translation.override("ar"):
        assert job.step == translation.gettext("Laying out the pages")  # its last step
    assert job.filename == f"diagnostic-miel-v{diagnostic.number}-ar.pdf"
    download = viewer.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF")
    assert squeezed("ضعف التسويق") in squeezed(pdf_text(content, tmp_path))
    # Someone else, even of the province, gets nothing: they prepare their own.
    for other in ("coord_a", "agent_b"):
        assert (
            client_for(users[other]).get(reverse("jobs:download", args=[job.pk])).status_code == 404
        )
    # Another province's agent may not even start one.
    assert client_for(users["agent_b"]).post(url("diagnostic_pdf", diagnostic)).status_code == 404
    assert Job.objects.count() == 1


def test_a_pdf_job_for_someone_who_lost_their_role_fails(diagnostic, users):
    job = deliverable.pdf_job_start(diagnostic=diagnostic, by=users["agent_a"], language="fr")
    users["agent_a"].memberships.all().delete()
    from provinces.access import forget_grants

    forget_grants(users["agent_a"])
    run_queued_tasks()
    job.refresh_from_db()
    assert job.state == "failed" and not job.file


def test_a_job_of_a_kind_no_app_runs_fails_with_a_message(users):
    job = JobFactory(owner=users["agent_a"], kind="nowhere.nothing", state="queued")
    assert run_queued_tasks() == 1
    job.refresh_from_db()
    assert job.state == "failed" and "LookupError" in job.error


def _book(content):
    return load_workbook(io.BytesIO(content))


SHEETS = [
    "Étapes et opérateurs",
    "Soutiens",
    "Goulots d'étranglement",
    "Opportunités",
    "SWOT",
    "Observations de terrain",
    "Vision et objectifs",
    "Actions phares",
    "Indicateurs de suivi",
    "Plaidoyer",
]


def test_the_workbook_has_a_sheet_per_section_with_typed_cells(diagnostic, users):
    response = client_for(users["viewer"]).get(url("diagnostic_workbook", diagnostic))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="diagnostic-miel-v1.xlsx"'
    book = _book(response.content)
    assert len(book.sheetnames) == 10
    operators = book.worksheets[0]
    rows = list(operators.iter_rows(min_row=2))
    counts = {r[3].value: r[4] for r in rows}
    assert counts["Apiculteurs de montagne"].value == 120
    assert counts["Apiculteurs de montagne"].data_type == "n"
    actions = book.worksheets[7]
    [action] = list(actions.iter_rows(min_row=2))
    budget, start = action[4], action[5]
    assert budget.value == 50000 and budget.number_format == MONEY_FORMAT
    assert start.is_date and start.value.date() == days(10)
    observations = book.worksheets[5]
    [obs] = list(observations.iter_rows(min_row=2, values_only=True))
    assert obs[5:10] == (5, 2, 0, 7, 14)


def test_the_workbook_sheets_are_named_in_french(diagnostic, users):
    client = client_for(users["agent_a"], "fr")
    book = _book(client.get(url("diagnostic_workbook", diagnostic)).content)
    assert book.sheetnames == SHEETS


def test_the_province_exports_page_offers_the_diagnostics_workbook(diagnostic, users, province_a):
    client = client_for(users["viewer"])
    page = client.get(reverse("exports:province", args=[province_a.code])).content.decode()
    assert 'data-exporter="valuechains.diagnostics"' in page
    response = client.post(
        reverse("exports:province", args=[province_a.code]),
        {"exporter": "valuechains.diagnostics", "format": "xlsx"},
    )
    assert response.status_code == 302
    assert run_queued_tasks() == 1
    job = Job.objects.get()
    assert job.state == "done", job.error
    book = _book(job.file.read())
    first = book.worksheets[0]
    header = [c.value for c in next(first.iter_rows(max_row=1))]
    assert header[0] == "Chaîne de valeur"
    chains = {r[0] for r in first.iter_rows(min_row=2, values_only=True)}
    assert chains == {"Miel"}
    assert (
        exporters.exporters()["valuechains.diagnostics"].count(
            province=province_a, user=users["viewer"]
        )
        == 1
    )


@pytest.mark.parametrize("chains", [1, 6])
def test_the_province_workbook_reads_its_diagnostics_in_the_same_queries(
    chains, province_a, users, django_assert_num_queries
):
    """Six chains' diagnostics take the queries of one: the content is read for all at once."""
    for i in range(chains):
        d = DiagnosticFactory(province=province_a, by=users["coord_a"])
        BottleneckFactory(diagnostic=d, stage=d.stages.first(), by=users["agent_a"], title=f"B{i}")
    exporter = exporters.exporters()["valuechains.diagnostics"]
    ticks = []
    with django_assert_num_queries(WORKBOOK_QUERIES):
        _name, _type, content = exporter.render(
            province=province_a, user=users["viewer"], fmt="xlsx", on_row=lambda: ticks.append(1)
        )
    assert len(ticks) == chains  # the progress moves once a diagnostic
    bottlenecks = _book(content).worksheets[2]
    assert len(list(bottlenecks.iter_rows(min_row=2))) == chains


WORKBOOK_QUERIES = (
    12  # the diagnostics, their content (no action or supporter: no query for their lines)
)


# Delivery to the Province --------------------------------------------------------------


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the delivered file is written then)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def validated(diagnostic, users):
    d = diagnostic_moved_to(diagnostic, Status.VALIDATED, by=users["coord_a"])
    return deliverable.diagnostic_for_pdf(d.pk)


def _generated(d, user):
    job = deliverable.pdf_job_start(diagnostic=d, by=user, language="fr")
    run_queued_tasks()
    job.refresh_from_db()
    assert job.state == "done", job.error
    return job


def _stored_files(d):
    folder = f"valuechains/{d.chain.province.code}/diagnostic-{d.pk}"
    try:
        return default_storage.listdir(folder)[1]
    except FileNotFoundError:
        return []


def test_only_the_coordinator_or_an_administrator_records_the_delivery(validated, users):
    for role in ("agent_a", "viewer"):
        client = client_for(users[role])
        assert client.get(url("diagnostic_deliver", validated)).status_code == 403
        response = client.post(url("diagnostic_deliver", validated), {"version": validated.version})
        assert response.status_code == 403
    assert client_for(users["agent_b"]).get(url("diagnostic_deliver", validated)).status_code == 404
    validated.refresh_from_db()
    assert validated.status == Status.VALIDATED


def test_the_coordinator_delivers_the_generated_pdf_which_stays_downloadable(
    validated, users, tmp_path, committed
):
    coord = client_for(users["coord_a"])
    job = _generated(validated, users["coord_a"])
    form = coord.get(url("diagnostic_deliver", validated)).content.decode()
    assert f'value="{job.pk}"' in form and "checked" in form
    with committed():
        response = coord.post(
            url("diagnostic_deliver", validated),
            {
                "version": validated.version,
                "on": days(0).isoformat(),
                "recipient": "Division de l'Action Sociale",
                "source": "generated",
                "job": job.pk,
            },
        )
    assert response.status_code == 302 and response["Location"] == url(
        "diagnostic_deliverable", validated
    )
    validated.refresh_from_db()
    assert (validated.status, validated.delivered_to) == (
        Status.DELIVERED,
        "Division de l'Action Sociale",
    )
    with validated.delivered_file.open("rb") as f, job.file.open("rb") as g:
        assert f.read() == g.read()
    # Anyone who may see the diagnostic downloads what was delivered.
    download = client_for(users["viewer"]).get(url("diagnostic_delivered_file", validated))
    assert download.status_code == 200
    assert "Mortalité des colonies" in pdf_text(b"".join(download.streaming_content), tmp_path)
    page = client_for(users["viewer"]).get(url("diagnostic_deliverable", validated))
    assert 'data-testid="delivered-file"' in page.content.decode()


def test_an_uploaded_pdf_is_delivered_once_checked(validated, users, committed):
    from django.core.files.uploadedfile import SimpleUploadedFile

    coord = client_for(users["coord_a"])
    data = {
        "version": validated.version,
        "on": days(0).isoformat(),
        "recipient": "Gouverneur",
        "source": "uploaded",
    }
    fake = SimpleUploadedFile("diagnostic.pdf", b"MZ not a pdf at all", "application/pdf")
    with committed():
        response = coord.post(url("diagnostic_deliver", validated), {**data, "document": fake})
    assert response.status_code == 200
    assert response.context["form"].errors["document"]
    validated.refresh_from_db()
    assert validated.status == Status.VALIDATED and not validated.delivered_file
    assert _stored_files(validated) == []

    good = SimpleUploadedFile("signé.pdf", PDF_BYTES, "application/pdf")
    with committed():
        response = coord.post(url("diagnostic_deliver", validated), {**data, "document": good})
    assert response.status_code == 302
    validated.refresh_from_db()
    assert validated.status == Status.DELIVERED and validated.delivered_file.read() == PDF_BYTES


def test_bad_delivery_input_writes_nothing(validated, users, committed):
    coord = client_for(users["coord_a"])
    version = validated.version
    base = {"version": version, "recipient": "DAS", "source": "uploaded"}
    cases = [
        {**base, "on": days(3).isoformat()},  # after today, and no file
        {**base, "on": days(0).isoformat()},  # no file
        {**base, "on": days(0).isoformat(), "recipient": " ", "source": "generated"},  # no PDF
    ]
    history = validated.history.count()
    for data in cases:
        with committed():
            response = coord.post(url("diagnostic_deliver", validated), data)
        assert response.status_code == 200 and response.context["form"].errors, data
    validated.refresh_from_db()
    assert (validated.status, validated.version, validated.delivered_to) == (
        Status.VALIDATED,
        version,
        "",
    )
    assert validated.history.count() == history and _stored_files(validated) == []


def test_only_a_validated_diagnostic_is_delivered_with_a_pdf_of_its_validated_content(
    diagnostic, users
):
    coord = client_for(users["coord_a"])
    submitted = diagnostic_moved_to(diagnostic, Status.SUBMITTED, by=users["coord_a"])
    early = _generated(submitted, users["coord_a"])  # before it was validated
    page = coord.get(url("diagnostic_deliver", submitted)).content.decode()
    assert 'data-testid="not-validated"' in page
    data = {
        "version": submitted.version,
        "on": days(0).isoformat(),
        "recipient": "DAS",
        "source": "generated",
        "job": early.pk,
    }
    assert coord.post(url("diagnostic_deliver", submitted), data).status_code == 200
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    # Validated now: the PDF made before no longer stands for it.
    submitted.refresh_from_db()
    validated = services.diagnostic_move(
        diagnostic=submitted,
        name="validate",
        by=users["coord_a"],
        expected_version=submitted.version,
    )
    assert list(deliverable.issued_pdfs(validated, users["coord_a"])) == []
    response = coord.post(
        url("diagnostic_deliver", validated), {**data, "version": validated.version}
    )
    assert response.status_code == 200 and response.context["form"].errors["job"]
    validated.refresh_from_db()
    assert validated.status == Status.VALIDATED


def test_the_deliverable_page_reads_a_fixed_number_of_queries(
    diagnostic, users, django_assert_num_queries
):
    client = client_for(users["coord_a"])
    for lang in ("fr", "ar") * 6:
        deliverable.pdf_job_start(diagnostic=diagnostic, by=users["coord_a"], language=lang)
    client.get(url("diagnostic_deliverable", diagnostic))  # the session and grants, once
    with django_assert_num_queries(9):
        page = client.get(url("diagnostic_deliverable", diagnostic))
    assert page.content.decode().count('data-testid="pdf-jobs"') == 1
    assert len(page.context["pdf_jobs"]) == 10  # the latest ten of twelve
