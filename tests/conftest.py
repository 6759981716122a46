"""Shared fixtures: real territories from the census, and one user per role.

Province A is Khénifra (05.301), province B is Figuig (02.251); both run the programme.
Every record is set up with the factories of tests/factories.py, through the same services
the app uses, so validation and history are exercised too.

The provinces and the users are made once per test module (`world`), like Django's
`setUpTestData`: in a transaction kept open for the module and rolled back after it; each
test runs in a savepoint inside it, so what one test changes is gone for the next, and the
fixtures hand each test fresh copies of the objects. In a module where any test asks for
them, every test has them, whatever order the tests run in. Larger data that a group of
tests shares is kept the same way for a class (`shared_data`).
"""

from collections import defaultdict
from contextlib import contextmanager
from importlib import import_module

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.utils import translation

from cpde.demo import national_questionnaire
from provinces.models import Province, Role
from provinces.territories import load_territories
from targa.core.models import User
from tests.factories import PROVINCE_A, PROVINCE_B, ProvinceProgrammeFactory, UserFactory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the 1,811 territorial units once for the whole session."""
    with django_db_blocker.unblock():
        load_territories()


def ensure_territories() -> None:
    """Transactional tests (browser journeys) flush the database: put back what the session
    and the migrations loaded (territories, activity categories, the national questionnaire,
    the value chains' sectors and criteria, the pipeline's stages), so the tests after them
    find the database as the others do."""
    if not Province.objects.exists():
        load_territories()
    from django.apps import apps

    if not apps.get_model("provinces", "ActivityCategory").objects.exists():
        import_module("provinces.migrations.0005_activity_categories").load(apps, None)
    national_questionnaire()
    if not apps.get_model("valuechains", "Criterion").objects.exists():
        import_module("valuechains.migrations.0002_reference_data").create(apps, None)
    if not apps.get_model("projects", "PipelineStage").objects.exists():
        import_module("projects.migrations.0002_pipeline_stages").create(apps, None)


def is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return (marker is not None and bool(marker.kwargs.get("transaction"))) or bool(
        {"transactional_db", "live_server"} & set(item.fixturenames)
    )


_blocker = []


def pytest_configure(config):
    """The demo's project holders: a dozen a province in the tests that seed the demo (the
    browser journeys, the pages checked), not the 250 a newcomer gets; the demo's own test
    asks for the full size."""
    settings.DEMO_HOLDERS_PER_PROVINCE = 12


@pytest.fixture(scope="session", autouse=True)
def _keep_the_db_blocker(django_db_blocker):
    _blocker.append(django_db_blocker)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test has flushed the database (in its own teardown), restore the
    reference data at once, before any later test of this worker runs."""
    result = yield
    # After the last test the session's fixtures are gone, the test database with them.
    if nextitem is not None and is_transactional(item) and _blocker:
        with _blocker[0].unblock():
            ensure_territories()
    return result


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language: a request in Arabic leaves the thread's
    language active (LocaleMiddleware activates, nothing deactivates), and a service's message
    read after it would come out in Arabic."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@contextmanager
def shared_data(django_db_blocker):
    """Data made once for the tests of a module or a class: inside a transaction rolled back
    when they are done (a savepoint when another such block is already open)."""
    with django_db_blocker.unblock():
        block = transaction.atomic()
        block.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)


def pytest_collection_modifyitems(items):
    """Note the modules whose tests use the world. A test that commits (transactional: browser
    journeys, a real worker process) would run inside the world's open transaction: it needs
    a module of its own."""
    kinds = defaultdict(set)
    for item in items:
        if is_transactional(item):
            kinds[item.module].add("transactional")
        if "world" in item.fixturenames:
            kinds[item.module].add("world")
            item.module.uses_world = True
    mixed = sorted(m.__name__ for m, k in kinds.items() if k == {"transactional", "world"})
    if mixed:
        raise pytest.UsageError(
            f"Transactional tests share a module with tests of the module's world: {mixed}"
        )


def programme_province(code: str) -> Province:
    """A province that runs the programme, set up by no one (as the demo seed does)."""
    province = Province.objects.get(code=code)
    ProvinceProgrammeFactory(province=province, by=None)
    return province


def role_users(province_a: Province, province_b: Province) -> dict[str, User | None]:
    """One user per role of the permission matrix (anonymous is None)."""
    return {
        "anonymous": None,
        "agent_a": UserFactory(username="agent.a", role=Role.FIELD_AGENT, provinces=[province_a]),
        "coord_a": UserFactory(username="coord.a", role=Role.COORDINATOR, provinces=[province_a]),
        "agent_b": UserFactory(username="agent.b", role=Role.FIELD_AGENT, provinces=[province_b]),
        "viewer": UserFactory(username="viewer.national", role=Role.VIEWER),
        "admin": UserFactory(username="admin.national", role=Role.ADMIN),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Provinces A and B with the programme, and one user per role, made once per module."""
    with shared_data(django_db_blocker):
        ensure_territories()
        province_a = programme_province(PROVINCE_A)
        province_b = programme_province(PROVINCE_B)
        yield {
            "province_a": province_a,
            "province_b": province_b,
            "users": role_users(province_a, province_b),
        }


@pytest.fixture(scope="module", autouse=True)
def whole_module_world(request):
    """The world from the module's first test on, so that no test sees it or not depending on
    the order the tests run in."""
    if getattr(request.module, "uses_world", False):
        request.getfixturevalue("world")


@pytest.fixture
def province_a(db, world) -> Province:
    return Province.objects.get(pk=world["province_a"].pk)


@pytest.fixture
def province_b(db, world) -> Province:
    return Province.objects.get(pk=world["province_b"].pk)


@pytest.fixture
def users(db, world) -> dict[str, User | None]:
    """The world's users, fresh for each test."""
    made = world["users"]
    fresh = User.objects.in_bulk([user.pk for user in made.values() if user is not None])
    return {role: user and fresh[user.pk] for role, user in made.items()}


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
