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


# Structures and the cooperatives' capacity plans: a draft plan with a line of its action plan.

from tests.factories import (  # noqa: E402
    CapacityPlanFactory,
    CooperativeFactory,
    PlanActivityFactory,
    StructureFactory,
)


def cooperative(ctx):
    return _once(ctx, "cooperative", lambda: CooperativeFactory(province=ctx["province_a"]))


def plan(ctx):
    return _once(ctx, "plan", lambda: CapacityPlanFactory(structure=cooperative(ctx)))


def plan_line(ctx):
    return _once(ctx, "plan_line", lambda: PlanActivityFactory(plan=plan(ctx)))


def _structure(ctx):
    return {"code": ctx["province_a"].code, "pk": cooperative(ctx).pk}


def _bare_structure(ctx):
    """A structure without plan nor project, so that its deletion goes through."""
    made = _once(ctx, "bare_structure", lambda: StructureFactory(province=ctx["province_a"]))
    return {"code": ctx["province_a"].code, "pk": made.pk}


def _plan(ctx):
    plan_line(ctx)  # validating it needs a line
    return {"code": ctx["province_a"].code, "pk": plan(ctx).pk}


def _plan_parent(ctx):
    return {"code": ctx["province_a"].code, "parent_pk": plan(ctx).pk}


def _plan_line(ctx):
    return {**_plan_parent(ctx), "pk": plan_line(ctx).pk}


def _validate(ctx):
    return {"name": "validate", "version": plan(ctx).version}


def _progress(ctx):
    line = plan_line(ctx)
    return {
        "opened_versions": f"{line.pk}:{line.version}",
        f"status_{line.pk}": "in_progress",
        f"achieved_{line.pk}": "",
    }


MATRIX |= {
    "projects:structure_list": [Case(scoped(), kwargs=_code)],
    "projects:structure_create": [Case(change(), kwargs=_code)],
    "projects:structure_detail": [Case(scoped(), kwargs=_structure)],
    "projects:structure_edit": [Case(change(), kwargs=_structure)],
    "projects:structure_delete": [
        Case(validate(), kwargs=_bare_structure),
        Case(validate(302), method="post", kwargs=_bare_structure),
    ],
    "projects:structure_history": [Case(scoped(), kwargs=_structure)],
    "projects:plan_list": [Case(scoped(), kwargs=_code)],
    "projects:plan_create": [Case(change(), kwargs=_code)],
    "projects:plan_detail": [Case(scoped(), kwargs=_plan)],
    "projects:plan_edit": [Case(change(), kwargs=_plan)],
    "projects:plan_delete": [
        Case(validate(), kwargs=_plan),
        Case(validate(302), method="post", kwargs=_plan),
    ],
    "projects:plan_history": [Case(scoped(), kwargs=_plan)],
    # A transition is a POST; validating is the coordinator's.
    "projects:plan_transition": [
        Case(validate(302), method="post", kwargs=_plan, data=_validate),
        Case(scoped(405), kwargs=_plan),
    ],
    # Whoever may see the plan prepares its PDF (the answer: the redirect to the job's page).
    "projects:plan_pdf": [
        Case(scoped(302), method="post", kwargs=_plan, data=lambda ctx: {"lang": "ar"}),
        Case(scoped(405), kwargs=_plan),
    ],
    "projects:plan_progress": [
        Case(change(), kwargs=_plan),
        Case(change(302), method="post", kwargs=_plan, data=_progress),
    ],
    "projects:plan_activity_create": [Case(change(), kwargs=_plan_parent)],
    "projects:plan_activity_edit": [Case(change(), kwargs=_plan_line)],
    "projects:plan_activity_delete": [
        Case(validate(), kwargs=_plan_line),
        Case(validate(302), method="post", kwargs=_plan_line),
    ],
    "projects:plan_activity_history": [Case(scoped(), kwargs=_plan_line)],
}
