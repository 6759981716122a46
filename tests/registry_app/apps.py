"""An app that only declares contributions, to show that the shell renders what apps declare."""

from django.apps import AppConfig


def count(province_ids):
    return {pk: 4242 for pk in province_ids}


def card(province, perms_here):
    return {"province": province, "committee": None, "perms_here": perms_here}


class RegistryAppConfig(AppConfig):
    name = "tests.registry_app"
    label = "registry_app"

    def contributions(self):
        from targa.core.registry import Contributions, HomeAlert, MenuEntry, ProvinceCard

        return Contributions(
            menu=(MenuEntry("Entrée de test", "provinces:communes", "star", 5),),
            home_alerts=(HomeAlert("test", count, "provinces/alerts/late_activities.html", 1),),
            province_cards=(ProvinceCard("cpde/_province_card.html", card, 1),),
        )
