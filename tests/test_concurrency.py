"""People saving at the same time: on SQLite (the default that `scripts/run` uses) as on
PostgreSQL, parallel saves all succeed, a form sent five times at once makes one record,
and nobody gets an error page."""

import threading
import uuid

import pytest
from django.db import connections
from django.urls import reverse

from provinces.models import Role, Stakeholder
from tests.conftest import client_for, ensure_territories, programme_province
from tests.factories import PROVINCE_A, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("threads")]


@pytest.fixture
def field_team(db):
    ensure_territories()
    province = programme_province(PROVINCE_A)
    agents = [
        UserFactory(username=f"agent.{i}", role=Role.FIELD_AGENT, provinces=[province])
        for i in range(5)
    ]
    return province, agents


def at_once(jobs):
    """Run the callables in parallel threads released together; their results in order."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait()
            results[i] = job()
        except Exception as exc:  # noqa: BLE001 (the test reports what went wrong)
            results[i] = exc
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def poster(client, url, data):
    return lambda: client.post(url, data).status_code


def test_five_copies_of_one_form_sent_at_once_make_one_record(field_team):
    province, agents = field_team
    url = reverse("provinces:stakeholder_create", args=[province.code])
    data = {"name": "Coopérative Tifawin", "kind": "cooperative", "submission_id": uuid.uuid4()}
    client = client_for(agents[0])
    statuses = at_once([poster(client, url, data) for _ in range(5)])
    assert statuses == [302] * 5
    assert Stakeholder.objects.filter(name="Coopérative Tifawin").count() == 1


def test_five_people_saving_different_records_at_once_all_succeed(field_team):
    province, agents = field_team
    url = reverse("provinces:stakeholder_create", args=[province.code])
    jobs = [
        poster(
            client_for(agent),
            url,
            {"name": f"Association {i}", "kind": "association", "submission_id": uuid.uuid4()},
        )
        for i, agent in enumerate(agents)
    ]
    for _round in range(3):  # several rounds: the race is not luck
        Stakeholder.objects.all().delete()
        statuses = at_once(jobs)
        assert statuses == [302] * 5
        assert Stakeholder.objects.count() == 5
