"""Demo data: one user per role, the five convention provinces, safe to run twice."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from provinces.access import Perm, has_perm, provinces_for_user
from provinces.demo import DEMO_PASSWORD, PROGRAMME_PROVINCES
from provinces.models import Province, ProvinceProgramme
from targa.core.models import User
from tests.conftest import shared_data

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def first_run(django_db_setup, django_db_blocker) -> str:
    """The demo seeded once for the module (a few hundred holders a province take a while);
    what the command printed."""
    with shared_data(django_db_blocker):
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every model of ours, history tables included."""
    ours = {"targa", "provinces", "cpde", "valuechains", "projects", "reports"}
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label in ours
    }


def test_seed_demo_twice_creates_everything_once(first_run):
    counts = row_counts()
    call_command("seed_demo")
    assert row_counts() == counts
    assert counts["cpde.Meeting"] > 0 and counts["provinces.Activity"] > 0
    assert counts["projects.Holder"] >= 10 * len(PROGRAMME_PROVINCES)  # 12 each in tests
    assert counts["projects.ProjectStep"] > counts["projects.Project"] > 0
    assert counts["targa.HistoricalUser"] > 0
    assert DEMO_PASSWORD in first_run and "agent.khenifra" in first_run


def test_demo_users_have_the_roles_they_are_announced_with():
    khenifra = Province.objects.get(code="05.301")
    figuig = Province.objects.get(code="02.251")
    assert set(ProvinceProgramme.objects.values_list("province__code", flat=True)) == set(
        PROGRAMME_PROVINCES
    )
    agent = User.objects.get(username="agent.khenifra")
    assert agent.check_password(DEMO_PASSWORD)
    assert list(provinces_for_user(agent)) == [khenifra]
    assert has_perm(agent, Perm.CHANGE, khenifra) and not has_perm(agent, Perm.VIEW, figuig)
    coord = User.objects.get(username="coord.khenifra")
    assert has_perm(coord, Perm.VALIDATE, khenifra)
    viewer = User.objects.get(username="viewer.national")
    assert provinces_for_user(viewer).count() == 5
    assert not has_perm(viewer, Perm.CHANGE, khenifra)
    admin = User.objects.get(username="admin")
    assert has_perm(admin, Perm.MANAGE) and admin.has_perm("provinces.change_commune")
