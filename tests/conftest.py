"""Shared fixtures: real territories from the census, and one user per role.

Province A is Khénifra (05.301), province B is Figuig (02.251); both run the programme.
Users are set up through the same code paths the app uses, so history is exercised too.
"""

import pytest
from django.test import Client

from provinces.models import Membership, Province, ProvinceProgramme, Role
from provinces.territories import load_territories
from targa.core.models import User

PROVINCE_A = "05.301"
PROVINCE_B = "02.251"
PASSWORD = "correct-horse-battery-42"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the 1,811 territorial units once for the whole session."""
    with django_db_blocker.unblock():
        load_territories()


def ensure_territories() -> None:
    """Transactional tests (browser journeys) flush the database; load territories again."""
    if not Province.objects.exists():
        load_territories()


def make_user(username: str, role: str | None = None, *provinces: Province, **extra) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        email=f"{username}@example.org",
        first_name=extra.pop("first_name", username.split(".")[0].capitalize()),
        **extra,
    )
    if role:
        for province in provinces or (None,):
            Membership.objects.create(user=user, province=province, role=role)
    return user


@pytest.fixture
def province_a(db) -> Province:
    province = Province.objects.get(code=PROVINCE_A)
    ProvinceProgramme.objects.get_or_create(province=province, defaults={"operator": "TARGA-AIDE"})
    return province


@pytest.fixture
def province_b(db) -> Province:
    province = Province.objects.get(code=PROVINCE_B)
    ProvinceProgramme.objects.get_or_create(province=province, defaults={"operator": "TARGA-AIDE"})
    return province


@pytest.fixture
def users(province_a, province_b) -> dict[str, User | None]:
    """One user per role of the permission matrix (anonymous is None)."""
    return {
        "anonymous": None,
        "agent_a": make_user("agent.a", Role.FIELD_AGENT, province_a),
        "coord_a": make_user("coord.a", Role.COORDINATOR, province_a),
        "agent_b": make_user("agent.b", Role.FIELD_AGENT, province_b),
        "viewer": make_user("viewer.national", Role.VIEWER),
        "admin": make_user("admin.national", Role.ADMIN),
    }


def client_for(user: User | None, language: str = "fr") -> Client:
    client = Client()
    client.cookies["targa_language"] = language
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def clients(users) -> dict[str, Client]:
    return {role: client_for(user) for role, user in users.items()}


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded files go to a temporary folder, never into the project."""
    settings.MEDIA_ROOT = tmp_path / "media"
