"""Exporters the apps register: the province's Exports page, a workbook prepared as a job,
for what its owner may see, with one sheet per list."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from provinces.models import Membership
from targa.core import exporters
from targa.core.models import Job
from tests import cpde_support as cs
from tests.conftest import client_for
from tests.factories import CommitteeMemberFactory, MeetingFactory, RecommendationFactory
from tests.jobs_support import run_queued_tasks

pytestmark = pytest.mark.django_db


def exports_url(province):
    return reverse("exports:province", args=[province.code])


def test_apps_register_their_exporters_and_the_page_lists_them(users, province_a):
    names = ["provinces.programme", "cpde.workbook", "valuechains.diagnostics"]
    assert list(exporters.exporters()) == names
    page = client_for(users["viewer"]).get(exports_url(province_a))
    assert page.status_code == 200
    offered = [e.identifier for e in page.context["exporters"]]
    assert offered == names
    assert "Classeur du CPDE" in page.content.decode()
    menu = client_for(users["agent_a"]).get(reverse("provinces:detail", args=[province_a.code]))
    assert exports_url(province_a) in menu.content.decode()  # the base's own menu entry


def test_the_cpde_workbook_is_a_job_with_a_sheet_per_list(users, province_a):
    meeting = MeetingFactory(province=province_a, by=users["coord_a"], date=cs.days(-20))
    RecommendationFactory(meeting=meeting, by=users["agent_a"], text='=HYPERLINK("http://x","y")')
    CommitteeMemberFactory(province=province_a, by=users["coord_a"], name="Amina")
    agent = client_for(users["agent_a"])

    response = agent.post(exports_url(province_a), {"exporter": "cpde.workbook", "format": "xlsx"})

    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.kind, job.owner, job.scope_code) == ("export", users["agent_a"], province_a.code)
    assert run_queued_tasks() == 1
    job.refresh_from_db()
    assert (job.state, job.progress) == ("done", 100)
    assert job.filename.startswith(f"cpde-{province_a.code}-") and job.filename.endswith(".xlsx")
    body = b"".join(agent.get(reverse("jobs:download", args=[job.pk])).streaming_content)
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == [
        "Membres du comité",
        "Réunions",
        "Recommandations",
        "Formations",
        "Feuille de route",
    ]
    recommendation = book["Recommandations"]["C2"]
    assert (recommendation.value, recommendation.data_type) == ('=HYPERLINK("http://x","y")', "s")
    assert book["Membres du comité"]["A2"].value == "Amina"
    listed = agent.get(exports_url(province_a)).content.decode()
    assert job.label in listed and reverse("jobs:download", args=[job.pk]) in listed


def test_the_worker_asks_again_what_the_owner_may_see(users, province_a):
    agent = client_for(users["agent_a"])
    agent.post(exports_url(province_a), {"exporter": "provinces.programme", "format": "xlsx"})
    Membership.objects.filter(user=users["agent_a"]).delete()  # their role ended meanwhile
    run_queued_tasks()
    job = Job.objects.get()
    assert job.state == "failed" and not job.file


@pytest.mark.parametrize(
    "data",
    [
        {"exporter": "cpde.workbook", "format": "csv"},  # a format it does not offer
        {"exporter": "nothing.here", "format": "xlsx"},
        {},
    ],
)
def test_what_the_page_does_not_offer_is_refused_with_a_message(users, province_a, data):
    response = client_for(users["agent_a"]).post(exports_url(province_a), data, follow=True)
    assert response.status_code == 200
    assert not Job.objects.exists()
    messages = [str(m) for m in response.context["messages"]]
    assert messages and messages[0] in (
        "Ce fichier n'est pas proposé dans ce format.",
        "Ce fichier n'est pas proposé ici.",
    )


def test_another_province_s_exports_are_404(users, province_a, province_b):
    assert client_for(users["agent_b"]).get(exports_url(province_a)).status_code == 404
    response = client_for(users["agent_b"]).post(
        exports_url(province_a), {"exporter": "cpde.workbook", "format": "xlsx"}
    )
    assert response.status_code == 404 and not Job.objects.exists()
