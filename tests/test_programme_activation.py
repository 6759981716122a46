"""Switching a province's programme off is an administrator's decision, confirmed, with a
reason, and reversible from the interface; an administrator still sees a suspended province."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from provinces.models import ProvinceProgramme
from targa.core.records import record_update
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def activation_url(province):
    return reverse("provinces:programme_activation", args=[province.code])


def edit_url(province):
    return reverse("provinces:programme_edit", args=[province.code])


def test_a_coordinator_cannot_switch_the_programme_off_even_by_posting_the_box(users, province_a):
    programme = province_a.programme
    coordinator = client_for(users["coord_a"])
    data = {"is_active": "", "operator": "TARGA-AIDE", "version": programme.version}
    assert coordinator.post(edit_url(province_a), data).status_code == 302
    programme.refresh_from_db()
    assert programme.is_active  # the edit form no longer carries the box; it was ignored
    assert coordinator.get(activation_url(province_a)).status_code == 403
    assert coordinator.post(activation_url(province_a), {"reason": "x"}).status_code == 403
    programme.refresh_from_db()
    assert programme.is_active


def test_the_model_refuses_anyone_but_an_administrator(users, province_a):
    programme = province_a.programme
    programme.is_active = False
    with pytest.raises(ValidationError) as refused:
        record_update(instance=programme, expected_version=programme.version, by=users["coord_a"])
    assert "is_active" in refused.value.error_dict


def test_an_administrator_suspends_with_a_reason_and_resumes_it(users, province_a):
    admin = client_for(users["admin"])
    page = admin.get(activation_url(province_a))
    assert page.status_code == 200 and 'data-testid="suspend-warning"' in page.content.decode()

    no_reason = admin.post(activation_url(province_a), {"reason": " ", "version": 1})
    assert "Dites pourquoi le programme est suspendu." in no_reason.content.decode()
    assert ProvinceProgramme.objects.get(province=province_a).is_active

    done = admin.post(
        activation_url(province_a), {"reason": "Convention échue", "version": 1}, follow=True
    )
    programme = ProvinceProgramme.objects.get(province=province_a)
    assert not programme.is_active
    record = programme.history.first()
    assert (record.history_user, record.history_change_reason) == (
        users["admin"],
        "suspended: Convention échue",
    )
    # The administrator still opens the province, told it is suspended, with the way back.
    assert done.status_code == 200
    assert 'data-testid="programme-suspended"' in done.content.decode()
    detail = reverse("provinces:detail", args=[province_a.code])
    for role in ("coord_a", "agent_a", "viewer"):
        assert client_for(users[role]).get(detail).status_code == 404
    listed = admin.get(reverse("provinces:list"), {"q": province_a.code}).content.decode()
    assert f'href="{detail}"' in listed and "suspendu" in listed

    admin.post(activation_url(province_a), {"reason": "", "version": programme.version})
    programme.refresh_from_db()
    assert programme.is_active
    assert client_for(users["coord_a"]).get(detail).status_code == 200


def test_a_stale_confirmation_is_refused(users, province_a):
    admin = client_for(users["admin"])
    response = admin.post(activation_url(province_a), {"reason": "Erreur", "version": 0})
    assert response.status_code == 409
    assert ProvinceProgramme.objects.get(province=province_a).is_active
