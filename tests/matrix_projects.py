"""Permission matrix of the project holders' pages (see tests/matrix_support.py)."""

from tests.factories import (
    CreatedProjectFactory,
    HolderFactory,
    ProjectFactory,
    SessionFactory,
    VisitFactory,
)
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


def _board_move(ctx):
    return {"project": project(ctx).pk, "to": "eligibility", "version": project(ctx).version}


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
    "projects:board": [Case(scoped(), kwargs=_code)],
    # A move that reaches the service (a second one is refused with a message: a redirect too).
    "projects:board_move": [
        Case(change(302), method="post", kwargs=_code, data=_board_move),
        Case(change(405), kwargs=_code),
    ],
    "projects:funnel": [Case(scoped(), kwargs=_code)],
    "projects:project_move": [
        Case(change(302), method="post", kwargs=_project, data=_next_stage),
        Case(change(405), kwargs=_project),
    ],
}


# Accompaniment: a province's sessions; a created project's post-creation visits.


def session(ctx):
    return _once(
        ctx,
        "session",
        lambda: SessionFactory(province=ctx["province_a"], holders=[holder(ctx)]),
    )


def _session(ctx):
    return {"code": ctx["province_a"].code, "pk": session(ctx).pk}


def created_project(ctx):
    return _once(ctx, "created_project", lambda: CreatedProjectFactory(province=ctx["province_a"]))


def visit(ctx):
    return _once(ctx, "visit", lambda: VisitFactory(project=created_project(ctx)))


def _created_project(ctx):
    return {"code": ctx["province_a"].code, "parent_pk": created_project(ctx).pk}


def _visit(ctx):
    return {**_created_project(ctx), "pk": visit(ctx).pk}


MATRIX |= {
    "projects:session_list": [Case(scoped(), kwargs=_code)],
    "projects:session_create": [Case(change(), kwargs=_code)],
    "projects:session_detail": [Case(scoped(), kwargs=_session)],
    "projects:session_edit": [Case(change(), kwargs=_session)],
    "projects:session_delete": [
        Case(validate(), kwargs=_session),
        Case(validate(302), method="post", kwargs=_session),
    ],
    "projects:session_history": [Case(scoped(), kwargs=_session)],
    "projects:visit_create": [Case(change(), kwargs=_created_project)],
    "projects:visit_detail": [Case(scoped(), kwargs=_visit)],
    "projects:visit_edit": [Case(change(), kwargs=_visit)],
    "projects:visit_delete": [
        Case(validate(), kwargs=_visit),
        Case(validate(302), method="post", kwargs=_visit),
    ],
    "projects:visit_history": [Case(scoped(), kwargs=_visit)],
}
