"""Demo users and programme provinces; each app adds its own demo records in `<app>/demo.py`."""

import datetime
import importlib
from dataclasses import dataclass

from django.db import transaction

from provinces.models import Membership, Province, ProvinceProgramme, Role
from provinces.territories import load_territories
from targa.models import User

DEMO_PASSWORD = "targa-demo-2026"

# The five provinces of the TARGA-AIDE framework convention signed on 5 February 2021.
PROGRAMME_PROVINCES = {
    "02.251": "Figuig",
    "03.131": "Boulemane",
    "01.405": "Ouezzane",
    "05.301": "Khénifra",
    "06.467": "Sidi Bennour",
}
CONVENTION_DATE = datetime.date(2021, 2, 5)


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    provinces: tuple[str, ...]  # HCP codes; empty means all provinces
    label: str


DEMO_USERS = [
    DemoUser("admin", "Samira", "Alaoui", Role.ADMIN, (), "administrator, all provinces"),
    DemoUser(
        "coord.khenifra",
        "Youssef",
        "Amrani",
        Role.COORDINATOR,
        ("05.301", "03.131"),
        "coordinator, Khénifra and Boulemane",
    ),
    DemoUser(
        "agent.khenifra", "Fatima", "Ouhadi", Role.FIELD_AGENT, ("05.301",), "field agent, Khénifra"
    ),
    DemoUser(
        "agent.figuig", "Karim", "Benali", Role.FIELD_AGENT, ("02.251",), "field agent, Figuig"
    ),
    DemoUser("viewer.national", "Nadia", "Berrada", Role.VIEWER, (), "viewer, all provinces"),
]

# Apps that add demo records of their own, each with a `seed(*, stdout)` in `<app>/demo.py`.
DEMO_APPS = ["provinces", "cpde", "valuechains", "projects", "reports"]


@transaction.atomic
def seed_programme_provinces() -> list[ProvinceProgramme]:
    programmes = []
    for code in PROGRAMME_PROVINCES:
        province = Province.objects.get(code=code)
        programme, _ = ProvinceProgramme.objects.get_or_create(
            province=province,
            defaults={
                "is_active": True,
                "started_on": CONVENTION_DATE,
                "operator": "TARGA-AIDE",
                "notes": "Convention-cadre TARGA-AIDE / Coordination nationale de l'INDH.",
            },
        )
        programmes.append(programme)
    return programmes


@transaction.atomic
def seed_users() -> list[tuple[DemoUser, User]]:
    out = []
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "email": f"{demo.username}@demo.targa.ma",
            },
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save()
        if demo.provinces:
            for code in demo.provinces:
                Membership.objects.get_or_create(
                    user=user,
                    province=Province.objects.get(code=code),
                    defaults={"role": demo.role},
                )
        else:
            Membership.objects.get_or_create(user=user, province=None, defaults={"role": demo.role})
        out.append((demo, user))
    return out


def seed_demo(*, stdout=None) -> list[tuple[DemoUser, User]]:
    """Everything a newcomer needs to try Targa. Safe to run again: nothing is duplicated."""
    if not Province.objects.exists():
        load_territories()
    seed_programme_provinces()
    users = seed_users()
    for app in DEMO_APPS:
        try:
            module = importlib.import_module(f"{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.demo":
                raise
            continue
        module.seed(stdout=stdout)
    return users
