"""The rules of the cooperatives' capacity plans (seed 001): a plan is drawn up for a
cooperative of the province, with its action plan's lines due within the plan's period; a
change of period that would leave lines outside it is refused line by line; the follow-up
sheet saves every line's progress at once, or none.

Every caller (the pages, the admin, the demo, imports) goes through these; the models hold
the rules on one record (`CapacityPlan.clean`, `PlanActivity.clean`), these the rules across
records and who may write.
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from projects.models import CapacityPlan, PlanActivity
from provinces.access import Perm, perms_in
from provinces.models import Province, Stakeholder
from targa.core.models import User
from targa.core.records import (
    Created,
    LineErrors,
    check_sheet_versions,
    record_create,
    record_update,
)


def _require(by: User, perm: Perm, province) -> None:
    if perm not in perms_in(by, province):
        raise PermissionDenied


@dataclass
class ActivityLine:
    """A line of an action plan to record with its plan: the activity (its plan is set by
    the service) and the stakeholders who take part."""

    activity: PlanActivity
    stakeholders: Sequence[Stakeholder] = field(default_factory=list)


def _check_province(plan: CapacityPlan, province: Province | None) -> None:
    if province is not None and plan.structure_id and plan.structure.province_id != province.pk:
        raise ValidationError({"structure": _("Choose a cooperative of the province.")})


@transaction.atomic
def plan_create(
    *,
    plan: CapacityPlan,
    by: User,
    activities: Iterable[ActivityLine] = (),
    province: Province | None = None,
    submission_id: uuid.UUID | None = None,
) -> Created:
    """Record a cooperative's capacity plan and, at once, the lines of its action plan
    (field agents and coordinators of the cooperative's province; `province`, when given, is
    the one the plan is drawn up in: the cooperative must be of it).

    The plan's rules are the model's (a cooperative, not another kind of structure; one plan
    per cooperative; a bounded period long enough for its workshops; at least one need). A
    line that breaks its rules (a deadline outside the period…) is refused with the others,
    keyed by its place in `activities` (LineErrors), and nothing is written."""
    _check_province(plan, province)
    if plan.structure_id:
        _require(by, Perm.CHANGE, plan.structure.province)
    created = record_create(instance=plan, by=by, submission_id=submission_id)
    if not created.created:
        return created
    errors = {}
    for i, line in enumerate(activities):
        line.activity.plan = created.instance
        try:
            with transaction.atomic():
                record_create(
                    instance=line.activity, by=by, m2m={"stakeholders": list(line.stakeholders)}
                )
        except ValidationError as error:
            errors[i] = error
    if errors:
        raise LineErrors(errors)  # the whole plan is one transaction: nothing is kept
    return created


def _lines_outside(plan: CapacityPlan) -> dict[int, ValidationError]:
    """The plan's lines whose deadline falls outside its (new) period, by id (one query)."""
    outside = (
        PlanActivity.objects.filter(plan_id=plan.pk)
        .exclude(deadline__range=(plan.starts_on, plan.ends_on))
        .order_by("deadline", "id")
    )
    return {
        line.pk: ValidationError(
            {
                "deadline": _(
                    "“%(activity)s” is due on %(day)s, outside the new period: move its "
                    "deadline first, or choose a period that holds it."
                )
                % {
                    "activity": line.activity,
                    "day": formats.date_format(line.deadline, "SHORT_DATE_FORMAT"),
                }
            }
        )
        for line in outside
    }


@transaction.atomic
def plan_update(*, plan: CapacityPlan, by: User, expected_version: int) -> CapacityPlan:
    """Save a plan opened at `expected_version` (EditConflict if someone saved it in between):
    its needs, training plan, period and rhythm. A period that would leave lines of the
    action plan outside it is refused, each such line named (LineErrors by line id)."""
    _require(by, Perm.CHANGE, plan.structure.province)
    before = CapacityPlan.objects.only("structure_id").get(pk=plan.pk)
    if before.structure_id != plan.structure_id:
        raise ValidationError({"structure": _("A plan stays with its cooperative.")})
    if plan.starts_on and plan.ends_on:
        outside = _lines_outside(plan)
        if outside:
            raise LineErrors(outside)
    return record_update(instance=plan, expected_version=expected_version, by=by)


@transaction.atomic
def activity_create(
    *,
    activity: PlanActivity,
    by: User,
    stakeholders: Iterable[Stakeholder] = (),
    submission_id: uuid.UUID | None = None,
) -> Created:
    """Add a line to a plan's action plan: its deadline within the plan's period, its
    stakeholders of the cooperative's province (the model's rules)."""
    _require(by, Perm.CHANGE, activity.plan.structure.province)
    return record_create(
        instance=activity,
        by=by,
        submission_id=submission_id,
        m2m={"stakeholders": list(stakeholders)},
    )


@transaction.atomic
def activity_update(
    *,
    activity: PlanActivity,
    by: User,
    expected_version: int,
    stakeholders: Iterable[Stakeholder] | None = None,
) -> PlanActivity:
    """Save a line opened at `expected_version` (EditConflict if someone saved it since)."""
    _require(by, Perm.CHANGE, activity.plan.structure.province)
    m2m = None if stakeholders is None else {"stakeholders": list(stakeholders)}
    return record_update(instance=activity, expected_version=expected_version, by=by, m2m=m2m)


@dataclass(frozen=True)
class Progress:
    """How far a line got, as the follow-up sheet records it."""

    status: str
    achieved: Decimal | None = None


@transaction.atomic
def plan_record_progress(
    *,
    plan: CapacityPlan,
    rows: dict[int, Progress],
    by: User,
    versions_opened: dict[int, int] | None = None,
) -> int:
    """Record the progress of a plan's lines at once (the remote follow-up's sheet): each
    line's status and what was achieved. `versions_opened` (line id → its version when the
    sheet was opened) refuses a stale sheet with EditConflict; a line refused by its rules
    (something achieved without a target…) is named with the others (LineErrors by line id)
    and nothing is kept. Returns how many lines changed."""
    _require(by, Perm.CHANGE, plan.structure.province)
    existing = {
        line.pk: line for line in PlanActivity.objects.select_for_update().filter(plan=plan)
    }
    if set(rows) - set(existing):
        raise ValidationError(_("Some lines are not of this plan: reload the page."))
    check_sheet_versions(
        existing=existing,
        opened=versions_opened,
        history=PlanActivity.history.filter(plan_id=plan.pk),
        key="id",
    )
    changed, refused = 0, {}
    for pk, row in rows.items():
        line = existing[pk]
        if (line.status, line.achieved) == (row.status, row.achieved):
            continue
        line.status, line.achieved = row.status, row.achieved
        line.plan = plan
        try:
            with transaction.atomic():
                record_update(instance=line, expected_version=line.version, by=by)
        except ValidationError as error:
            refused[pk] = error
            continue
        changed += 1
    if refused:
        raise LineErrors(refused)
    return changed
