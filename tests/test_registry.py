"""The shell shows what each app declares in its AppConfig, and names no app itself."""

import pytest
from django.urls import reverse

from targa.core import registry
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_apps_declare_the_menu_cards_alerts_and_demo_seeds():
    assert [e.url_name for e in registry.menu()][:3] == [
        "provinces:activity_gantt",
        "provinces:visit_list",
        "provinces:contract_list",
    ]
    assert [c.template for c in registry.province_cards()] == [
        "provinces/_programme_overview.html",
        "cpde/_province_card.html",
        "valuechains/_province_card.html",
        "projects/_province_card.html",
    ]
    assert [a.key for a in registry.home_alerts()] == [
        "late_activities",
        "late_recommendations",
        "diagnostics_to_review",
        "late_flagship_actions",
        "overdue_actions",
        "overdue_follow_ups",
        "overdue_plan_follow_ups",
        "imports_waiting",
    ]
    assert [app for app, _seed in registry.demo_seeds()] == [
        "provinces",
        "cpde",
        "valuechains",
        "projects",
    ]
    assert registry.access_layer().__name__ == "provinces.access"


def test_a_new_app_adds_its_entries_without_touching_the_others(users, province_a, settings):
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "tests.registry_app"]
    coordinator = client_for(users["coord_a"])
    home = coordinator.get(reverse("home")).content.decode()
    assert "4242" in home  # its alert, counted per province, on the home page
    page = coordinator.get(reverse("provinces:detail", args=[province_a.code]))
    html = page.content.decode()
    assert "Entrée de test" in html  # its menu entry, first by its order
    assert html.index("Entrée de test") < html.index(
        reverse("provinces:activity_gantt", args=[province_a.code])
    )
    assert html.count('data-testid="cpde-card"') == 2  # its card beside the CPDE's
