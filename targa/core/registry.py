"""What each app adds to the shell, declared in its AppConfig: the one place the base learns
about the apps, so that the base imports none of them (STYLE.md §9, pretix's plugins).

An app's config defines `contributions()` returning a `Contributions`; the registry reads them
in the order of INSTALLED_APPS. The shell then renders what comes back: the province menu,
the cards of the province page, the home page's alerts, the exporters (files of a whole
province, run as background jobs: `targa.core.exporters`), the records picked by typing
(`targa.core.choices`), the demo seeds. One
app (provinces) provides the access layer the record kit calls (`targa.core.access`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class MenuEntry:
    """A link of the province menu: `url_name` is reversed with the province's code."""

    label: Any  # a lazy translation
    url_name: str
    icon: str  # a Bootstrap Icons name, e.g. "people"
    order: int = 100
    title: Any = ""  # the long name, when the label is a short one (a tooltip)


@dataclass(frozen=True)
class ProvinceCard:
    """A block of the province page: `context(province, user)` gathers its figures (a
    selector: a fixed number of queries), `template` renders them."""

    template: str
    context: Callable[..., dict]
    order: int = 100


@dataclass(frozen=True)
class HomeAlert:
    """A count of what is late, per province, on the home page.

    `count(province_ids)` maps province ids to a number, in one aggregate query;
    `template` renders one badge with `n` and `province` (only when `n` is not 0).
    """

    key: str
    count: Callable[[list[int]], dict[int, int]]
    template: str
    order: int = 100


@dataclass(frozen=True)
class Contributions:
    menu: tuple[MenuEntry, ...] = ()
    province_cards: tuple[ProvinceCard, ...] = ()
    home_alerts: tuple[HomeAlert, ...] = ()
    exporters: tuple = ()  # of targa.core.exporters.Exporter
    # Dotted path of `seed(*, stdout)`, run by `manage.py seed_demo` in app order.
    demo: str = ""
    # Dotted path of the module implementing the access layer (see targa.core.access).
    access_layer: str = ""
    # Records whose number grows without bound, picked by typing (targa.core.choices).
    choice_sources: tuple = ()  # of targa.core.choices.ChoiceSource
    # Background job kinds the app runs (targa.core.tasks): kind → dotted path of
    # `run(job) -> (filename, content type, content)`; kinds are "<app>.<name>".
    job_runners: tuple[tuple[str, str], ...] = ()
    # Spreadsheets the app imports (targa.core.imports.ImportSpec instances).
    importers: tuple = ()


def app_contributions() -> list[tuple[str, Contributions]]:
    """(app label, contributions) of every installed app that declares some, in app order."""
    out = []
    for config in apps.get_app_configs():
        declare = getattr(config, "contributions", None)
        if declare is not None:
            out.append((config.label, declare()))
    return out


def menu() -> list[MenuEntry]:
    return sorted((e for _app, c in app_contributions() for e in c.menu), key=lambda e: e.order)


def province_cards() -> list[ProvinceCard]:
    cards = (card for _app, c in app_contributions() for card in c.province_cards)
    return sorted(cards, key=lambda card: card.order)


def home_alerts() -> list[HomeAlert]:
    alerts = (a for _app, c in app_contributions() for a in c.home_alerts)
    return sorted(alerts, key=lambda a: a.order)


def exporters() -> list:
    return [e for _app, c in app_contributions() for e in c.exporters]


def job_runner(kind: str) -> Callable | None:
    """The function an app declared to run jobs of `kind` (None if no app did)."""
    for _app, c in app_contributions():
        for declared, path in c.job_runners:
            if declared == kind:
                return import_string(path)
    return None


def choice_sources() -> list:
    return [s for _app, c in app_contributions() for s in c.choice_sources]


def demo_seeds() -> list[tuple[str, Callable]]:
    return [(app, import_string(c.demo)) for app, c in app_contributions() if c.demo]


@cache
def access_layer():
    """The module that implements the access layer; exactly one app declares it."""
    paths = [c.access_layer for _app, c in app_contributions() if c.access_layer]
    if len(paths) != 1:
        raise ImproperlyConfigured(
            f"Exactly one installed app must declare an access layer; found {paths or 'none'}."
        )
    return import_module(paths[0])
