"""The rules of the project holders' pipeline: recording holders, structures and projects, and
moving a project through the stages (the workflow kit underneath), each move kept as a step.

Every caller (the pages, the board, the admin, imports, the demo) goes through these, so a
hand-made POST meets the same rules as the board's drag: one stage at a time, forward or back
one, dropped with a reason from any stage, resumed where it was dropped.
"""

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from projects.models import (
    Decision,
    DropReason,
    Holder,
    PipelineStage,
    Project,
    ProjectStep,
    Session,
    Stage,
    Visit,
    stage_order,
)
from provinces.access import Perm, perms_in
from targa.core.models import User
from targa.core.records import Created, EditConflict, record_create, record_update
from targa.core.workflow import transition_run


def _require(by: User, perm: Perm, province) -> None:
    if perm not in perms_in(by, province):
        raise PermissionDenied


@transaction.atomic
def holder_create(*, holder: Holder, by: User, submission_id: uuid.UUID | None = None) -> Created:
    """Record a holder (field agents and coordinators of the province): the model checks the
    CIN (format, not another holder's), the age, the consent's date, the commune."""
    _require(by, Perm.CHANGE, holder.province)
    return record_create(instance=holder, by=by, submission_id=submission_id)


@transaction.atomic
def project_create(
    *,
    project: Project,
    by: User,
    submission_id: uuid.UUID | None = None,
    on: datetime.date | None = None,
) -> Created:
    """Record a project at the pipeline's first stage (received on `on`, today by default);
    its path starts with that step."""
    _require(by, Perm.CHANGE, project.province)
    first = stage_order()[0]
    project.stage = first
    project.stage_since = on or timezone.localdate()
    created = record_create(instance=project, by=by, submission_id=submission_id)
    if created.created:
        ProjectStep.objects.create(
            project=created.instance, from_stage="", to_stage=first, on=project.stage_since, by=by
        )
    return created


def stage_names() -> dict[str, str]:
    """Every stage's name as the administrators set it, in the active language (one query)."""
    names = {s.key: s.name for s in PipelineStage.objects.all()}
    return {key: names.get(key) or str(label) for key, label in Stage.choices}


def stage_name(key: str) -> str:
    return stage_names().get(key, key)


def allowed_moves(project: Project) -> list[str]:
    """The stages `project` may go to from where it is: the next one, the one before, dropped;
    from dropped, back where it was dropped."""
    if project.stage == Stage.DROPPED:
        return [project.dropped_from or stage_order()[0]]
    if project.stage == Stage.GRADUATED:
        return []
    order = stage_order()
    index = order.index(project.stage)
    moves = [order[index + 1]]
    if index > 0:
        moves.append(order[index - 1])
    return [*moves, Stage.DROPPED]


def _transition_to(project: Project, target: str) -> str:
    """Which move takes `project` to `target`, or a clear refusal naming the allowed ones."""
    if project.stage == target:
        raise ValidationError(_("The project is already at this stage."))
    allowed = allowed_moves(project)
    if target not in allowed:
        if not allowed:
            raise ValidationError(_("A graduated project moves no more."))
        names = stage_names()
        raise ValidationError(
            _("A project moves one stage at a time: from “%(here)s” it can go to %(to)s.")
            % {
                "here": names[project.stage],
                "to": ", ".join(_("“%(stage)s”") % {"stage": names[s]} for s in allowed),
            }
        )
    if project.stage == Stage.DROPPED:
        return "resume"
    if target == Stage.DROPPED:
        return "drop"
    order = stage_order()
    return "advance" if order.index(target) > order.index(project.stage) else "send_back"


@transaction.atomic
def project_move(
    *,
    project: Project,
    to: str,
    by: User,
    expected_version: int,
    on: datetime.date | None = None,
    decision: str = "",
    comment: str = "",
    reason: str = "",
) -> Project:
    """Move a project to the stage `to`, decided on `on` (today by default; not after today,
    not before its last step), with the committee's decision and a comment: one stage at a
    time, or dropped with `reason`. Refusals are ValidationErrors in the user's language; a
    stale board (someone moved the card since) is an EditConflict."""
    if expected_version != project.version:  # moved since the page was opened: say so first
        raise EditConflict(current=project)
    if to not in Stage.values:
        raise ValidationError(_("This stage does not exist."))
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose a decision from the list.")})
    if to == Stage.DROPPED and reason not in DropReason.values:
        raise ValidationError({"reason": _("Choose why the project is dropped.")})
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": _("A move cannot be dated after today.")})
    last = project.steps.order_by("-on").values_list("on", flat=True).first()
    if last is not None and on < last:
        raise ValidationError(
            {"on": _("The project's last step is of %(day)s: a move cannot be dated before it.")
             % {"day": formats.date_format(last, "SHORT_DATE_FORMAT")}}
        )  # fmt: skip
    before = project.stage
    name = _transition_to(project, to)
    params = {"on": on, "decision": decision}
    if name == "drop":
        params["reason"] = reason
    moved = transition_run(
        instance=project,
        name=name,
        by=by,
        expected_version=expected_version,
        comment=comment,
        params=params,
    )
    ProjectStep.objects.create(
        project=moved,
        from_stage=before,
        to_stage=moved.stage,
        on=on,
        decision=decision,
        comment=(comment or "").strip(),
        by=by,
    )
    return moved


# Accompaniment -------------------------------------------------------------------------------


def _present(holders, structures) -> dict:
    return {"holders": list(holders), "structures": list(structures)}


@transaction.atomic
def session_create(
    *,
    session: Session,
    holders=(),
    structures=(),
    by: User,
    submission_id: uuid.UUID | None = None,
) -> Created:
    """Record a session of the province with the holders and structures present (field
    agents and coordinators of the province). Those present are of the session's province,
    or nothing is written (`Session.check_write`)."""
    _require(by, Perm.CHANGE, session.province)
    return record_create(
        instance=session,
        by=by,
        submission_id=submission_id,
        m2m=_present(holders, structures),
    )


@transaction.atomic
def session_update(
    *,
    session: Session,
    holders,
    structures,
    by: User,
    expected_version: int,
) -> Session:
    """Save a session opened at `expected_version` with who was present (the same rules as
    `session_create`); EditConflict if someone saved it in between."""
    _require(by, Perm.CHANGE, session.province)
    return record_update(
        instance=session,
        expected_version=expected_version,
        by=by,
        m2m=_present(holders, structures),
    )


@transaction.atomic
def visit_create(*, visit: Visit, by: User, submission_id: uuid.UUID | None = None) -> Created:
    """Record a post-creation visit to a project: the model refuses a project that is not
    created, followed up or graduated, a visit before its creation and a next visit that is
    not after this one."""
    _require(by, Perm.CHANGE, visit.project.province)
    return record_create(instance=visit, by=by, submission_id=submission_id)
