"""Permission matrix of the project holders' pages (see tests/matrix_support.py)."""

from tests.factories import HolderFactory, ProjectFactory
from tests.matrix_support import Case, change, scoped, validate


def _once(ctx, key, make):
    if key not in ctx:
        ctx[key] = make()
    return ctx[key]


def holder(ctx):
    return _once(ctx, "holder", lambda: HolderFactory(province=ctx["province_a"]))


def project(ctx):
    return _once(ctx, "project", lambda: ProjectFactory(province=ctx["province_a"]))


def _code(ctx):
    return {"code": ctx["province_a"].code}


def _holder(ctx):
    return {"code": ctx["province_a"].code, "pk": holder(ctx).pk}


def _bare_holder(ctx):
    """A holder with no project, so that its deletion goes through."""
    made = _once(ctx, "bare_holder", lambda: HolderFactory(province=ctx["province_a"]))
    return {"code": ctx["province_a"].code, "pk": made.pk}


def _project(ctx):
    return {"code": ctx["province_a"].code, "pk": project(ctx).pk}


def _next_stage(ctx):
    """The move to the next stage (a second one is refused with a message: still a redirect)."""
    return {"to": "eligibility", "version": project(ctx).version}


MATRIX = {
    "projects:holder_list": [Case(scoped(), kwargs=_code)],
    "projects:holder_create": [Case(change(), kwargs=_code)],
    "projects:holder_detail": [Case(scoped(), kwargs=_holder)],
    "projects:holder_edit": [Case(change(), kwargs=_holder)],
    "projects:holder_delete": [
        Case(validate(), kwargs=_bare_holder),
        Case(validate(302), method="post", kwargs=_bare_holder),
    ],
    # The history shows the personal data as it was: those who record it only.
    "projects:holder_history": [Case(change(), kwargs=_holder)],
    "projects:project_list": [Case(scoped(), kwargs=_code)],
    "projects:project_create": [Case(change(), kwargs=_code)],
    "projects:project_detail": [Case(scoped(), kwargs=_project)],
    "projects:project_edit": [Case(change(), kwargs=_project)],
    "projects:project_delete": [Case(validate(), kwargs=_project)],
    "projects:project_history": [Case(scoped(), kwargs=_project)],
    "projects:project_move": [
        Case(change(302), method="post", kwargs=_project, data=_next_stage),
        Case(change(405), kwargs=_project),
    ],
}
