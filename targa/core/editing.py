"""Reusable form and view pieces for records that hold field data.

`SafeModelForm` carries the record's version (optimistic locking) or, for a new record, a
submission id (idempotent creation). `SafeCreateMixin` and `SafeUpdateMixin` call the
services in `targa.core.records`; `HistoryMixin` renders a record's "Historique" page.
"""

import uuid
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.forms.models import model_to_dict
from django.http import HttpResponseRedirect
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from targa.core.access import in_province
from targa.core.choices import use_search_fields
from targa.core.models import DATE_MAX, DATE_MIN
from targa.core.records import (
    Created,
    EditConflict,
    LineErrors,
    record_create,
    record_created_by,
    record_update,
)

PK_MAX = 2**63 - 1  # the largest id a database keeps (a 64-bit integer)


def _bounded_choice(field: forms.ModelChoiceField) -> None:
    """Refuse, as an invalid choice, a typed id no database could hold (`?commune=1e30`
    written out): SQLite would fail on the query instead of finding nothing."""
    clean = field.clean

    def bounded(value):
        values = value if isinstance(value, list | tuple) else [value]
        for one in values:
            digits = str(one).strip().lstrip("+-")
            if digits.isdigit() and (len(digits) > 19 or int(digits) > PK_MAX):
                raise ValidationError(
                    field.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(one)[:20]},
                )
        return clean(value)

    field.clean = bounded


class SafeModelForm(forms.ModelForm):
    """A ModelForm that knows the version it was opened at and its own submission id."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    submission_id = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            if isinstance(f, forms.ModelChoiceField):
                _bounded_choice(f)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True
            del self.fields["submission_id"]
        else:
            self.fields["submission_id"].initial = uuid.uuid4()
            del self.fields["version"]


class ScopedForm(SafeModelForm):
    """A SafeModelForm for a record of one province.

    Choices that point at province-scoped models (communes, stakeholders, meetings…) are
    limited to the province, so a forged id from another province is refused as an invalid
    choice, in the user's language. A choice among records that grow without bound is typed,
    with suggestions (`targa.core.choices`), over the same limited queryset.
    """

    def __init__(self, *args, province, **kwargs):
        super().__init__(*args, **kwargs)
        self.province = province
        for f in self.fields.values():
            queryset = getattr(f, "queryset", None)
            if queryset is not None and hasattr(queryset.model, "province_path"):
                f.queryset = in_province(queryset, province)
        use_search_fields(self, province)


def field_anchor(bound_field: forms.BoundField) -> str:
    """The id a link to a field leads to (the error summary's, the conflict box's): the field
    itself, or the first option of a list of radios or checkboxes."""
    if bound_field.use_fieldset:
        options = bound_field.subwidgets
        if options and options[0].id_for_label:
            return options[0].id_for_label
    return bound_field.id_for_label or bound_field.auto_id


def date_input(bounds=(DATE_MIN, DATE_MAX)) -> forms.DateInput:
    """The phone's own date picker, limited to the plausible span (the model checks it too);
    the value travels as YYYY-MM-DD whatever the language."""
    return forms.DateInput(
        attrs={"type": "date", "min": bounds[0].isoformat(), "max": bounds[1].isoformat()},
        format="%Y-%m-%d",
    )


class SheetForm(forms.Form):
    """A form editing many lines at once (attendance, participants) that remembers the version
    of each line when it was opened, so that a stale sheet is refused, not saved over others'.
    """

    opened_versions = forms.CharField(widget=forms.HiddenInput, required=False)
    # The field of a line that shows the line's errors from the service (`LineErrors`).
    line_error_field = "{key}"

    def remember_versions(self, versions: dict[int, int]) -> None:
        self.fields["opened_versions"].initial = self.encode_versions(versions)

    @staticmethod
    def encode_versions(versions: dict[int, int]) -> str:
        return ",".join(f"{key}:{version}" for key, version in sorted(versions.items()))

    def versions_opened(self) -> dict[int, int]:
        pairs = (p.split(":") for p in self.cleaned_data["opened_versions"].split(",") if p)
        try:
            return {int(key): int(version) for key, version in pairs}
        except ValueError as exc:
            raise forms.ValidationError(_("The form was damaged; reload the page.")) from exc

    def conflicted(self, conflict, current_versions: dict[int, int]) -> None:
        """Show who changed the sheet; keep the input; a new save starts from the sheet now."""
        data = self.data.copy()
        data["opened_versions"] = self.encode_versions(current_versions)
        self.data = data
        self.add_error(None, conflict.message())

    def add_service_errors(self, error: ValidationError) -> None:
        """Show the service's refusal: each broken line's message on that line."""
        if isinstance(error, LineErrors):
            for key, line_error in error.lines.items():
                name = self.line_error_field.format(key=key)
                self.add_error(name if name in self.fields else None, line_error.messages)
        else:
            add_model_errors(self, error)


def add_model_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a model's ValidationError on a form: on its field if the form has it, else on top
    (e.g. a constraint on a field the form lacks)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def form_invalid_with(view, form, error: ValidationError):
    """Show a model validation error on the form and render it again."""
    add_model_errors(form, error)
    return view.form_invalid(form)


def form_m2m(form: forms.ModelForm) -> dict:
    """The many-to-many values a model form carries, for the services to save."""
    names = {f.name for f in form._meta.model._meta.many_to_many}
    return {name: value for name, value in form.cleaned_data.items() if name in names}


class SafeCreateMixin:
    """CreateView behaviour: one record per submission id, saved through `record_create`."""

    already_saved_message = gettext_lazy(
        "This form had already been saved; nothing was added twice."
    )
    success_message = gettext_lazy("Saved.")

    def prepare_instance(self, instance: models.Model) -> None:
        """Set what the form does not carry (the province, the parent record…)."""

    def post(self, request, *args, **kwargs):
        # A resend of a form that was already saved goes straight to the saved record, before
        # validation (which could otherwise complain that the record now exists).
        try:
            token = uuid.UUID(request.POST.get("submission_id", ""))
        except ValueError:
            token = None
        if token is not None:
            model = self.get_form_class()._meta.model
            candidates = model._default_manager.filter(submission_id=token)
            province = getattr(self, "province", None)
            if province is not None:  # never another province's record, nor its URL
                candidates = in_province(candidates, province)
            existing = candidates.first()
            if existing is not None and record_created_by(existing, request.user):
                self.object = existing
                messages.info(request, self.already_saved_message)
                return HttpResponseRedirect(self.get_success_url())
        return super().post(request, *args, **kwargs)

    def create_record(self, instance, *, submission_id, m2m) -> Created:
        """Save the new record: `record_create`, or the app's service for a record whose
        creation does more (a project starts its path, a chain its scope)."""
        return record_create(
            instance=instance, by=self.request.user, submission_id=submission_id, m2m=m2m
        )

    def form_valid(self, form):
        instance = form.save(commit=False)
        self.prepare_instance(instance)
        try:
            result = self.create_record(
                instance, submission_id=form.cleaned_data.get("submission_id"), m2m=form_m2m(form)
            )
        except ValidationError as error:
            return form_invalid_with(self, form, error)
        self.object = result.instance
        if result.created:
            messages.success(self.request, self.success_message)
        else:
            messages.info(self.request, self.already_saved_message)
        return HttpResponseRedirect(self.get_success_url())


class SafeUpdateMixin:
    """UpdateView behaviour: never overwrite a record someone saved in the meantime.

    A save from a stale page is merged field by field with what the other person saved: a
    field only they changed takes their value, a field only this person changed keeps theirs,
    and only a field both changed differently is a clash. Without a clash the merge is saved
    at once (and the person told what the other changed); with one, the page comes back
    (409) with the merge in the form and each clash shown with both values.
    """

    success_message = gettext_lazy("Changes saved.")
    # Whether a stale save without clashes is merged and saved at once; a view whose save
    # goes through its own service (not `record_update`) shows the merge for confirmation.
    merge_without_asking = True

    def form_valid(self, form):
        try:
            self.object = record_update(
                instance=form.save(commit=False),
                expected_version=form.cleaned_data["version"],
                by=self.request.user,
                m2m=form_m2m(form),
            )
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as error:
            return form_invalid_with(self, form, error)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def conflict(self, form, conflict: EditConflict):
        merge = Merge(form, conflict)
        if not merge.clashes and self.merge_without_asking:
            try:
                self.object = record_update(
                    instance=merge.instance,
                    expected_version=conflict.current.version,
                    by=self.request.user,
                    m2m=merge.m2m,
                )
            except (EditConflict, ValidationError):
                pass  # saved again meanwhile, or the merge breaks a rule: show it instead
            else:
                messages.success(self.request, merge.merged_message(conflict))
                return HttpResponseRedirect(self.get_success_url())
        kwargs = {k: v for k, v in self.get_form_kwargs().items() if k not in ("data", "files")}
        kwargs.update(
            instance=merge.instance, initial={**kwargs.get("initial", {}), **merge.initial}
        )
        return self.render_to_response(
            self.get_context_data(
                form=self.get_form_class()(**kwargs),
                conflict_message=conflict.message(),
                conflict_taken=merge.taken,
                conflict_clashes=merge.clashes,
            ),
            status=409,
        )


class Clash(tuple):
    """A field both people changed: unpacks as (label, theirs, yours); `anchor` is the id of the
    field on the page, for the conflict box to link to it."""

    def __new__(cls, label: str, theirs: str, yours: str, *, anchor: str = ""):
        clash = super().__new__(cls, (label, theirs, yours))
        clash.anchor = anchor
        return clash

    label = property(lambda self: self[0])
    theirs = property(lambda self: self[1])
    yours = property(lambda self: self[2])


class Merge:
    """A three-way merge of a stale form: the record as the person opened it (from its
    history, by version), as it is now, and as the person wants it."""

    def __init__(self, form: forms.ModelForm, conflict: EditConflict):
        current = conflict.current
        opened = _as_opened(current, form.cleaned_data.get("version"))
        own = _model_field_names(current) - {"version", "submission_id"}
        fields = [name for name in form.fields if name in own]
        m2m_names = {f.name for f in current._meta.many_to_many}
        theirs = model_to_dict(current, fields=fields)
        base = (
            model_to_dict(opened, fields=[n for n in fields if n not in m2m_names])
            if opened is not None
            else {}
        )
        self.instance = type(current)._default_manager.get(pk=current.pk)
        self.m2m: dict = {}
        self.taken: list[tuple[str, str]] = []  # (label, their value) taken as theirs
        self.clashes: list[Clash] = []
        self.initial: dict = {}
        mine_instance = form.instance
        for name in fields:
            field = form.fields[name]
            t = _comparable(field.prepare_value(theirs.get(name)))
            m = _comparable(field.prepare_value(form.cleaned_data.get(name)))
            b = _comparable(field.prepare_value(base[name])) if name in base else None
            label = str(field.label or name)
            keep_mine = True
            if t == m:
                keep_mine = False
            elif b is not None and m == b:  # only they changed it: theirs is newer
                keep_mine = False
                self.taken.append((label, display_value(current, name)))
            elif b is None or t != b:  # both changed it, differently (or we cannot tell)
                self.clashes.append(
                    Clash(
                        label,
                        display_value(current, name),
                        _display_mine(form, name),
                        anchor=field_anchor(form[name]),
                    )
                )
            if name in m2m_names:
                chosen = form.cleaned_data.get(name) if keep_mine else getattr(current, name).all()
                self.m2m[name] = list(chosen)
                self.initial[name] = [o.pk for o in self.m2m[name]]
            elif keep_mine:
                setattr(self.instance, name, getattr(mine_instance, name))
        # What the form carries that is not a field of the model (choices typed as text…).
        for name in form.fields:
            if name not in fields and name not in ("version",) and name in form.cleaned_data:
                self.initial[name] = form.cleaned_data[name]

    def merged_message(self, conflict: EditConflict) -> str:
        fields = ", ".join(label for label, _value in self.taken)
        if not fields:
            return str(_("Changes saved."))
        return _(
            "Changes saved. %(user)s had changed other fields meanwhile (%(fields)s): their "
            "values are kept with yours."
        ) % {"user": conflict.changed_by or _("someone"), "fields": fields}


def _model_field_names(obj: models.Model) -> set[str]:
    return {f.name for f in obj._meta.get_fields() if f.concrete or f.many_to_many}


def _as_opened(current: models.Model, version) -> models.Model | None:
    """The record as it was at `version` (its history keeps every version), or None."""
    if not isinstance(version, int) or not hasattr(current, "history"):
        return None
    entry = current.history.filter(version=version).exclude(history_type="-").first()
    return entry.instance if entry is not None else None


def _display_mine(form, name: str) -> str:
    value = form.cleaned_data.get(name)
    if isinstance(value, list | tuple | set) or hasattr(value, "all"):
        items = value.all() if hasattr(value, "all") else value
        return ", ".join(str(v) for v in items) or "—"
    field = form.fields[name]
    choices = dict(getattr(field, "choices", ()) or ())
    if value in choices and not hasattr(value, "pk"):
        return str(choices[value]) or "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if value in (None, ""):
        return "—"
    return str(formats.localize(value))


def _comparable(value: Any) -> Any:
    if isinstance(value, list | tuple | set):
        return sorted(str(v) for v in value)
    if value is None:
        return ""
    return str(value)


def display_value(obj: models.Model, name: str) -> str:
    """A record's field (or property) as people read it: choices by their label, yes/no,
    dates and numbers localised, "—" when empty. Pages and the conflict box both use it."""
    try:
        f = obj._meta.get_field(name)
    except FieldDoesNotExist:
        f = None
    if f is not None and f.many_to_many:
        return ", ".join(str(o) for o in getattr(obj, name).all()) or "—"
    if f is not None and f.choices:
        return str(getattr(obj, f"get_{name}_display")()) or "—"
    value = getattr(obj, name, None)
    if callable(value) and not isinstance(value, models.Manager):
        value = value()
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(formats.localize(value))


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: Any
    user: Any
    kind: str  # "+", "~" or "-"
    kind_label: str
    changes: list[Change] = field(default_factory=list)


KIND_LABELS = {
    "+": gettext_lazy("Created"),
    "~": gettext_lazy("Changed"),
    "-": gettext_lazy("Deleted"),
}
HIDDEN_HISTORY_FIELDS = {"id", "version", "submission_id", "created_at", "updated_at"}


def _history_value(record, f: models.Field, related: dict) -> str:
    raw = getattr(record, f.attname)
    if raw in (None, ""):
        return "—"
    if f.is_relation:
        return str(related.get((f.related_model, raw), raw))
    if f.choices:
        return str(dict(f.flatchoices).get(raw, raw))
    if isinstance(raw, bool):
        return _("yes") if raw else _("no")
    return str(formats.localize(raw))


def m2m_history_fields(model) -> list[models.ManyToManyField]:
    return [model._meta.get_field(name) for name in getattr(model, "_history_m2m_fields", [])]


def _m2m_ids(chain: list, f: models.ManyToManyField) -> dict[int, tuple]:
    """history_id → ids of the related objects each historical record held (one query)."""
    m2m_history_model = type(chain[0]).__dict__[f.name].model
    rows = m2m_history_model.objects.filter(
        history_id__in=[r.history_id for r in chain]
    ).values_list("history_id", f"{f.m2m_reverse_field_name()}_id")
    held: dict[int, list] = {r.history_id: [] for r in chain}
    for history_id, target_id in rows:
        held[history_id].append(target_id)
    return {k: tuple(sorted(v)) for k, v in held.items()}


def history_entries(records: list, previous) -> list[HistoryEntry]:
    """Turn historical records (newest first) into entries listing each field that changed.

    `previous` is the record just older than the last one of `records` (or None), so that the
    oldest entry on a page can be compared too. Related objects are fetched in one query per
    related model, not one per row. Entries where nothing visible changed are left out.
    """
    if not records:
        return []
    model = records[0].instance_type
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.name not in HIDDEN_HISTORY_FIELDS and hasattr(records[0], f.attname)
    ]
    m2m = m2m_history_fields(model)
    chain = [*records, previous] if previous is not None else list(records)
    wanted: dict[type, set] = {}
    for f in fields:
        if f.is_relation:
            ids = {getattr(r, f.attname) for r in chain} - {None}
            wanted.setdefault(f.related_model, set()).update(ids)
    m2m_values = {}
    for f in m2m:
        for history_id, ids in _m2m_ids(chain, f).items():
            m2m_values[(history_id, f.name)] = ids
            wanted.setdefault(f.related_model, set()).update(ids)
    related = {
        (rel_model, obj.pk): obj
        for rel_model, ids in wanted.items()
        for obj in rel_model._default_manager.filter(pk__in=ids)
    }

    def m2m_text(record, f) -> str:
        ids = m2m_values[(record.history_id, f.name)]
        return ", ".join(str(related.get((f.related_model, i), i)) for i in ids) or "—"

    entries = []
    for i, record in enumerate(records):
        older = chain[i + 1] if i + 1 < len(chain) else None
        entry = HistoryEntry(
            when=record.history_date,
            user=record.history_user,
            kind=record.history_type,
            kind_label=str(KIND_LABELS[record.history_type]),
        )
        if record.history_type != "-":
            for f in fields:
                new = _history_value(record, f, related)
                old = _history_value(older, f, related) if older is not None else "—"
                if older is None or getattr(older, f.attname) != getattr(record, f.attname):
                    if record.history_type == "+" and new == "—":
                        continue
                    entry.changes.append(Change(str(f.verbose_name).capitalize(), old, new))
            for f in m2m:
                new_ids = m2m_values[(record.history_id, f.name)]
                old_ids = m2m_values[(older.history_id, f.name)] if older is not None else ()
                if new_ids != old_ids:
                    old = m2m_text(older, f) if older is not None else "—"
                    entry.changes.append(
                        Change(str(f.verbose_name).capitalize(), old, m2m_text(record, f))
                    )
        if entry.changes or record.history_type != "~":
            entries.append(entry)
    return entries


class HistoryMixin:
    """A view showing one record's history, newest first, paginated.

    The view provides `get_object()` (through the access layer).
    """

    template_name = "history.html"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        history = self.object.history.select_related("history_user").order_by(
            "-history_date", "-history_id"
        )
        page = Paginator(history, self.paginate_by).get_page(request.GET.get("page"))
        records = list(page.object_list)
        previous = None
        if records:
            previous = history.filter(
                models.Q(history_date__lt=records[-1].history_date)
                | models.Q(
                    history_date=records[-1].history_date,
                    history_id__lt=records[-1].history_id,
                )
            ).first()
        context = self.get_context_data(
            object=self.object, page_obj=page, entries=history_entries(records, previous)
        )
        return self.render_to_response(context)
