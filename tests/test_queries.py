"""Query counts are pinned on every list and page, at sizes that would expose N+1 queries."""

import pytest
from django.urls import reverse

from provinces.models import Province, Role
from provinces.services import membership_remove
from targa.core.records import record_update
from tests.conftest import client_for, shared_data
from tests.factories import MembershipFactory, ProvinceProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="class")
def many_users(world, django_db_blocker):
    """40 field agents of A who also view B, made once for the class that uses them."""
    with shared_data(django_db_blocker):
        for i in range(40):
            user = UserFactory(
                username=f"user.{i:02d}", role=Role.FIELD_AGENT, provinces=[world["province_a"]]
            )
            MembershipFactory(user=user, province=world["province_b"], role=Role.VIEWER)
        yield


@pytest.fixture
def all_programmes(db):
    for province in Province.objects.filter(programme__isnull=True)[:30]:
        ProvinceProgrammeFactory(province=province)


def test_home_queries(users, all_programmes, django_assert_max_num_queries):
    client = client_for(users["viewer"])
    # 8, and 8 for what is late or waiting in each province (one GROUP BY per kind of record).
    with django_assert_max_num_queries(16):
        response = client.get(reverse("home"))
    assert response.content.decode().count('class="card h-100 shadow-sm"') == 32


def test_province_list_queries_for_admin(users, all_programmes, django_assert_max_num_queries):
    client = client_for(users["admin"])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("provinces:list"))
    assert response.context["page_obj"].paginator.count == 83


def test_commune_list_queries(users, province_a, django_assert_max_num_queries):
    client = client_for(users["agent_a"])
    with django_assert_max_num_queries(9):
        response = client.get(reverse("provinces:communes", args=[province_a.code]))
    assert len(response.context["page_obj"].object_list) == 22


def test_history_page_queries(users, province_a, django_assert_max_num_queries):
    programme = province_a.programme
    for i in range(30):
        programme.notes = f"note {i}"
        record_update(instance=programme, expected_version=programme.version, by=users["coord_a"])
    client = client_for(users["agent_a"])
    with django_assert_max_num_queries(11):
        response = client.get(reverse("provinces:programme_history", args=[province_a.code]))
    assert len(response.context["entries"]) == 20
    assert response.context["entries"][0].changes[0].new == "note 29"
    assert response.context["entries"][0].changes[0].old == "note 28"


class TestWithManyUsers:
    """Every test here sees the 40 users (made once for the class)."""

    def test_province_detail_queries(
        self, users, province_a, many_users, django_assert_max_num_queries
    ):
        client = client_for(users["coord_a"])
        # 10; 4 for the programme overview (contract, activities, visits, follow-up actions); 1 for
        # the CPDE card; 2 for the value chains' (chains by state, late flagship actions); 2 for
        # the project holders' (holders, projects by stage).
        with django_assert_max_num_queries(19):
            response = client.get(reverse("provinces:detail", args=[province_a.code]))
        assert response.status_code == 200
        assert response.content.decode().count("Agent de terrain") >= 40

    def test_user_list_queries(self, users, many_users, django_assert_max_num_queries):
        client = client_for(users["admin"])
        with django_assert_max_num_queries(9):
            response = client.get(reverse("users:list"))
        assert len(response.context["page_obj"].object_list) == 25

    def test_user_pages_queries(self, users, many_users, province_a, django_assert_max_num_queries):
        agent = users["agent_a"]
        for _ in range(30):  # a role given and taken back thirty times
            membership = MembershipFactory(
                user=agent, province=None, role=Role.VIEWER, by=users["admin"]
            )
            membership_remove(membership=membership, by=users["admin"])
        agent.last_name = "Ouhadi"
        record_update(instance=agent, expected_version=agent.version, by=users["admin"])
        client = client_for(users["admin"])
        with django_assert_max_num_queries(10):
            detail = client.get(reverse("users:detail", args=[agent.pk]))
        assert detail.context["object"] == agent
        with django_assert_max_num_queries(10):
            roles = client.get(reverse("users:membership_history", args=[agent.pk]))
        assert len(roles.context["page_obj"].object_list) == 25
        assert "Rôle retiré" in roles.content.decode()
        with django_assert_max_num_queries(10):
            history = client.get(reverse("users:history", args=[agent.pk]))
        assert any(c.new == "Ouhadi" for e in history.context["entries"] for c in e.changes)
