"""The access layer: roles scoped to provinces, one door into every scoped object."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from provinces.access import (
    Perm,
    access_object,
    access_province,
    has_perm,
    province_ids_for,
    provinces_for_user,
    scope_for_user,
)
from provinces.models import Membership, Province, ProvinceProgramme, Role
from targa.core.records import record_update
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_field_agent_sees_only_their_province(users, province_a, province_b):
    agent = users["agent_a"]
    assert list(provinces_for_user(agent)) == [province_a]
    assert province_ids_for(agent, Perm.CHANGE) == {province_a.pk}
    assert province_ids_for(agent, Perm.VALIDATE) == set()


def test_national_viewer_sees_every_programme_province_but_changes_none(
    users, province_a, province_b
):
    viewer = users["viewer"]
    assert set(provinces_for_user(viewer)) == {province_a, province_b}
    assert province_ids_for(viewer) is None
    assert not has_perm(viewer, Perm.CHANGE, province_a)


def test_field_agent_cannot_open_province_of_other_province(users, province_a):
    with pytest.raises(Http404):
        access_province(user=users["agent_b"], code=province_a.code)


def test_missing_and_foreign_objects_get_the_same_404(users, province_a):
    agent_b = users["agent_b"]
    for lookup in ({"province__code": province_a.code}, {"pk": 999999}, {"pk": "not-a-number"}):
        with pytest.raises(Http404):
            access_object(ProvinceProgramme, user=agent_b, **lookup)


def test_viewer_can_read_but_not_change(users, province_a):
    viewer = users["viewer"]
    assert access_object(ProvinceProgramme, user=viewer, province=province_a)
    with pytest.raises(PermissionDenied):
        access_object(ProvinceProgramme, user=viewer, perm=Perm.CHANGE, province=province_a)


def test_coordinator_validates_field_agent_does_not(users, province_a):
    assert has_perm(users["coord_a"], Perm.VALIDATE, province_a)
    assert not has_perm(users["agent_a"], Perm.VALIDATE, province_a)
    assert has_perm(users["agent_a"], Perm.CHANGE, province_a)


def test_a_user_can_hold_roles_in_several_provinces(province_a, province_b):
    user = UserFactory(username="multi")
    MembershipFactory(user=user, province=province_a, role=Role.COORDINATOR)
    MembershipFactory(user=user, province=province_b, role=Role.VIEWER)
    assert set(provinces_for_user(user)) == {province_a, province_b}
    assert has_perm(user, Perm.VALIDATE, province_a)
    assert not has_perm(user, Perm.CHANGE, province_b)


def test_user_without_role_sees_nothing():
    nobody = UserFactory(username="nobody")
    assert not provinces_for_user(nobody).exists()
    assert not scope_for_user(ProvinceProgramme.objects.all(), nobody).exists()


def test_inactive_user_has_no_rights(users, province_a):
    agent = users["agent_a"]
    agent.is_active = False
    record_update(instance=agent, expected_version=agent.version, by=users["admin"])
    agent = type(agent).objects.get(pk=agent.pk)
    assert not has_perm(agent, Perm.VIEW, province_a)


def test_provinces_without_the_programme_are_not_opened(users):
    rabat = Province.objects.filter(programme__isnull=True).first()
    with pytest.raises(Http404):
        access_province(user=users["admin"], code=rabat.code)


def test_admin_role_covers_all_provinces_only(province_a):
    user = UserFactory(username="wrong.admin")
    membership = Membership(user=user, province=province_a, role=Role.ADMIN)
    with pytest.raises(ValidationError) as exc:
        membership.full_clean()
    assert "province" in exc.value.error_dict


def test_one_role_per_user_and_province(province_a):
    user = UserFactory(username="twice")
    MembershipFactory(user=user, province=province_a, role=Role.VIEWER)
    with pytest.raises(ValidationError):
        Membership(user=user, province=province_a, role=Role.FIELD_AGENT).full_clean()
    MembershipFactory(user=user, province=None, role=Role.VIEWER)
    with pytest.raises(ValidationError):
        Membership(user=user, province=None, role=Role.COORDINATOR).full_clean()
