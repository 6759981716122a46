"""Every URL of the project, each role, the expected answer, on objects of province A.

A URL pattern that is not declared here fails `test_every_url_pattern_is_declared`: adding a
page means saying who may open it.
"""

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from provinces.models import Membership, Role
from tests import matrix_cpde, matrix_programme, matrix_provinces
from tests.conftest import make_user
from tests.matrix_support import ADMIN_LOGIN, ADMIN_ONLY, LOGIN, ROLES, Case, everyone, scoped

APP_MATRICES = [matrix_provinces.MATRIX, matrix_programme.MATRIX, matrix_cpde.MATRIX]


def _a(ctx):
    return {"code": ctx["province_a"].code}


def _user(ctx):
    return {"pk": ctx["users"]["agent_a"].pk}


def _fresh_membership(ctx):
    member = make_user(f"temp.{len(ctx['created'])}")
    ctx["created"].append(member)
    membership = Membership.objects.create(
        user=member, province=ctx["province_a"], role=Role.VIEWER
    )
    return {"pk": membership.pk}


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
    "users:list": [Case(ADMIN_ONLY)],
    "users:create": [Case(ADMIN_ONLY)],
    "users:detail": [Case(ADMIN_ONLY, kwargs=_user)],
    "users:history": [Case(ADMIN_ONLY, kwargs=_user)],
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
    pytest.param(name, i, role, id=f"{name}-{case.method}-{role}")
    for name, cases in MATRIX.items()
    for i, case in enumerate(cases)
    for role in ROLES
]


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


@pytest.mark.parametrize(("name", "index", "role"), CASES)
def test_permission_matrix(name, index, role, clients, users, province_a):
    case = MATRIX[name][index]
    ctx = {"users": users, "province_a": province_a, "created": []}
    url = reverse(name, kwargs=case.kwargs(ctx))
    client = clients[role]
    response = getattr(client, case.method)(url, data=case.data(ctx))
    _check(response, case.expect[role], role)
    if response.status_code == 404:
        # The friendly page, in French, for an object of another province.
        assert "Page introuvable" in response.content.decode()


def _admin_urls():
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        urls.append(reverse(f"{prefix}_add"))
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_admin_site_is_for_staff_only(role, clients):
    for url in _admin_urls():
        _check(clients[role].get(url), ADMIN_EXPECT[role], role)
