"""Building blocks of the permission matrix (tests/test_permission_matrix.py).

Each app declares its URLs in its own `tests/matrix_<app>.py` as a `MATRIX` dict: URL name →
list of `Case`. `kwargs(ctx)` builds the URL's arguments from `ctx` (users, province_a) and
may create the province-A objects it needs.
"""

from collections.abc import Callable
from dataclasses import dataclass

ROLES = ["anonymous", "agent_a", "coord_a", "agent_b", "viewer", "admin"]
LOGIN = "login"  # a redirect to the login page
ADMIN_LOGIN = "admin-login"  # a redirect to the admin's login page


def everyone(status, anonymous=LOGIN):
    return {"anonymous": anonymous} | {role: status for role in ROLES[1:]}


def scoped(view=200, change=None):
    """Province-A object: B's agent gets 404; `change` applies to roles that can't change."""
    return {
        "anonymous": LOGIN,
        "agent_a": view,
        "coord_a": view,
        "agent_b": 404,
        "viewer": view,
        "admin": view,
    } | (change or {})


ADMIN_ONLY = {"anonymous": LOGIN, "admin": 200} | {r: 403 for r in ROLES[1:-1]}


def change(ok=200):
    """A province-A page that needs the CHANGE perm (field agents, coordinators, admins)."""
    return scoped(ok, change={"viewer": 403})


def validate(ok=200):
    """A province-A page that needs the VALIDATE perm (coordinators and admins)."""
    return scoped(ok, change={"viewer": 403, "agent_a": 403})


@dataclass
class Case:
    expect: dict[str, object]
    method: str = "get"
    kwargs: Callable[[dict], dict] = lambda ctx: {}
    data: Callable[[dict], dict] = lambda ctx: {}
