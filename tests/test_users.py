"""Administrators manage users and their roles in the app, with history."""

import uuid

import pytest
from django.urls import reverse

from provinces.access import Perm, has_perm
from provinces.models import Membership, Role
from targa.core.models import User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def new_user_data(**extra):
    return {
        "username": "nouvel.agent",
        "first_name": "Hassan",
        "last_name": "Idrissi",
        "email": "hassan@example.org",
        "phone": "+212 600 000 000",
        "language": "ar",
        "password1": "Oued-Srou-2026",
        "password2": "Oued-Srou-2026",
        "submission_id": str(uuid.uuid4()),
        **extra,
    }


def test_admin_creates_a_user_once_even_if_the_form_is_sent_twice(users):
    client = client_for(users["admin"])
    data = new_user_data()
    first = client.post(reverse("users:create"), data)
    second = client.post(reverse("users:create"), data)
    assert first.status_code == 302 and second.status_code == 302
    assert User.objects.filter(username="nouvel.agent").count() == 1
    user = User.objects.get(username="nouvel.agent")
    assert user.check_password("Oued-Srou-2026")
    assert user.history.first().history_user == users["admin"]


def test_user_form_rejects_weak_password_and_duplicate_email(users):
    client = client_for(users["admin"])
    response = client.post(
        reverse("users:create"),
        new_user_data(email="AGENT.A@example.org", password1="123", password2="123"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Un autre utilisateur a déjà cette adresse e-mail." in html
    assert "Ce mot de passe est trop court" in html
    assert not User.objects.filter(username="nouvel.agent").exists()


def test_admin_gives_and_removes_a_role(users, province_a):
    admin, agent = users["admin"], users["agent_b"]
    client = client_for(admin)
    response = client.post(
        reverse("users:membership_create", args=[agent.pk]),
        {"role": Role.VIEWER, "province": province_a.pk, "submission_id": str(uuid.uuid4())},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=agent, province=province_a)
    assert has_perm(User.objects.get(pk=agent.pk), Perm.VIEW, province_a)

    client.post(reverse("users:membership_delete", args=[membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    history = client.get(reverse("users:membership_history", args=[agent.pk])).content.decode()
    assert "Rôle retiré" in history and "Rôle attribué" in history


def test_duplicate_role_in_a_province_is_refused_clearly(users, province_a):
    client = client_for(users["admin"])
    response = client.post(
        reverse("users:membership_create", args=[users["agent_a"].pk]),
        {"role": Role.COORDINATOR, "province": province_a.pk, "submission_id": str(uuid.uuid4())},
    )
    assert response.status_code == 200
    assert "a déjà un rôle dans cette province" in response.content.decode()
    assert Membership.objects.filter(user=users["agent_a"]).count() == 1


def test_admin_role_must_cover_all_provinces(users, province_a):
    client = client_for(users["admin"])
    response = client.post(
        reverse("users:membership_create", args=[users["agent_b"].pk]),
        {"role": Role.ADMIN, "province": province_a.pk, "submission_id": str(uuid.uuid4())},
    )
    assert response.status_code == 200
    assert "Le rôle d&#x27;administrateur couvre toutes les provinces" in response.content.decode()
    assert not Membership.objects.filter(user=users["agent_b"], role=Role.ADMIN).exists()


def test_user_edit_is_versioned_and_in_history(users):
    admin, agent = users["admin"], users["agent_a"]
    client = client_for(admin)
    data = {
        "username": agent.username,
        "first_name": "Fatima",
        "last_name": "Ouhadi",
        "email": agent.email,
        "phone": "",
        "language": "fr",
        "is_active": "on",
        "version": agent.version,
    }
    assert client.post(reverse("users:detail", args=[agent.pk]), data).status_code == 302
    stale = client.post(reverse("users:detail", args=[agent.pk]), {**data, "last_name": "Autre"})
    assert stale.status_code == 409
    assert User.objects.get(pk=agent.pk).last_name == "Ouhadi"
    page = client.get(reverse("users:history", args=[agent.pk])).content.decode()
    assert "Ouhadi" in page


def test_user_pages_keep_the_signed_in_user_in_the_navigation(users):
    admin, agent = users["admin"], users["agent_a"]
    client = client_for(admin)
    for name in ("users:detail", "users:history"):
        response = client.get(reverse(name, args=[agent.pk]))
        assert response.context["user"] == admin
        assert response.context["object"] == agent
