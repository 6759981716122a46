"""The shell a person sees: login by username or e-mail, languages, right-to-left, error pages."""

import pytest
from django.test import Client
from django.urls import reverse

from provinces.models import Role
from targa.core.models import User
from targa.core.records import record_update
from tests.conftest import client_for
from tests.factories import (
    PASSWORD,
    ActivityFactory,
    MeetingFactory,
    RecommendationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def login(client, login_name):
    return client.post(reverse("login"), {"username": login_name, "password": PASSWORD})


@pytest.mark.parametrize(
    "login_name", ["agent.a", "AGENT.A", "agent.a@example.org", "Agent.A@Example.org"]
)
def test_login_by_username_or_email(users, login_name):
    response = login(Client(), login_name)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_wrong_password_gets_a_clear_french_message(users):
    response = Client().post(reverse("login"), {"username": "agent.a", "password": "nope"})
    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()


def test_inactive_user_cannot_log_in(users):
    agent = users["agent_a"]
    agent.is_active = False
    record_update(instance=agent, expected_version=agent.version, by=users["admin"])
    assert login(Client(), "agent.a").status_code == 200


def test_anonymous_is_sent_to_login_with_next():
    response = Client().get("/provinces/05.301/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/provinces/05.301/"


def test_interface_is_french_by_default(users):
    client = Client()
    client.force_login(users["agent_a"])
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="fr" dir="ltr">' in html
    assert "Accueil" in html


def test_arabic_pages_are_right_to_left_with_rtl_bootstrap_and_arabic_names(users, province_a):
    client = client_for(users["agent_a"], language="ar")
    html = client.get(reverse("provinces:detail", args=[province_a.code])).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "bootstrap.rtl.min.css" in html
    assert "خنيفرة" in html


def test_switching_language_is_remembered_on_the_profile(users):
    client = client_for(users["agent_a"])
    response = client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["targa_language"].value == "ar"
    assert User.objects.get(pk=users["agent_a"].pk).language == "ar"
    # On a new device (no cookie), the saved language is used.
    fresh = Client()
    fresh.force_login(users["agent_a"])
    assert 'dir="rtl"' in fresh.get(reverse("home")).content.decode()


def test_login_page_can_be_switched_to_arabic_before_logging_in():
    client = Client()
    client.post(reverse("set_language"), {"language": "ar", "next": "/accounts/login/"})
    html = client.get(reverse("login")).content.decode()
    assert 'dir="rtl"' in html


def test_404_page_is_friendly_and_localised(users):
    fr = client_for(users["agent_a"]).get("/provinces/02.251/")
    assert fr.status_code == 404
    assert "Page introuvable" in fr.content.decode()
    ar = client_for(users["agent_a"], language="ar").get("/provinces/02.251/")
    assert "الصفحة غير موجودة" in ar.content.decode()
    assert 'dir="rtl"' in ar.content.decode()


def test_403_page_is_friendly(users, province_a):
    response = client_for(users["viewer"]).get(
        reverse("provinces:programme_edit", args=[province_a.code])
    )
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_home_shows_each_province_and_what_the_user_can_do(users, province_a, province_b):
    html = client_for(users["coord_a"]).get(reverse("home")).content.decode()
    assert "Khénifra" in html and "Figuig" not in html
    assert "Valider et clôturer" in html
    viewer_html = client_for(users["viewer"]).get(reverse("home")).content.decode()
    assert "Khénifra" in viewer_html and "Figuig" in viewer_html
    assert "Valider et clôturer" not in viewer_html


def test_sources_page_credits_the_census_without_login():
    html = Client().get(reverse("about")).content.decode()
    assert "HCP, RGPH 2024, CC BY 4.0" in html


def test_password_change(users):
    client = client_for(users["agent_a"])
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Tagant-2027-oued",
            "new_password2": "Tagant-2027-oued",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(pk=users["agent_a"].pk).check_password("Tagant-2027-oued")


def test_province_switcher_remembers_the_working_province(province_a, province_b):
    user = UserFactory(
        username="two.provinces", role=Role.FIELD_AGENT, provinces=[province_a, province_b]
    )
    client = client_for(user)
    assert 'data-testid="province-switcher"' in client.get(reverse("home")).content.decode()
    client.post(reverse("provinces:switch"), {"province": province_b.code})
    assert client.get(reverse("provinces:mine"))["Location"] == f"/provinces/{province_b.code}/"
    client.post(reverse("provinces:switch"), {"province": province_a.code})
    assert client.get(reverse("provinces:mine"))["Location"] == f"/provinces/{province_a.code}/"


def test_switcher_refuses_a_foreign_province(users, province_b):
    response = client_for(users["agent_a"]).post(
        reverse("provinces:switch"), {"province": province_b.code}
    )
    assert response.status_code == 404


def test_switcher_ignores_an_offsite_next(users, province_a):
    response = client_for(users["agent_a"]).post(
        reverse("provinces:switch"), {"province": province_a.code, "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/provinces/{province_a.code}/"


def test_numbers_are_grouped_in_french_and_arabic(users, province_a):
    url = reverse("provinces:detail", args=[province_a.code])
    assert "370\xa0240" in client_for(users["agent_a"]).get(url).content.decode()
    assert "370\u202f240" in client_for(users["agent_a"], language="ar").get(url).content.decode()


def test_500_page_is_friendly_and_localised(rf):
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override("ar"):
        response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert 'dir="rtl"' in html and 'data-testid="error-500"' in html
    with translation.override("fr"):
        assert "Rien de ce que vous avez saisi" in server_error(rf.get("/")).content.decode()


def test_every_model_has_a_django_admin_page():
    from django.apps import apps
    from django.contrib import admin

    ours = {"targa", "provinces", "cpde", "valuechains", "projects", "reports"}
    models = [
        m
        for m in apps.get_models()
        if m._meta.app_label in ours and not m.__name__.startswith("Historical")
    ]
    assert models
    missing = [m.__name__ for m in models if m not in admin.site._registry]
    assert not missing


def test_switcher_shows_the_province_on_screen(province_a, province_b):
    user = UserFactory(
        username="two.provinces", role=Role.VIEWER, provinces=[province_a, province_b]
    )
    client = client_for(user)
    for province in (province_a, province_b):
        response = client.get(reverse("provinces:detail", args=[province.code]))
        assert response.context["nav_provinces"].current == province


def test_home_shows_what_is_late_in_each_province(users, province_a, province_b):
    import datetime

    long_ago = datetime.date(2021, 3, 1)
    for i in range(2):
        ActivityFactory(
            province=province_a, title=f"Atelier {i}", planned_start=long_ago, planned_end=long_ago
        )
    meeting = MeetingFactory(province=province_a, date=long_ago)
    RecommendationFactory(meeting=meeting, text="Visiter", due_date=long_ago)
    html = client_for(users["viewer"]).get(reverse("home")).content.decode()
    assert "2 activités en retard" in html
    assert "1 recommandation en retard" in html
    assert html.count('data-testid="province-alerts"') == 1  # Figuig has nothing late
