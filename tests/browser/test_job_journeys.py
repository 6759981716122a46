"""A coordinator exports 50,000 recommendations: the export runs in a background worker, the
page shows a progress bar, then the download."""

import pytest
from playwright.sync_api import Page, expect

from cpde.models import Meeting, Recommendation
from targa.core.demo import seed_demo
from targa.core.models import Job
from tests.browser.test_journeys import log_in
from tests.conftest import ensure_territories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = 50_000


@pytest.fixture
def many_recommendations(transactional_db):
    ensure_territories()
    seed_demo()
    meeting = Meeting.objects.filter(committee__province__code="05.301").order_by("date").first()
    have = Recommendation.objects.filter(meeting__committee=meeting.committee).count()
    # 50,000 rows in ten INSERTs, not through the services: the volume is the point here.
    Recommendation.objects.bulk_create(
        [
            Recommendation(meeting=meeting, text=f"Recommandation n° {i}", owner_name="DPA")
            for i in range(have, ROWS)
        ],
        batch_size=5000,
    )
    return meeting.committee.province


def test_coordinator_exports_50000_rows_through_a_job_with_a_progress_bar(
    page: Page, live_server, many_recommendations, worker
):
    base = live_server.url
    log_in(page, base, "coord.khenifra")
    page.goto(f"{base}/provinces/05.301/cpde/recommendations/?export=xlsx")
    job = Job.objects.get()
    expect(page).to_have_url(f"{base}{job.get_absolute_url()}")
    expect(page.get_by_test_id("job-label")).to_contain_text("Recommandations")
    # The bar moves as the worker writes the rows (the page polls with htmx)…
    bar = page.get_by_test_id("job-progress")
    expect(bar).to_be_visible()
    expect(page.get_by_test_id("job")).to_have_attribute("data-state", "running", timeout=30_000)
    expect(bar).not_to_have_attribute("value", "0", timeout=60_000)
    # …then the download appears, without reloading the page.
    download_link = page.get_by_test_id("job-download")
    expect(download_link).to_be_visible(timeout=120_000)
    with page.expect_download() as info:
        download_link.click()
    assert info.value.suggested_filename.endswith(".xlsx")
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.progress == 100
    assert job.file.size > 500_000
