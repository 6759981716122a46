"""Background jobs: a large export runs in a worker with its progress, only its owner gets the
file, a job whose worker died says so and can be tried again, cells never hold formulas.
A real worker process killed mid-job: tests/test_job_worker.py."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from targa.core import jobs
from targa.core.models import Job
from tests.conftest import client_for
from tests.factories import JobFactory, MeetingFactory, RecommendationFactory, days
from tests.jobs_support import run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def recommendations(users, province_a):
    meeting = MeetingFactory(province=province_a, by=users["coord_a"], date=days(-30))
    texts = ['=HYPERLINK("http://example.org","x")', "+1+1", *(f"Action {i}" for i in range(6))]
    return [RecommendationFactory(meeting=meeting, by=users["agent_a"], text=t) for t in texts]


TEXT = 2  # the column of the recommendation's text (see RecommendationResource)


def list_url(province, **query):
    url = reverse("cpde:recommendation_list", args=[province.code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_a_large_export_runs_as_a_job_and_its_owner_downloads_it(
    users, province_a, recommendations, settings
):
    settings.EXPORT_INLINE_MAX_ROWS = 3
    agent = client_for(users["agent_a"])
    response = agent.get(list_url(province_a, export="xlsx", q="Action"))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.state, job.owner, job.scope_code) == ("queued", users["agent_a"], province_a.code)
    page = agent.get(job.get_absolute_url())
    assert 'data-testid="job-progress"' in page.content.decode()
    assert 'hx-trigger="every 1s"' in page.content.decode()  # the page polls while it waits

    assert run_queued_tasks() == 1
    job.refresh_from_db()
    assert (job.state, job.progress, job.attempts) == ("done", 100, 1)
    panel = agent.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="job-download"' in panel and "hx-trigger" not in panel
    download = agent.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    sheet = book.active
    assert sheet.title == "Recommandations"
    texts = [row[TEXT] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(texts) == 6 and all(t.startswith("Action") for t in texts)  # the search held


def test_exported_cells_never_hold_a_formula(users, province_a, recommendations):
    agent = client_for(users["agent_a"])
    xlsx = agent.get(list_url(province_a, export="xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = [row[TEXT] for row in sheet.iter_rows(min_row=2)]
    assert {c.data_type for c in cells} == {"s"}
    assert '=HYPERLINK("http://example.org","x")' in [c.value for c in cells]
    # Text that starts like a formula is marked so that Excel keeps it text once edited.
    assert {c.value for c in cells if c.quotePrefix} == {
        '=HYPERLINK("http://example.org","x")',
        "+1+1",
    }
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    body = agent.get(list_url(province_a, export="csv")).content.decode("utf-8-sig")
    column = [row[TEXT] for row in csv.reader(io.StringIO(body))][1:]
    assert '\'=HYPERLINK("http://example.org","x")' in column
    assert "'+1+1" in column and not any(v.startswith(("=", "+")) for v in column)


def test_arabic_export_sheet_reads_right_to_left(users, province_a, recommendations):
    response = client_for(users["agent_a"], "ar").get(list_url(province_a, export="xlsx"))
    assert load_workbook(io.BytesIO(response.content)).active.sheet_view.rightToLeft


def test_someone_elses_job_is_not_found(users, province_a, recommendations, settings):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    client_for(users["agent_a"]).get(list_url(province_a, export="csv"))
    run_queued_tasks()
    job = Job.objects.get()
    for role in ("coord_a", "agent_b", "admin"):
        other = client_for(users[role])
        assert other.get(job.get_absolute_url()).status_code == 404
        assert other.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_a_file_is_not_served_once_its_owner_lost_the_province(
    users, province_a, recommendations, settings
):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    client_for(users["agent_a"]).get(list_url(province_a, export="csv"))
    run_queued_tasks()
    job = Job.objects.get()
    users["agent_a"].memberships.all().delete()
    assert (
        client_for(users["agent_a"]).get(reverse("jobs:download", args=[job.pk])).status_code == 404
    )


def test_a_job_whose_worker_died_is_marked_failed_and_can_be_tried_again(
    users, province_a, recommendations, settings
):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    agent = client_for(users["agent_a"])
    agent.get(list_url(province_a, export="xlsx"))
    job = Job.objects.get()
    # The worker took it, reported 40 %, then was killed: no heartbeat since.
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.JOB_STALE_SECONDS + 5)
    Job.objects.filter(pk=job.pk).update(state="running", progress=40, heartbeat_at=long_ago)
    page = agent.get(job.get_absolute_url()).content.decode()
    job.refresh_from_db()
    assert job.state == "failed" and job.error == jobs.STALE_MESSAGE
    assert "Le traitement s’est arrêté" in page and 'data-testid="job-retry"' in page
    assert agent.post(reverse("jobs:retry", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert (job.state, job.progress, job.error) == ("queued", 0, "")
    # The task of the killed run is still in the queue's table; each run takes a queued job
    # once, so the retry's task produces the file.
    run_queued_tasks()
    job.refresh_from_db()
    assert job.state == "done" and job.file


def test_a_failing_job_says_so_in_the_owners_language(users, province_a, recommendations):
    job = jobs.job_start(
        kind="list_export",
        label="Broken",
        owner=users["agent_a"],
        params={"path": "/nowhere/", "format": "xlsx", "language": "fr"},
    )
    run_queued_tasks()
    job.refresh_from_db()
    assert job.state == "failed"
    assert job.error.startswith("La préparation a échoué (Resolver404)")
    page = client_for(users["agent_a"]).get(job.get_absolute_url()).content.decode()
    assert 'data-testid="job-error"' in page


def test_progress_is_written_in_steps_not_on_every_row(users):
    job = JobFactory(label="x", owner=users["agent_a"])
    progress = jobs.Progress(job, total=10_000, step="Lignes")
    for _ in range(5_000):
        progress.advance()
    job.refresh_from_db()
    assert job.progress == 50 and job.step == "Lignes" and job.heartbeat_at is not None
    assert progress.every == 200


def test_the_polled_job_panel_costs_a_fixed_number_of_queries(
    users, province_a, recommendations, settings, django_assert_max_num_queries
):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    agent = client_for(users["agent_a"])
    agent.get(list_url(province_a, export="csv"))
    job = Job.objects.get()
    # Session, user, the reaper's UPDATE, the job, savepoints: polled every second.
    with django_assert_max_num_queries(6):
        panel = agent.get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert 'data-state="queued"' in panel.content.decode()
