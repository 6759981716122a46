"""Demo data: one user per role, the five convention provinces, safe to run twice."""

import pytest
from django.apps import apps
from django.core.management import call_command

from provinces.access import Perm, has_perm, provinces_for_user
from provinces.demo import DEMO_PASSWORD, PROGRAMME_PROVINCES
from provinces.models import Province, ProvinceProgramme
from targa.core.models import User

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    """Rows of every model of ours, history tables included."""
    ours = {"targa", "provinces", "cpde", "valuechains", "projects", "reports"}
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label in ours
    }


def test_seed_demo_twice_creates_everything_once(capsys):
    call_command("seed_demo")
    counts = row_counts()
    call_command("seed_demo")
    assert row_counts() == counts
    assert counts["cpde.Meeting"] > 0 and counts["provinces.Activity"] > 0
    assert counts["targa.HistoricalUser"] > 0
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out and "agent.khenifra" in out


def test_demo_users_have_the_roles_they_are_announced_with():
    call_command("seed_demo")
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
