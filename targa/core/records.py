"""Services for records that hold field data: create once, update without silent overwrite, delete.

Every app's services call these so that history, optimistic locking and idempotent creation
behave the same everywhere.
"""

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from targa.core.models import TrackedModel, User, state_field


class EditConflict(Exception):
    """Someone saved the record after the editor opened it."""

    def __init__(self, current: TrackedModel):
        super().__init__("edit conflict")
        self.current = current
        last = current.history.select_related("history_user").first()
        self.changed_by: User | None = last.history_user if last else None
        self.changed_at: datetime | None = last.history_date if last else None

    @classmethod
    def deleted(cls, record=None) -> "EditConflict":
        """A conflict with a line that no longer exists; `record` is its history's deletion
        entry, which says who removed it and when (None when history cannot tell)."""
        conflict = cls.__new__(cls)
        Exception.__init__(conflict, "edit conflict")
        conflict.current = None
        conflict.changed_by = record.history_user if record is not None else None
        conflict.changed_at = record.history_date if record is not None else None
        return conflict

    def message(self, template=None) -> str:
        """What the person whose save was refused reads, in their language (`template`
        names who and when; the conflict's own message by default)."""
        if self.changed_by is None and self.changed_at is None:
            return str(CONFLICT_MESSAGE_UNKNOWN)
        when = timezone.localtime(self.changed_at) if self.changed_at else None
        return (template or CONFLICT_MESSAGE) % {
            "user": self.changed_by or gettext("someone"),
            "time": formats.date_format(when, "SHORT_DATETIME_FORMAT") if when else "?",
        }


@dataclass(frozen=True)
class Created:
    instance: TrackedModel
    created: bool


M2M = dict[str, Iterable[models.Model]] | None


def _checks_writes(instance: TrackedModel) -> bool:
    """Whether the model has write rules: its own, or a workflow status (the user model, say,
    has none)."""
    own = getattr(type(instance), "check_write", TrackedModel.check_write)
    return own is not TrackedModel.check_write or state_field(type(instance)) is not None


def _set_m2m(instance: TrackedModel, m2m: M2M) -> None:
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)


@transaction.atomic
def record_create(
    *,
    instance: TrackedModel,
    by: User,
    submission_id: uuid.UUID | None = None,
    m2m: M2M = None,
    reason: str = "created",
) -> Created:
    """Validate and save a new record (and its many-to-many values) once per submission id.

    A second call with the same submission id (double click, resend after a dropped
    connection) returns the record the first call created instead of creating another.
    The model's own rules run first: `full_clean()`, then `check_write()` (who may write
    what), so every caller (views, the admin, imports, jobs, the demo) meets the same rules.
    """
    manager = type(instance)._default_manager
    if submission_id is not None:
        existing = manager.filter(submission_id=submission_id).first()
        if existing is not None and record_created_by(existing, by):
            return Created(existing, False)
        # Someone else's token (copied from another page, another province): not a resend of
        # this person's form, so their input is saved as a new record with a token of its own.
        instance.submission_id = submission_id if existing is None else uuid.uuid4()
    # The token's uniqueness is the database's to check (below): a copy of the same form
    # saved a moment ago by another request is found there, not refused as a duplicate.
    instance.full_clean(exclude=["submission_id"])
    if _checks_writes(instance):
        instance.check_write(by=by, before=None, m2m=m2m)
    instance._history_user = by
    instance._change_reason = reason
    try:
        with transaction.atomic():
            instance.save(force_insert=True)
            _set_m2m(instance, m2m)
    except IntegrityError:
        # Two copies of one submission raced; the other one won, which is what we want.
        existing = (
            manager.filter(submission_id=submission_id).first()
            if submission_id is not None
            else None
        )
        if existing is None:
            raise
        return Created(existing, False)
    return Created(instance, True)


def record_created_by(record: TrackedModel, by: User) -> bool:
    """Whether `by` created `record` (its history's first entry says who)."""
    first = record.history.order_by("history_date", "history_id").only("history_user").first()
    return first is not None and first.history_user_id == getattr(by, "pk", None)


@transaction.atomic
def record_update(
    *,
    instance: TrackedModel,
    expected_version: int,
    by: User,
    m2m: M2M = None,
    reason: str = "edited",
) -> TrackedModel:
    """Save changes made to a record that was at `expected_version` when the editor opened it.

    Raises EditConflict if anyone saved it in between. The version check and bump is one
    conditional UPDATE, so it holds under concurrency on every database. The model's rules
    run first (`full_clean()`, then `check_write()` with the stored record as `before`).
    """
    instance.full_clean()
    manager = type(instance)._default_manager
    if _checks_writes(instance):
        instance.check_write(by=by, before=manager.get(pk=instance.pk), m2m=m2m)
    bumped = manager.filter(pk=instance.pk, version=expected_version).update(
        version=models.F("version") + 1
    )
    if not bumped:
        raise EditConflict(current=manager.get(pk=instance.pk))
    instance.version = expected_version + 1
    instance._history_user = by
    instance._change_reason = reason  # kept in the history; a transition gives its own
    instance.save()
    _set_m2m(instance, m2m)
    return instance


def check_sheet_versions(
    *,
    existing: dict,
    opened: dict[int, int] | None,
    history=None,
    key: str = "",
) -> None:
    """Refuse a sheet of lines (attendance, participants…) saved from a stale copy.

    `existing` maps keys (e.g. member ids) to the lines as they are now, locked by the caller
    with select_for_update; `opened` maps the same keys to the versions the person saw. If a
    line was added, changed or removed since, EditConflict names the latest change: for a
    removed line, from `history` (the historical rows of the sheet's lines, e.g.
    `Attendance.history.filter(meeting_id=…)`) where `key` is the field holding the keys.
    """
    if opened is None:
        return
    moved = [line for k, line in existing.items() if opened.get(k) != line.version]
    if moved:
        raise EditConflict(current=max(moved, key=lambda line: line.updated_at))
    removed = set(opened) - set(existing)
    if removed:  # a line seen when opening was deleted since
        deletion = None
        if history is not None and key:
            deletion = (
                history.filter(history_type="-", **{f"{key}__in": removed})
                .select_related("history_user")
                .order_by("-history_date")
                .first()
            )
        raise EditConflict.deleted(deletion)


def deleted_record(model, pk):
    """The history's entry for the deletion of `model`'s record `pk`, if it was deleted."""
    try:
        return (
            model.history.filter(id=pk, history_type="-")
            .select_related("history_user")
            .order_by("-history_date")
            .first()
        )
    except (ValueError, TypeError, ValidationError):
        return None


class LineErrors(ValidationError):
    """The lines of a sheet that break a rule, by line key (e.g. member id): the service
    checks every line, writes none, and the sheet shows each message on its own line."""

    def __init__(self, lines: dict):
        self.lines = lines
        super().__init__([message for error in lines.values() for message in error.messages])


@transaction.atomic
def record_delete(*, instance: TrackedModel, by: User) -> None:
    """Delete a record; its history keeps the last state, who deleted it and when.

    A record that others still point to (protected references) is not deleted: a
    ValidationError says what still refers to it, in the user's language. The model's
    `check_delete(by=…)` runs first, so its rules (a frozen record keeps its lines) hold for
    every caller.
    """
    check_delete = getattr(instance, "check_delete", None)  # the user model has none
    if check_delete is not None:
        check_delete(by=by)
    instance._history_user = by
    instance._change_reason = "deleted"
    try:
        with transaction.atomic():
            instance.delete()
    except (ProtectedError, RestrictedError) as error:
        raise ValidationError(still_referenced_message(error)) from error


def still_referenced_message(error: ProtectedError | RestrictedError) -> str:
    referring = (
        error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
    )
    counts = Counter(type(obj)._meta.verbose_name_plural for obj in referring)
    what = ", ".join(f"{n} × {name}" for name, n in sorted(counts.items(), key=str))
    return STILL_REFERENCED_MESSAGE % {"what": what}


STILL_REFERENCED_MESSAGE = _(
    "This record cannot be deleted while other records refer to it: %(what)s. Delete or "
    "change those first."
)
CONFLICT_MESSAGE_UNKNOWN = _(
    "This record was changed by someone else after you opened it. Your input is kept below: "
    "compare it with the current values and save again to keep yours."
)
DELETED_MESSAGE = _(
    "This record was deleted by %(user)s on %(time)s, after you opened it; its history keeps "
    "it. Your input is kept below: save it as a new record, or copy what you need."
)
CONFLICT_MESSAGE = _(
    "This record was changed by %(user)s on %(time)s, after you opened it. Your input is kept "
    "below: compare it with the current values and save again to keep yours."
)
