"""Permission matrix of the programme pages (see tests/matrix_support.py): the framework
convention (national), execution contracts, the chronogram, field visits and their actions."""

from provinces.models import (
    Activity,
    ExecutionContract,
    FieldVisit,
    FollowUpAction,
    FrameworkConvention,
)
from tests.factories import (
    ActivityFactory,
    ExecutionContractFactory,
    FieldVisitFactory,
    FollowUpActionFactory,
    FrameworkConventionFactory,
)
from tests.matrix_support import ADMIN_ONLY, Case, change, everyone, scoped, validate

# Only administrators change the convention; B's agent cannot even see it (it covers A only).
MANAGE = scoped(change={"agent_a": 403, "coord_a": 403, "viewer": 403})


def convention(ctx) -> FrameworkConvention:
    if "convention" not in ctx:
        ctx["convention"] = FrameworkConventionFactory(provinces=[ctx["province_a"]])
    return ctx["convention"]


def contract(ctx) -> ExecutionContract:
    return ExecutionContractFactory(
        province=ctx["province_a"], convention=convention(ctx), duration_months=24
    )


def activity(ctx) -> Activity:
    return ActivityFactory(province=ctx["province_a"], title="Formation")


def visit(ctx) -> FieldVisit:
    if "visit" not in ctx:
        ctx["visit"] = FieldVisitFactory(province=ctx["province_a"])
    return ctx["visit"]


def action(ctx) -> FollowUpAction:
    return FollowUpActionFactory(visit=visit(ctx))


def _a(ctx):
    return {"code": ctx["province_a"].code}


def _convention(ctx):
    return {"pk": convention(ctx).pk}


def _contract(ctx):
    return {"code": ctx["province_a"].code, "pk": contract(ctx).pk}


def _activity(ctx):
    return {"code": ctx["province_a"].code, "pk": activity(ctx).pk}


def _visit(ctx):
    return {"code": ctx["province_a"].code, "pk": visit(ctx).pk}


def _action_parent(ctx):
    return {"code": ctx["province_a"].code, "parent_pk": visit(ctx).pk}


def _action(ctx):
    item = action(ctx)
    return {"code": ctx["province_a"].code, "parent_pk": item.visit_id, "pk": item.pk}


def _crud(name, kwargs_list, kwargs_one):
    return {
        f"provinces:{name}_list": [Case(scoped(), kwargs=kwargs_list)],
        f"provinces:{name}_create": [Case(change(), kwargs=kwargs_list)],
        f"provinces:{name}_detail": [Case(scoped(), kwargs=kwargs_one)],
        f"provinces:{name}_edit": [Case(change(), kwargs=kwargs_one)],
        f"provinces:{name}_delete": [
            Case(validate(), kwargs=kwargs_one),
            Case(validate(302), method="post", kwargs=kwargs_one),
        ],
        f"provinces:{name}_history": [Case(scoped(), kwargs=kwargs_one)],
    }


MATRIX = {
    "provinces:convention_list": [Case(everyone(200))],
    "provinces:convention_create": [Case(ADMIN_ONLY)],
    "provinces:convention_detail": [Case(scoped(), kwargs=_convention)],
    "provinces:convention_edit": [Case(MANAGE, kwargs=_convention)],
    "provinces:convention_history": [Case(scoped(), kwargs=_convention)],
    **_crud("contract", _a, _contract),
    **_crud("activity", _a, _activity),
    "provinces:activity_gantt": [Case(scoped(), kwargs=_a)],
    # A transition is a POST; its own permission decides (CHANGE to start, VALIDATE to end).
    "provinces:contract_transition": [
        Case(
            validate(302),
            method="post",
            kwargs=_contract,
            data=lambda ctx: {"name": "terminate", "version": 1, "comment": "Fin anticipée"},
        ),
        Case(scoped(405), kwargs=_contract),
    ],
    "provinces:activity_transition": [
        Case(
            change(302),
            method="post",
            kwargs=_activity,
            data=lambda ctx: {"name": "start", "version": 1},
        ),
        Case(
            validate(302),
            method="post",
            kwargs=_activity,
            data=lambda ctx: {"name": "cancel", "version": 1, "comment": "Reportée"},
        ),
    ],
    **_crud("visit", _a, _visit),
    "provinces:followup_create": [Case(change(), kwargs=_action_parent)],
    "provinces:followup_edit": [Case(change(), kwargs=_action)],
    "provinces:followup_delete": [
        Case(change(), kwargs=_action),
        Case(change(302), method="post", kwargs=_action),
    ],
    "provinces:followup_history": [Case(scoped(), kwargs=_action)],
    "provinces:followup_done": [
        Case(change(302), method="post", kwargs=_action),
        Case(change(405), kwargs=_action),
    ],
    "provinces:followup_reopen": [Case(change(302), method="post", kwargs=_action)],
}
