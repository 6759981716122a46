"""Every URL of the project, each role, the expected answer, on objects of province A.

A URL pattern that is not declared here fails `test_every_url_pattern_is_declared`: adding a
page means saying who may open it.

The six users are made once for the module (`world`, see conftest); each case builds its
objects once and asks every role in turn, each request in a savepoint rolled back after it,
so a POST by one role never changes what the next one sees. PDFs are laid out but not
written: a status is the point here (the PDFs themselves are tested with their pages).
"""

import pytest
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from provinces.models import Role
from targa.core.models import Job
from tests import (
    matrix_cpde,
    matrix_programme,
    matrix_projects,
    matrix_provinces,
    matrix_vc_deliverable,
    matrix_vc_diagnostic,
    matrix_vc_selection,
)
from tests.conftest import client_for
from tests.factories import JobFactory, MembershipFactory, UserFactory
from tests.matrix_support import (
    ADMIN_LOGIN,
    ADMIN_ONLY,
    LOGIN,
    ROLES,
    Case,
    everyone,
    scoped,
    validate,
)

APP_MATRICES = [
    matrix_provinces.MATRIX,
    matrix_programme.MATRIX,
    matrix_cpde.MATRIX,
    matrix_vc_selection.MATRIX,
    matrix_vc_diagnostic.MATRIX,
    matrix_vc_deliverable.MATRIX,
    matrix_projects.MATRIX,
]


def _a(ctx):
    return {"code": ctx["province_a"].code}


def _user(ctx):
    return {"pk": ctx["users"]["agent_a"].pk}


def _reset_link(token=None):
    """A password reset link of someone who is none of the roles (a role's login would void
    it): a good one opens the form through a redirect that hides the token, a wrong one says
    the link does not work."""

    def make(ctx):
        member = UserFactory()
        return {
            "uidb64": urlsafe_base64_encode(force_bytes(member.pk)),
            "token": token or default_token_generator.make_token(member),
        }

    return make


def _fresh_membership(ctx):
    membership = MembershipFactory(user=UserFactory(), province=ctx["province_a"], role=Role.VIEWER)
    return {"pk": membership.pk}


def _job(state="queued"):
    def make(ctx):
        job = JobFactory(
            owner=ctx["users"]["agent_a"],
            scope_code=ctx["province_a"].code,
            state=state,
            filename="export.csv",
            content_type="text/csv",
            content=b"a,b\n" if state == Job.State.DONE else None,
        )
        return {"pk": job.pk}

    return make


# A job is its owner's alone (agent A asked for it): anyone else gets the 404 of a missing one.
OWNER_ONLY = {"anonymous": LOGIN, "agent_a": 200} | {r: 404 for r in ROLES[2:]}


def _import_run(ctx):
    """A spreadsheet uploaded by province A's coordinator (its preview not run)."""
    from targa.core.models import ImportRun

    if "import_run" not in ctx:
        ctx["import_run"] = ImportRun.objects.create(
            kind="projects.holders",
            scope_code=ctx["province_a"].code,
            owner=ctx["users"]["coord_a"],
            filename="porteurs.csv",
            file_type="csv",
            size=10,
            sha256="0" * 64,
            state=ImportRun.State.PREVIEWED,
        )
    return {**_a(ctx), "pk": ctx["import_run"].pk}


MATRIX: dict[str, list[Case]] = {
    "home": [Case(everyone(200))],
    "about": [Case(everyone(200, anonymous=200))],
    "set_language": [
        Case(everyone(302, anonymous=302), method="post", data=lambda ctx: {"language": "ar"})
    ],
    "login": [
        Case({"anonymous": 200} | {r: 302 for r in ROLES[1:]}),
    ],
    "logout": [
        Case(everyone(302), method="post"),
        Case(everyone(405)),
    ],
    "password_change": [Case(everyone(200))],
    "password_change_done": [Case(everyone(200))],
    "password_reset": [
        Case(everyone(200, anonymous=200)),
        Case(
            everyone(302, anonymous=302),
            method="post",
            data=lambda ctx: {"email": ctx["users"]["agent_a"].email},
        ),
    ],
    "password_reset_done": [Case(everyone(200, anonymous=200))],
    "password_reset_confirm": [
        Case(everyone(302, anonymous=302), kwargs=_reset_link()),
        Case(everyone(200, anonymous=200), kwargs=_reset_link("wrong-token")),
    ],
    "password_reset_complete": [Case(everyone(200, anonymous=200))],
    "provinces:list": [Case(everyone(200))],
    "provinces:mine": [Case(everyone(302))],
    "provinces:switch": [
        Case(scoped(302), method="post", data=lambda ctx: {"province": ctx["province_a"].code}),
        Case(everyone(405)),
    ],
    "provinces:programme_create": [Case(ADMIN_ONLY)],
    "provinces:detail": [Case(scoped(), kwargs=_a)],
    "provinces:communes": [Case(scoped(), kwargs=_a)],
    "provinces:programme_edit": [Case(scoped(change={"agent_a": 403, "viewer": 403}), kwargs=_a)],
    "provinces:programme_history": [Case(scoped(), kwargs=_a)],
    "provinces:programme_activation": [
        Case(ADMIN_ONLY, kwargs=_a),
        # Suspending needs a reason: the admin's empty POST is refused on the page (200).
        Case(ADMIN_ONLY, method="post", kwargs=_a, data=lambda ctx: {"reason": ""}),
    ],
    "jobs:detail": [Case(OWNER_ONLY, kwargs=_job())],
    "jobs:download": [Case(OWNER_ONLY, kwargs=_job(Job.State.DONE))],
    "jobs:retry": [
        Case(OWNER_ONLY | {"agent_a": 302}, method="post", kwargs=_job(Job.State.FAILED)),
        Case(everyone(405), kwargs=_job(Job.State.FAILED)),
    ],
    "exports:province": [
        Case(scoped(), kwargs=_a),
        Case(
            scoped(302),
            method="post",
            kwargs=_a,
            data=lambda ctx: {"exporter": "cpde.workbook", "format": "xlsx"},
        ),
    ],
    # Imports: coordinators and administrators of the province.
    "imports:start": [
        Case(validate(), kwargs=lambda ctx: {**_a(ctx), "kind": "projects.holders"}),
        # An upload without a file is refused on the page.
        Case(
            validate(400), method="post", kwargs=lambda ctx: {**_a(ctx), "kind": "projects.holders"}
        ),
    ],
    "imports:template": [
        Case(validate(), kwargs=lambda ctx: {**_a(ctx), "kind": "projects.holders"}),
    ],
    # Someone else of the province sees the run; only the one who uploaded it decides.
    "imports:run": [
        Case(validate(), kwargs=_import_run),
        Case(
            validate(302) | {"admin": 403},
            method="post",
            kwargs=_import_run,
            data=lambda ctx: {"action": "decide"},
        ),
    ],
    # Suggestions of a search field: the province's records, for whoever may open it.
    "choices:suggest": [
        Case(scoped(), kwargs=lambda ctx: {**_a(ctx), "source": "stakeholders"}),
        Case(scoped(), kwargs=lambda ctx: {**_a(ctx), "source": "meetings"}),
    ],
    "users:list": [Case(ADMIN_ONLY)],
    "users:create": [Case(ADMIN_ONLY)],
    "users:detail": [Case(ADMIN_ONLY, kwargs=_user)],
    "users:history": [Case(ADMIN_ONLY, kwargs=_user)],
    "users:unlock": [
        Case(ADMIN_ONLY | {"admin": 302}, method="post", kwargs=_user),
        Case(ADMIN_ONLY | {"admin": 405}, kwargs=_user),
    ],
    "users:membership_history": [Case(ADMIN_ONLY, kwargs=_user)],
    "users:membership_create": [Case(ADMIN_ONLY, kwargs=_user)],
    "users:membership_delete": [
        Case(ADMIN_ONLY | {"admin": 302}, method="post", kwargs=_fresh_membership),
    ],
}

for app_matrix in APP_MATRICES:
    assert not set(app_matrix) & set(MATRIX), "a URL is declared twice"
    MATRIX.update(app_matrix)

# Django's admin is one declared group: staff only, checked on the index and on each model's
# list and add pages.
ADMIN_NAMESPACE = "admin"
ADMIN_EXPECT = {"anonymous": "any-login", "admin": 200} | {r: ADMIN_LOGIN for r in ROLES[1:-1]}


def _walk(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            yield from _walk(p.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}" if p.name else f"{namespace}<unnamed {p.pattern}>"


def project_url_names() -> set[str]:
    return set(_walk(get_resolver().url_patterns))


def test_every_url_pattern_is_declared():
    names = project_url_names()
    undeclared = {n for n in names if n not in MATRIX and not n.startswith(f"{ADMIN_NAMESPACE}:")}
    assert not undeclared, f"URL patterns missing from the permission matrix: {sorted(undeclared)}"
    stale = set(MATRIX) - names
    assert not stale, f"Declared but no longer in the URLconf: {sorted(stale)}"


CASES = [
    pytest.param(name, i, id=f"{name}-{case.method}")
    for name, cases in MATRIX.items()
    for i, case in enumerate(cases)
]


@pytest.fixture
def no_pdf_writing(monkeypatch):
    monkeypatch.setattr("weasyprint.HTML.write_pdf", lambda self, *a, **kw: b"%PDF-1.7 matrix")


def _check(response, expected, role):
    if expected == LOGIN:
        assert response.status_code == 302, (role, response.status_code)
        assert response["Location"].startswith(reverse("login")), response["Location"]
    elif expected == "any-login":  # the admin's own login page or the site's
        assert response.status_code == 302, (role, response.status_code)
        assert response["Location"].startswith((reverse("login"), reverse("admin:login")))
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302, (role, response.status_code)
        assert response["Location"].startswith(reverse("admin:login")), response["Location"]
    else:
        assert response.status_code == expected, (role, response.status_code, expected)


def _answer(response, expected, role) -> str | None:
    """None if the response is the expected one, else what was wrong."""
    try:
        _check(response, expected, role)
        if response.status_code == 404:
            # The friendly page, in French, for an object of another province.
            assert "Page introuvable" in response.content.decode(), "not the friendly 404 page"
    except AssertionError as wrong:
        return f"{role}: {wrong}"
    return None


@pytest.mark.parametrize(("name", "index"), CASES)
def test_permission_matrix(name, index, world, db, no_pdf_writing):
    case = MATRIX[name][index]
    ctx = dict(world)
    url = reverse(name, kwargs=case.kwargs(ctx))
    data = case.data(ctx)
    wrong = []
    for role in ROLES:
        savepoint = transaction.savepoint()
        try:
            response = getattr(client_for(world["users"][role]), case.method)(url, data=data)
            wrong.append(_answer(response, case.expect[role], role))
        finally:
            transaction.savepoint_rollback(savepoint)
    assert not any(wrong), [w for w in wrong if w]


def _admin_urls(admin_user):
    """The index, each model's list, and its add page where the admin offers one (records
    made only by the app, such as background jobs or the status log, have none)."""
    request = RequestFactory().get("/")
    request.user = admin_user
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"{prefix}_add"))
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_admin_site_is_for_staff_only(role, world, db):
    client = client_for(world["users"][role])
    for url in _admin_urls(world["users"]["admin"]):
        _check(client.get(url), ADMIN_EXPECT[role], role)
