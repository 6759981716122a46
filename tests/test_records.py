"""History, optimistic locking and idempotent creation, through the real views and services."""

import uuid

import pytest
from django.urls import reverse

from provinces.models import Membership, Province, ProvinceProgramme, Role
from targa.core.records import EditConflict, record_create, record_delete, record_update
from tests.conftest import client_for
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def edit_url(province):
    return reverse("provinces:programme_edit", args=[province.code])


def form_data(programme, **changes):
    data = {
        "is_active": "on" if programme.is_active else "",
        "started_on": programme.started_on.isoformat() if programme.started_on else "",
        "operator": programme.operator,
        "focal_point": programme.focal_point,
        "notes": programme.notes,
        "version": programme.version,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_every_change_is_kept_with_who_and_when(users, province_a):
    coord = users["coord_a"]
    programme = province_a.programme
    response = client_for(coord).post(
        edit_url(province_a), form_data(programme, operator="TARGA-AIDE Khénifra")
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.operator == "TARGA-AIDE Khénifra"
    assert programme.version == 2
    last = programme.history.first()
    assert last.history_user == coord
    assert last.history_type == "~"
    assert last.operator == "TARGA-AIDE Khénifra"


def test_history_page_lists_changes_in_french(users, province_a):
    coord = users["coord_a"]
    client = client_for(coord)
    client.post(edit_url(province_a), form_data(province_a.programme, focal_point="M. Haddou"))
    page = client.get(reverse("provinces:programme_history", args=[province_a.code]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Modifié" in html
    assert "M. Haddou" in html
    assert str(coord) in html


def test_second_save_from_a_stale_form_is_refused_and_keeps_the_input(users, province_a):
    programme = province_a.programme
    stale = form_data(programme, notes="Saisie de l'agent")
    coord, admin = users["coord_a"], users["admin"]
    first = client_for(admin).post(edit_url(province_a), form_data(programme, notes="Par l'admin"))
    assert first.status_code == 302

    second = client_for(coord).post(edit_url(province_a), stale)

    assert second.status_code == 409
    html = second.content.decode()
    assert f"modifié par {admin}" in html
    assert "Saisie de l&#x27;agent" in html  # the second person's input is kept in the form
    assert "Par l&#x27;admin" in html  # and the current value is shown next to it
    programme.refresh_from_db()
    assert programme.notes == "Par l'admin"
    assert programme.version == 2
    # Saving again, knowingly, from the refreshed form wins.
    third = client_for(coord).post(edit_url(province_a), {**stale, "version": 2})
    assert third.status_code == 302
    programme.refresh_from_db()
    assert programme.notes == "Saisie de l'agent"


def test_record_update_raises_on_stale_version(users, province_a):
    programme = province_a.programme
    record_update(instance=programme, expected_version=1, by=users["admin"])
    stale = ProvinceProgramme.objects.get(pk=programme.pk)
    stale.notes = "late"
    with pytest.raises(EditConflict) as exc:
        record_update(instance=stale, expected_version=1, by=users["coord_a"])
    assert exc.value.changed_by == users["admin"]
    assert ProvinceProgramme.objects.get(pk=programme.pk).notes == ""


def test_same_submission_creates_one_record(users):
    province = Province.objects.get(code="03.131")
    token = uuid.uuid4()
    first = record_create(
        instance=ProvinceProgramme(province=province), by=users["admin"], submission_id=token
    )
    again = record_create(
        instance=ProvinceProgramme(province=province), by=users["admin"], submission_id=token
    )
    assert first.created and not again.created
    assert again.instance.pk == first.instance.pk
    assert ProvinceProgramme.objects.filter(province=province).count() == 1


def test_double_posting_the_create_form_creates_one_record(users):
    client = client_for(users["admin"])
    province = Province.objects.get(code="06.467")
    data = {
        "province": province.pk,
        "is_active": "on",
        "operator": "TARGA-AIDE",
        "submission_id": str(uuid.uuid4()),
    }
    first = client.post(reverse("provinces:programme_create"), data)
    second = client.post(reverse("provinces:programme_create"), data, follow=True)
    assert first.status_code == 302
    assert ProvinceProgramme.objects.filter(province=province).count() == 1
    assert "déjà été enregistré" in second.content.decode()


def test_create_form_with_bad_input_writes_nothing_and_explains(users):
    client = client_for(users["admin"])
    response = client.post(
        reverse("provinces:programme_create"),
        {"province": "999999", "started_on": "31/02/2021", "submission_id": str(uuid.uuid4())},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choisissez une province" in html
    assert "Saisissez une date valide" in html
    assert ProvinceProgramme.objects.count() == 2  # only the fixtures' A and B


def test_deletion_is_kept_in_history(users, province_a):
    member = UserFactory(username="temp.member")
    membership = MembershipFactory(user=member, province=province_a, role=Role.VIEWER)
    pk = membership.pk
    record_delete(instance=membership, by=users["admin"])
    assert not Membership.objects.filter(pk=pk).exists()
    last = Membership.history.filter(id=pk).first()
    assert last.history_type == "-"
    assert last.history_user == users["admin"]


def test_django_admin_refuses_a_stale_save_too(users, province_a):
    programme = province_a.programme
    url = reverse("admin:provinces_provinceprogramme_change", args=[programme.pk])
    data = {
        "province": province_a.pk,
        "is_active": "on",
        "operator": "Admin edit",
        "focal_point": "",
        "notes": "",
        "opened_version": programme.version,
    }
    client = client_for(users["admin"])
    assert client.post(url, data).status_code == 302
    programme.refresh_from_db()
    assert programme.operator == "Admin edit" and programme.version == 2
    assert programme.history.first().history_user == users["admin"]
    stale = client.post(url, {**data, "operator": "Stale edit"})
    assert stale.status_code == 200
    assert "modifié par" in stale.content.decode()
    programme.refresh_from_db()
    assert programme.operator == "Admin edit"


def test_sheet_saved_from_a_stale_copy_is_refused(users, province_a):
    from targa.core.records import check_sheet_versions

    line = MembershipFactory(user=UserFactory(username="temp.sheet"), province=province_a)
    check_sheet_versions(existing={1: line}, opened={1: line.version})  # up to date: fine
    check_sheet_versions(existing={1: line}, opened=None)  # no check asked
    with pytest.raises(EditConflict):
        check_sheet_versions(existing={1: line}, opened={})  # a line was added since
    with pytest.raises(EditConflict) as gone:
        check_sheet_versions(existing={}, opened={1: 1})  # a line was removed since
    assert "quelqu'un d'autre" in gone.value.message()
