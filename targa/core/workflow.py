"""The workflow kit: a status changes only through a transition declared once on its model.

A transition is a model method decorated with `@transition(...)`: from which states, to which,
who may (a permission in the record's province), whether a comment is required, and, in its
body, what it does besides moving the status. It is django-fsm-2's transition underneath
(django-fsm-log keeps the log: who, when, from, to, comment), run by one service,
`transition_run`, which every caller uses: the generic transition view, other services, jobs.

`can(user, action, obj)` answers for templates, views and services alike: "change" and
"delete" (refused in the model's `locked_states`, or by its `edit_refusal(user)`), or a
transition's name. A line of a record under a workflow (a diagnostic's stage, a stage's
operator) names that record in its model's `workflow_parent` path, and is locked with it.
"""

from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from itertools import count

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import can_proceed
from django_fsm import transition as fsm_transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description
from django_fsm_log.models import StateLog

from targa.core.access import Perm, perms_on
from targa.core.models import state_field
from targa.core.records import EditConflict, record_update

COMMENT_MAX = 2000
# Transitions are offered in the order their models declare them (django-fsm lists them by
# name): each declaration takes the next number.
_declaration_order = count()


class Comment(StrEnum):
    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"


def transition(
    *,
    source,
    target: str,
    label,
    perm: Perm = Perm.CHANGE,
    comment: Comment = Comment.NONE,
    style: str = "outline-primary",
    field: str = "status",
):
    """Declare a model method as a transition. `label` is what its button says."""

    def decorate(func):
        @wraps(func)
        def body(instance, *args, by=None, description=None, **kwargs):
            return func(instance, *args, **kwargs)

        def permission(instance, user) -> bool:
            return perm in perms_on(user, instance)

        declared = fsm_transition(
            field=field,
            source=source,
            target=target,
            permission=permission,
            custom={
                "label": label,
                "perm": perm,
                "comment": comment,
                "style": style,
                "order": next(_declaration_order),
            },
        )(body)
        return fsm_log_by(fsm_log_description(declared))

    return decorate


@dataclass(frozen=True)
class Action:
    """A transition as a page offers it."""

    name: str
    label: str
    target: str
    comment: str
    style: str

    @property
    def needs_comment(self) -> bool:
        return self.comment == Comment.REQUIRED

    @property
    def takes_comment(self) -> bool:
        return self.comment != Comment.NONE


def transition_between(model, source: str, target: str) -> str | None:
    """The name of the transition of `model` from `source` to `target`, if there is one."""
    for t in _transitions(model):
        if t.target == target and t.source in (source, "*"):
            return t.name
    return None


def _transitions(model) -> list:
    """The model's transitions, in the order it declares them."""
    f = state_field(model)
    if f is None:
        return []
    return sorted(f.get_all_transitions(model), key=lambda t: t.custom.get("order", 0))


def _declared(obj):
    return {t.name: t for t in _transitions(type(obj))}


def actions_for(user, obj) -> list[Action]:
    """The transitions `user` may run on `obj` now, in the order they are declared."""
    f = state_field(type(obj))
    if f is None:
        return []
    state = getattr(obj, f.name)
    perms = perms_on(user, obj)
    seen, actions = set(), []
    for t in _transitions(type(obj)):
        if t.name in seen or t.custom["perm"] not in perms:
            continue
        if t.source in (state, "*") or (t.source == "+" and t.target != state):
            seen.add(t.name)
            actions.append(
                Action(
                    t.name, str(t.custom["label"]), t.target, t.custom["comment"], t.custom["style"]
                )
            )
    return actions


def status_label(obj) -> str:
    """The record's status as people read it, in their language."""
    return getattr(obj, f"get_{state_field(type(obj)).name}_display")()


def governing_record(obj):
    """The record whose status decides whether `obj` may be edited: `obj` itself, or, for a
    line of a record under a workflow, the record its model's `workflow_parent` path names
    (e.g. "diagnostic" or "stage__diagnostic")."""
    path = getattr(type(obj), "workflow_parent", "")
    for part in path.split("__") if path else ():
        obj = getattr(obj, part)
    return obj


def is_locked(obj) -> bool:
    """Whether the record's state forbids editing and deleting it (its `locked_states`, or
    those of the record that governs it)."""
    governing = governing_record(obj)
    f = state_field(type(governing))
    return f is not None and getattr(governing, f.name) in getattr(governing, "locked_states", ())


def edit_refusal(user, obj) -> str:
    """Why `user` may not change or delete `obj` in its present state, "" if nothing in the
    state stands in the way: the governing record's own `edit_refusal(user)`, for a model
    whose rule depends on the state and the person (a submitted diagnostic is read-only for
    field agents, not for its reviewer)."""
    own = getattr(governing_record(obj), "edit_refusal", None)
    return str(own(user) or "") if callable(own) else ""


def can(user, action: str, obj) -> bool:
    """May `user` do `action` ("view", "change", "delete" or a transition's name) to `obj`?"""
    perms = perms_on(user, obj)
    locked = is_locked(obj)
    if action == "view":
        return Perm.VIEW in perms
    if action == "change":
        allowed = Perm(getattr(obj, "change_perm", Perm.CHANGE)) in perms
        return allowed and not locked and not edit_refusal(user, obj)
    if action == "delete":
        allowed = Perm(getattr(obj, "delete_perm", Perm.VALIDATE)) in perms
        return allowed and not locked and not edit_refusal(user, obj)
    return any(a.name == action for a in actions_for(user, obj))


class AlreadyDone(Exception):  # noqa: N818 (not an error: the action was already done)
    """The same person's same action, sent twice (a double tap, a resend on a slow network):
    the first one went through, nothing is done again."""

    def __init__(self, current):
        super().__init__("already done")
        self.current = current


def _already_run(current, *, name: str, by, expected_version: int) -> bool:
    """Whether the last change of `current` is this very action, by `by`, from the version the
    page was opened at (so the resend changes nothing)."""
    last = log_for(current).first()
    return (
        current.version == expected_version + 1
        and last is not None
        and last.transition == name
        and last.by_id == getattr(by, "pk", None)
    )


def log_for(obj):
    """The transitions of `obj`, newest first, with who made them."""
    return StateLog.objects.for_(obj).select_related("by").order_by("-timestamp", "-pk")


@transaction.atomic
def transition_run(
    *,
    instance,
    name: str,
    by,
    expected_version: int,
    comment: str = "",
    params: dict | None = None,
):
    """Run the transition `name` on `instance`, opened at `expected_version`, and save it.

    Refuses with ValidationError an unknown transition, one the record's state no longer
    allows, or a missing or too long comment; with PermissionDenied someone who may not run
    it; with EditConflict a record saved by someone else since it was opened. `params` go to
    the transition's method (e.g. the date a recommendation was done). The log entry
    (who, when, from, to, comment) and the history (with the transition as its reason) are
    written in the same transaction as the change.
    """
    declared = _declared(instance)
    if name not in declared:
        raise ValidationError(_("This action does not exist for this record."))
    manager = type(instance)._default_manager
    current = manager.select_for_update().get(pk=instance.pk)
    if current.version != expected_version:
        if _already_run(current, name=name, by=by, expected_version=expected_version):
            raise AlreadyDone(current)
        raise EditConflict(current=current)
    method = getattr(current, name)
    if not can_proceed(method):
        raise ValidationError(
            _("This can no longer be done: the record is now “%(state)s”.")
            % {"state": status_label(current)}
        )
    if not any(a.name == name for a in actions_for(by, current)):
        raise PermissionDenied
    comment = (comment or "").strip()
    if declared[name].custom["comment"] == Comment.REQUIRED and not comment:
        raise ValidationError({"comment": _("Say why: a comment is required for this action.")})
    if len(comment) > COMMENT_MAX:
        raise ValidationError(
            {"comment": _("Keep the comment under %(n)s characters.") % {"n": COMMENT_MAX}}
        )
    current._in_transition = name
    method(by=by, description=comment or None, **(params or {}))
    try:
        return record_update(
            instance=current,
            expected_version=expected_version,
            by=by,
            reason=f"{name}: {comment}" if comment else name,  # kept whatever the language
        )
    finally:
        current._in_transition = None
