"""Every change to value chains: provincial weights, chains and their scores, choosing a chain
for diagnosis, a diagnostic's sections saved one at a time, its workflow (submit, return,
validate, deliver) and a new version of a delivered one.

Each service validates, saves through `targa.core.records` (history, optimistic locking,
idempotent creation) and runs in one transaction: all or nothing. Who may change a
diagnostic's content is the model's rule (`Diagnostic.edit_refusal`), asked again by every
line it writes, so the admin, an import or a job meet it too.
"""

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from provinces.access import Perm, has_perm
from provinces.models import Attachment, Province
from targa.core.models import User
from targa.core.records import (
    Created,
    EditConflict,
    LineErrors,
    check_sheet_versions,
    deleted_record,
    record_create,
    record_delete,
    record_update,
)
from targa.core.workflow import transition_run
from valuechains.models import (
    AdvocacyPoint,
    Bottleneck,
    Chain,
    ChainScore,
    Criterion,
    Diagnostic,
    DiagnosticSection,
    FieldObservation,
    FlagshipAction,
    Indicator,
    Operator,
    Opportunity,
    PlanObjective,
    ProvinceWeight,
    Stage,
    Supporter,
    SwotEntry,
)


def _require(by: User, perm: Perm, province: Province) -> None:
    if not has_perm(by, perm, province):
        raise PermissionDenied


# Weights, chains and scores --------------------------------------------------------------


@transaction.atomic
def province_weight_set(
    *,
    province: Province,
    criterion: Criterion,
    weight: Decimal | None,
    by: User,
    reason: str = "",
) -> ProvinceWeight | None:
    """Give a criterion its own weight in a province (coordinators), or, with `weight=None`,
    go back to the national weight. The ranking follows at once: it is computed on reading."""
    _require(by, Perm.VALIDATE, province)
    current = (
        ProvinceWeight.objects.select_for_update()
        .filter(province=province, criterion=criterion)
        .first()
    )
    if weight is None:
        if current is not None:
            record_delete(instance=current, by=by)
        return None
    if current is None:
        line = ProvinceWeight(province=province, criterion=criterion, weight=weight, reason=reason)
        return record_create(instance=line, by=by).instance
    if (current.weight, current.reason) != (weight, reason):
        current.weight, current.reason = weight, reason
        record_update(instance=current, expected_version=current.version, by=by)
    return current


@transaction.atomic
def chain_create(
    *,
    chain: Chain,
    by: User,
    cercles=(),
    communes=(),
    submission_id: uuid.UUID | None = None,
) -> Created:
    """Add a candidate chain to a province, with its scope (cercles, communes)."""
    _require(by, Perm.CHANGE, chain.province)
    return record_create(
        instance=chain,
        by=by,
        submission_id=submission_id,
        m2m={"cercles": list(cercles), "communes": list(communes)},
    )


@transaction.atomic
def chain_score_set(
    *,
    chain: Chain,
    criterion: Criterion,
    score: int,
    by: User,
    justification: str = "",
    expected_version: int | None = None,
) -> ChainScore:
    """Score a chain on a criterion (0 to 5), or change its score. `expected_version` is the
    score's version when the form was opened (None: a new score); a score changed since
    answers EditConflict."""
    _require(by, Perm.CHANGE, chain.province)
    current = (
        ChainScore.objects.select_for_update().filter(chain=chain, criterion=criterion).first()
    )
    if current is None:
        line = ChainScore(
            chain=chain, criterion=criterion, score=score, justification=justification
        )
        return record_create(instance=line, by=by).instance
    if expected_version is not None and expected_version != current.version:
        raise EditConflict(current=current)
    current.score, current.justification = score, justification
    return record_update(instance=current, expected_version=current.version, by=by)


@dataclass(frozen=True)
class ScoreInput:
    """One line of a chain's scoring sheet: the score given (None: not scored), why, and the
    version of the score when the sheet was opened (None: it had no score)."""

    score: int | None
    justification: str = ""
    opened_version: int | None = None


@transaction.atomic
def chain_scores_set(*, chain: Chain, lines: dict[Criterion, ScoreInput], by: User) -> int:
    """Save a chain's scoring sheet at once, all or nothing: each line through
    `chain_score_set`; a line left empty removes its score (the criterion counts 0 again).
    A score changed by someone else since the sheet was opened answers EditConflict; a
    broken line answers LineErrors keyed by criterion id. Returns how many lines changed."""
    _require(by, Perm.CHANGE, chain.province)
    scores = ChainScore.objects.select_for_update().filter(chain=chain)
    current = {s.criterion_id: s for s in scores}
    for criterion, line in lines.items():
        existing = current.get(criterion.pk)
        opened = line.opened_version
        if (existing.version if existing else None) != opened:
            raise EditConflict(current=existing or chain)
    changed, errors = 0, {}
    for criterion, line in lines.items():
        existing = current.get(criterion.pk)
        try:
            if line.score is None:
                if existing is not None:
                    record_delete(instance=existing, by=by)
                    changed += 1
                continue
            if existing is not None and (existing.score, existing.justification) == (
                line.score,
                line.justification,
            ):
                continue
            chain_score_set(
                chain=chain,
                criterion=criterion,
                score=line.score,
                justification=line.justification,
                by=by,
                expected_version=line.opened_version,
            )
            changed += 1
        except ValidationError as error:
            errors[criterion.pk] = error
    if errors:
        raise LineErrors(errors)
    return changed


@transaction.atomic
def province_weights_set(
    *,
    province: Province,
    weights: dict[Criterion, tuple[Decimal | None, str]],
    by: User,
    versions_opened: dict[int, int] | None = None,
) -> int:
    """Save a province's weights at once, all or nothing: (weight, reason) per criterion
    through `province_weight_set`; a weight None goes back to the national one. Returns how
    many criteria changed.

    `versions_opened` maps criterion ids to the versions of the province's own weights when
    the page was opened: if another coordinator set, changed or removed one since,
    EditConflict names who and when, and nothing is saved."""
    _require(by, Perm.VALIDATE, province)
    own = {
        w.criterion_id: w
        for w in ProvinceWeight.objects.select_for_update().filter(province=province)
    }
    check_sheet_versions(
        existing=own,
        opened=versions_opened,
        history=ProvinceWeight.history.filter(province_id=province.pk),
        key="criterion",
    )
    changed, errors = 0, {}
    for criterion, (weight, reason) in weights.items():
        before = own.get(criterion.pk)
        if weight is None and before is None:
            continue
        if before is not None and (before.weight, before.reason) == (weight, reason):
            continue
        try:
            province_weight_set(
                province=province, criterion=criterion, weight=weight, reason=reason, by=by
            )
        except ValidationError as error:
            errors[criterion.pk] = error
        else:
            changed += 1
    if errors:
        raise LineErrors(errors)
    return changed


def _chain_move(chain: Chain, name: str, *, by: User, expected_version: int, comment: str):
    return transition_run(
        instance=chain, name=name, by=by, expected_version=expected_version, comment=comment
    )


@transaction.atomic
def chain_select(*, chain: Chain, by: User, expected_version: int, comment: str = "") -> Diagnostic:
    """The coordinator's choice: the chain goes on to diagnosis, which starts at once (a draft
    with the default stages, scoped like the chain)."""
    chain = _chain_move(chain, "select", by=by, expected_version=expected_version, comment=comment)
    return diagnostic_start(chain=chain, by=by)


@transaction.atomic
def chain_set_aside(*, chain: Chain, by: User, expected_version: int, comment: str) -> Chain:
    return _chain_move(
        chain, "set_aside", by=by, expected_version=expected_version, comment=comment
    )


@transaction.atomic
def chain_restore(*, chain: Chain, by: User, expected_version: int, comment: str = "") -> Chain:
    return _chain_move(chain, "restore", by=by, expected_version=expected_version, comment=comment)


# Starting a diagnostic ---------------------------------------------------------------------


def _sections(diagnostic: Diagnostic, by: User, summaries: dict | None = None) -> None:
    for key in DiagnosticSection.Key.values:
        section = DiagnosticSection(
            diagnostic=diagnostic, key=key, summary=(summaries or {}).get(key, "")
        )
        record_create(instance=section, by=by)


@transaction.atomic
def diagnostic_start(*, chain: Chain, by: User) -> Diagnostic:
    """The chain's first diagnostic: a draft scoped like the chain, with its sections and the
    five default stages (input supply, production, processing, trade, consumption)."""
    if chain.status != Chain.Status.SELECTED:
        raise ValidationError(_("Only a chain chosen for diagnosis is diagnosed."))
    if chain.diagnostics.exists():
        raise ValidationError(_("This chain is already being diagnosed."))
    diagnostic = record_create(
        instance=Diagnostic(chain=chain, number=1),
        by=by,
        m2m={"cercles": list(chain.cercles.all()), "communes": list(chain.communes.all())},
    ).instance
    _sections(diagnostic, by)
    for order, kind in enumerate(Stage.DEFAULT, start=1):
        record_create(instance=Stage(diagnostic=diagnostic, order=order, kind=kind), by=by)
    return diagnostic


@transaction.atomic
def diagnostic_update(
    *, diagnostic: Diagnostic, expected_version: int, by: User, cercles=None, communes=None
) -> Diagnostic:
    """Save the diagnostic's own fields (its scope, the fieldwork dates)."""
    m2m = {}
    if cercles is not None:
        m2m["cercles"] = list(cercles)
    if communes is not None:
        m2m["communes"] = list(communes)
    return record_update(
        instance=diagnostic, expected_version=expected_version, by=by, m2m=m2m or None
    )


# Sections: a sheet of lines saved at once, under the section's own version ------------------


@dataclass(frozen=True)
class SheetSpec:
    """The lines of one kind a section holds: their model, the field that ties them to the
    diagnostic (or to their parent line), the fields a form may set, and their children."""

    model: type
    parent: str = "diagnostic"
    fields: tuple[str, ...] = ()
    m2m: tuple[str, ...] = ()
    child: "SheetSpec | None" = None
    child_name: str = ""


SECTION_SHEETS: dict[str, dict[str, SheetSpec]] = {
    DiagnosticSection.Key.STAGES: {
        "stages": SheetSpec(
            Stage,
            fields=("order", "kind", "name", "description"),
            child=SheetSpec(
                Operator,
                parent="stage",
                fields=(
                    "order",
                    "kind",
                    "description",
                    "count",
                    "women",
                    "young",
                    "volume",
                    "volume_unit",
                    "price",
                    "price_unit",
                    "value_added",
                    "value_added_unit",
                ),
            ),
            child_name="operators",
        )
    },
    DiagnosticSection.Key.SUPPORTERS: {
        "supporters": SheetSpec(
            Supporter, fields=("order", "kind", "stakeholder", "name", "support"), m2m=("stages",)
        )
    },
    DiagnosticSection.Key.FINDINGS: {
        "bottlenecks": SheetSpec(
            Bottleneck, fields=("order", "stage", "title", "description", "level", "source")
        ),
        "opportunities": SheetSpec(
            Opportunity, fields=("order", "stage", "title", "description", "level", "source")
        ),
    },
    DiagnosticSection.Key.SWOT: {
        "swot": SheetSpec(SwotEntry, fields=("quadrant", "order", "text")),
    },
    DiagnosticSection.Key.OBSERVATIONS: {
        "observations": SheetSpec(
            FieldObservation,
            fields=(
                "kind",
                "date",
                "place",
                "commune",
                "subject",
                "women_young",
                "women_adult",
                "men_young",
                "men_adult",
                "notes",
            ),
        )
    },
    DiagnosticSection.Key.STRATEGY: {
        "objectives": SheetSpec(PlanObjective, fields=("order", "text")),
    },
    DiagnosticSection.Key.ACTIONS: {
        "actions": SheetSpec(
            FlagshipAction,
            fields=(
                "order",
                "title",
                "description",
                "bottleneck",
                "responsible",
                "responsible_name",
                "partners_other",
                "budget",
                "start_date",
                "end_date",
                "status",
            ),
            m2m=("partners",),
            child=SheetSpec(
                Indicator,
                parent="action",
                fields=("order", "name", "unit", "baseline", "target", "current", "current_on"),
            ),
            child_name="indicators",
        )
    },
    DiagnosticSection.Key.ADVOCACY: {
        "advocacy": SheetSpec(
            AdvocacyPoint, fields=("order", "action", "target", "target_name", "message")
        ),
    },
}


@dataclass
class Line:
    """A line of a section's sheet as a form parsed it.

    `id` and `version` name an existing line and the version it had when the sheet was
    opened (a line changed or removed since answers EditConflict); without `id` the line is
    new. `values` holds the fields to set (a foreign key as a record or an id), `m2m` the
    many-to-many values. `children` are the line's own lines (a stage's operators, an
    action's indicators): None leaves them as they are, a list replaces them. `delete`
    removes the line.
    """

    values: dict = field(default_factory=dict)
    id: int | None = None
    version: int | None = None
    m2m: dict | None = None
    children: list["Line"] | None = None
    delete: bool = False


class AlreadySaved(Exception):  # noqa: N818 (not an error: the save went through)
    """The same person's same section save, sent twice: the first one went through."""

    def __init__(self, section: DiagnosticSection):
        super().__init__("already saved")
        self.section = section


def _assign(instance: models.Model, spec: SheetSpec, values: dict) -> None:
    unknown = set(values) - set(spec.fields)
    if unknown:
        raise ValueError(f"{spec.model.__name__} lines do not take {sorted(unknown)}")
    for name, value in values.items():
        f = spec.model._meta.get_field(name)
        if f.is_relation and not isinstance(value, models.Model):
            setattr(instance, f.attname, value)
        else:
            setattr(instance, name, value)


def _m2m_values(spec: SheetSpec, m2m: dict | None) -> dict | None:
    if m2m is None:
        return None
    unknown = set(m2m) - set(spec.m2m)
    if unknown:
        raise ValueError(f"{spec.model.__name__} lines do not take {sorted(unknown)}")
    out = {}
    for name, values in m2m.items():
        related = spec.model._meta.get_field(name).related_model
        values = list(values)
        ids = [v for v in values if not isinstance(v, models.Model)]
        out[name] = [v for v in values if isinstance(v, models.Model)] + list(
            related._default_manager.filter(pk__in=ids)
        )
    return out


def _state(instance: models.Model, spec: SheetSpec) -> dict:
    return {
        spec.model._meta.get_field(n).attname: getattr(
            instance, spec.model._meta.get_field(n).attname
        )
        for n in spec.fields
    }


def _m2m_changed(instance: models.Model, m2m: dict | None) -> bool:
    if not m2m:
        return False
    return any(
        set(getattr(instance, name).values_list("pk", flat=True)) != {v.pk for v in values}
        for name, values in m2m.items()
    )


def _sync(
    spec: SheetSpec,
    parent: models.Model,
    lines: list[Line],
    *,
    by: User,
    replace: bool,
    errors: dict,
    prefix: str,
) -> None:
    """Make the lines of `spec` under `parent` those of `lines` (and, with `replace`, remove
    the others); the lines' own rules refused go to `errors`, keyed by their place."""
    rows = spec.model._default_manager.select_for_update().filter(**{spec.parent: parent})
    existing = {row.pk: row for row in rows}
    for row in existing.values():
        setattr(row, spec.parent, parent)  # the rules of each line read it without a query
    mentioned = set()
    for i, line in enumerate(lines):
        key = f"{prefix}.{i}"
        instance = None
        if line.id is not None:
            instance = existing.get(line.id)
            if instance is None:
                raise EditConflict.deleted(deleted_record(spec.model, line.id))
            if line.version is not None and line.version != instance.version:
                raise EditConflict(current=instance)
            mentioned.add(line.id)
        try:
            with transaction.atomic():
                if instance is not None and line.delete:
                    record_delete(instance=instance, by=by)
                    continue
                m2m = _m2m_values(spec, line.m2m)
                if instance is None:
                    instance = spec.model(**{spec.parent: parent})
                    _assign(instance, spec, line.values)
                    instance = record_create(instance=instance, by=by, m2m=m2m).instance
                else:
                    before = _state(instance, spec)
                    _assign(instance, spec, line.values)
                    if before != _state(instance, spec) or _m2m_changed(instance, m2m):
                        record_update(
                            instance=instance, expected_version=instance.version, by=by, m2m=m2m
                        )
        except ValidationError as error:
            errors[key] = error
            continue
        if spec.child is not None and line.children is not None:
            _sync(
                spec.child,
                instance,
                line.children,
                by=by,
                replace=True,
                errors=errors,
                prefix=f"{key}.{spec.child_name}",
            )
    if replace:
        for pk, instance in existing.items():
            if pk in mentioned:
                continue
            try:
                with transaction.atomic():
                    record_delete(instance=instance, by=by)
            except ValidationError as error:
                errors[f"{prefix}.removed.{pk}"] = error


def _last_saved_by(section: DiagnosticSection) -> int | None:
    rows = DiagnosticSection.objects.with_saver().filter(pk=section.pk)
    return rows.values_list("saved_by_id", flat=True).first()


@transaction.atomic
def section_save(
    *,
    diagnostic: Diagnostic,
    key: str,
    by: User,
    expected_version: int,
    sheets: dict[str, list[Line]] | None = None,
    summary: str | None = None,
    replace: bool = True,
    token: uuid.UUID | None = None,
) -> DiagnosticSection:
    """Save one section of a diagnostic: its summary and its sheets of lines, at once.

    `expected_version` is the section's version when it was opened: if anyone saved this
    section since, EditConflict (the base's merge screen) and nothing is saved; other sections
    are not concerned, so two people editing different sections both save. A sheet given
    replaces that kind of line (with `replace=False` only the lines given are added, changed
    or removed); a sheet left out is left as it is. `token` is the form's: the same save sent
    again by the same person (a dropped connection) raises AlreadySaved instead of a
    conflict. Lines refused by their rules raise LineErrors, keyed "sheet.index" (a child:
    "stages.0.operators.2"), and nothing is saved.
    """
    specs = SECTION_SHEETS[key]
    unknown = set(sheets or {}) - set(specs)
    if unknown:
        raise ValueError(f"The {key} section has no {sorted(unknown)}")
    # The diagnostic's row is locked so that a transition (submit…) and a section save do
    # not cross; two section saves wait for each other only for the time of the transaction.
    diagnostic = (
        Diagnostic.objects.select_for_update()
        .select_related("chain__province")
        .get(pk=diagnostic.pk)
    )
    refusal = diagnostic.edit_refusal(by)
    if refusal:
        raise ValidationError(refusal)
    section = DiagnosticSection.objects.select_for_update().get(diagnostic=diagnostic, key=key)
    section.diagnostic = diagnostic
    if section.version != expected_version:
        if token is not None and section.last_token == token and _last_saved_by(section) == by.pk:
            raise AlreadySaved(section)
        raise EditConflict(current=section)
    errors: dict = {}
    for name, lines in (sheets or {}).items():
        _sync(specs[name], diagnostic, lines, by=by, replace=replace, errors=errors, prefix=name)
    if errors:
        raise LineErrors(errors)  # the transaction is rolled back: nothing is kept
    if summary is not None:
        section.summary = summary
    section.last_token = token
    return record_update(
        instance=section, expected_version=expected_version, by=by, reason=f"section {key}"
    )


# The workflow ------------------------------------------------------------------------------


@transaction.atomic
def diagnostic_move(
    *,
    diagnostic: Diagnostic,
    name: str,
    by: User,
    expected_version: int,
    comment: str = "",
    params: dict | None = None,
) -> Diagnostic:
    """Run a transition of the diagnostic (submit, send_back, validate, reopen, deliver); the
    workflow kit checks who may, from which state, and the comment, and logs it."""
    return transition_run(
        instance=diagnostic,
        name=name,
        by=by,
        expected_version=expected_version,
        comment=comment,
        params=params,
    )


@transaction.atomic
def diagnostic_deliver(
    *,
    diagnostic: Diagnostic,
    by: User,
    expected_version: int,
    on: datetime.date,
    recipient: str,
    document,
    comment: str = "",
) -> Diagnostic:
    """Record that the validated diagnostic was handed to the Province: when, to whom, and the
    PDF issued (a File with a name). From then on it is frozen."""
    return diagnostic_move(
        diagnostic=diagnostic,
        name="deliver",
        by=by,
        expected_version=expected_version,
        comment=comment,
        params={"on": on, "recipient": recipient, "document": document},
    )


# A new version of a delivered diagnostic ---------------------------------------------------

_NOT_COPIED = {"id", "version", "submission_id", "created_at", "updated_at"}


def _copy(record: models.Model, *, by: User, reason: str, m2m: dict | None = None, **overrides):
    """A new record with the fields of `record` (relations to it replaced by `overrides`)."""
    values = {
        f.attname: getattr(record, f.attname)
        for f in record._meta.concrete_fields
        if f.name not in _NOT_COPIED
    }
    for name in overrides:
        values.pop(record._meta.get_field(name).attname, None)
    copy = type(record)(**values, **overrides)
    return record_create(instance=copy, by=by, m2m=m2m, reason=reason).instance


@transaction.atomic
def diagnostic_new_version(*, diagnostic: Diagnostic, by: User) -> Diagnostic:
    """Start a new version of a delivered diagnostic: a draft that copies every section (stages
    and operators, supporters, findings, SWOT, observations with their attachments, the plan
    with its indicators and advocacy). The delivered one stays as it was, readable."""
    diagnostic = Diagnostic.objects.select_for_update().get(pk=diagnostic.pk)
    if diagnostic.status != Diagnostic.Status.DELIVERED:
        raise ValidationError(_("Only a delivered diagnostic gets a new version."))
    if not diagnostic.is_current:
        raise ValidationError(_("A newer version of this diagnostic already exists."))
    _require(by, Perm.CHANGE, diagnostic.chain.province)
    reason = f"copied from version {diagnostic.number}"
    new = _copy(
        diagnostic,
        by=by,
        reason=reason,
        m2m={
            "cercles": list(diagnostic.cercles.all()),
            "communes": list(diagnostic.communes.all()),
        },
        number=diagnostic.chain.diagnostics.aggregate(n=models.Max("number"))["n"] + 1,
        previous=diagnostic,
        status=Diagnostic.Status.DRAFT,
        delivered_on=None,
        delivered_to="",
        delivered_file="",
    )
    _sections(new, by, dict(diagnostic.sections.values_list("key", "summary")))
    stages = {}
    for stage in diagnostic.stages.prefetch_related("operators"):
        stages[stage.pk] = _copy(stage, by=by, reason=reason, diagnostic=new)
        for operator in stage.operators.all():
            _copy(operator, by=by, reason=reason, stage=stages[stage.pk])
    for supporter in diagnostic.supporters.select_related("stakeholder").prefetch_related("stages"):
        served = [stages[s.pk] for s in supporter.stages.all()]
        _copy(supporter, by=by, reason=reason, diagnostic=new, m2m={"stages": served})
    bottlenecks = {}
    for bottleneck in diagnostic.bottlenecks.all():
        bottlenecks[bottleneck.pk] = _copy(
            bottleneck, by=by, reason=reason, diagnostic=new, stage=stages[bottleneck.stage_id]
        )
    for opportunity in diagnostic.opportunities.all():
        _copy(opportunity, by=by, reason=reason, diagnostic=new, stage=stages[opportunity.stage_id])
    for entry in diagnostic.swot.all():
        _copy(entry, by=by, reason=reason, diagnostic=new)
    _copy_observations(diagnostic, new, by=by, reason=reason)
    for objective in diagnostic.objectives.all():
        _copy(objective, by=by, reason=reason, diagnostic=new)
    actions = {}
    for action in diagnostic.flagship_actions.prefetch_related("indicators", "partners"):
        actions[action.pk] = _copy(
            action,
            by=by,
            reason=reason,
            diagnostic=new,
            bottleneck=bottlenecks.get(action.bottleneck_id),
            m2m={"partners": list(action.partners.all())},
        )
        for indicator in action.indicators.all():
            _copy(indicator, by=by, reason=reason, action=actions[action.pk])
    for point in diagnostic.advocacy_points.all():
        _copy(point, by=by, reason=reason, diagnostic=new, action=actions.get(point.action_id))
    return new


def _copy_observations(old: Diagnostic, new: Diagnostic, *, by: User, reason: str) -> None:
    """Observations and their photos and documents: the new attachment rows name the same
    files, which stay as long as any row names them (`TransactionalFileField`)."""
    kind = ContentType.objects.get_for_model(FieldObservation)
    observations = list(old.observations.all())
    files = {}
    for attachment in Attachment.objects.filter(
        content_type=kind, object_id__in=[o.pk for o in observations]
    ).order_by("pk"):
        files.setdefault(attachment.object_id, []).append(attachment)
    for observation in observations:
        copy = _copy(observation, by=by, reason=reason, diagnostic=new)
        for attachment in files.get(observation.pk, ()):
            _copy(attachment, by=by, reason=reason, object_id=copy.pk, file=attachment.file.name)
