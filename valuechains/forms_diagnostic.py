"""The forms of a diagnostic's page: each section is a sheet of lines (formsets, a stage's
operators and an action's indicators nested in their line) that only parses and presents;
`valuechains.services.section_save` holds the rules.

Choices (stages, bottlenecks, actions, stakeholders, communes) are computed once per section
and offered as plain choices, so a page with many lines does not query once per select; a
choice from outside the diagnostic or the province is refused as an invalid choice.
"""

import uuid

from django import forms
from django.db import models
from django.forms import formset_factory
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from targa.core.access import in_province
from targa.core.editing import date_input
from valuechains.models import Bottleneck, DiagnosticSection, FlagshipAction, Stage
from valuechains.services import SECTION_SHEETS, Line, SheetSpec

TEXTAREA_ROWS = 2


class SectionHeadForm(forms.Form):
    """What every section form carries: the section's version when opened, the submission
    token (a resend is recognised), and its summary (the vision, for the strategy)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    submission_id = forms.UUIDField(widget=forms.HiddenInput, required=False)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, key, **kwargs):
        super().__init__(*args, **kwargs)
        if key == DiagnosticSection.Key.STRATEGY:
            self.fields["summary"].label = _("Vision of the chain")


class LineForm(forms.Form):
    """One line: its id and version when opened (none for a new line) and its fields."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _choices_for(model, diagnostic, province, cache: dict) -> list[tuple[int, str]]:
    """The records a line may point to, one query per kind for the whole section."""
    if model not in cache:
        names = {f.name for f in model._meta.fields}
        qs = model._default_manager.all()
        if "diagnostic" in names:
            qs = qs.filter(diagnostic=diagnostic)
        elif hasattr(model, "province_path"):
            qs = in_province(qs, province)
        else:
            qs = qs.none()
        cache[model] = [(obj.pk, str(obj)) for obj in qs]
    return cache[model]


def line_form_class(spec: SheetSpec, *, diagnostic, province, cache: dict) -> type:
    """A LineForm with the fields of one kind of line (its order is its place in the sheet)."""
    names = [n for n in spec.fields if n != "order"]
    attrs = {}
    for name, formfield in fields_for_model(spec.model, fields=names + list(spec.m2m)).items():
        model_field = spec.model._meta.get_field(name)
        if model_field.is_relation:
            choices = _choices_for(model_field.related_model, diagnostic, province, cache)
            if model_field.many_to_many:
                formfield = forms.TypedMultipleChoiceField(
                    label=formfield.label,
                    choices=choices,
                    coerce=int,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )
            else:
                formfield = forms.TypedChoiceField(
                    label=formfield.label,
                    choices=[("", "---------"), *choices],
                    coerce=int,
                    empty_value=None,
                    required=formfield.required,
                )
        elif isinstance(model_field, models.DateField):
            formfield.widget = date_input()
        elif isinstance(formfield.widget, forms.Textarea):
            formfield.widget.attrs["rows"] = TEXTAREA_ROWS
        attrs[name] = formfield
    return type(f"{spec.model.__name__}LineForm", (LineForm,), attrs)


def _initial(spec: SheetSpec, row) -> dict:
    values = {"id": row.pk, "version": row.version}
    for name in spec.fields:
        if name == "order":
            continue
        f = spec.model._meta.get_field(name)
        values[name] = getattr(row, f.attname)
    for name in spec.m2m:
        values[name] = [obj.pk for obj in getattr(row, name).all()]
    return values


def _ensure_management(data, prefix: str) -> None:
    """A line added without its own lines yet (a new stage): an empty sheet of children."""
    for suffix in ("TOTAL_FORMS", "INITIAL_FORMS"):
        data.setdefault(f"{prefix}-{suffix}", "0")


class Sheet:
    """One kind of line of a section as a formset; each line may hold a sheet of its own."""

    def __init__(self, name, spec, rows, *, data, prefix, diagnostic, province, cache, children):
        self.name, self.spec, self.rows, self.prefix = name, spec, rows, prefix
        self.label = spec.model._meta.verbose_name_plural
        form_class = line_form_class(spec, diagnostic=diagnostic, province=province, cache=cache)
        formset_class = formset_factory(form_class, extra=0, can_delete=True)
        if data is not None:
            _ensure_management(data, prefix)
            self.formset = formset_class(data, prefix=prefix)
        else:
            self.formset = formset_class(initial=[_initial(spec, r) for r in rows], prefix=prefix)
        self.child_sheets = []
        if spec.child is not None:
            by_id = {r.pk: r for r in rows}
            for i, form in enumerate(self.formset.forms):
                row = by_id.get(form.initial.get("id")) if data is None else None
                kids = list(getattr(row, children).all()) if row is not None else []
                self.child_sheets.append(
                    Sheet(
                        spec.child_name,
                        spec.child,
                        kids,
                        data=data,
                        prefix=f"{prefix}-{i}-{spec.child_name}",
                        diagnostic=diagnostic,
                        province=province,
                        cache=cache,
                        children=None,
                    )
                )
        self.field_names = [n for n in (*spec.fields, *spec.m2m) if n != "order"]

    @property
    def lines(self):
        """(form, its child sheet or None) for the template."""
        kids = self.child_sheets or [None] * len(self.formset.forms)
        return list(zip(self.formset.forms, kids, strict=True))

    def is_valid(self) -> bool:
        valid = self.formset.is_valid()
        for child in self.child_sheets:
            valid = child.is_valid() and valid
        return valid

    def parsed(self, places: dict, key: str) -> list[Line]:
        """The lines for the service; `places` maps each line's key in LineErrors to its form."""
        lines = []
        for i, form in enumerate(self.formset.forms):
            child = self.child_sheets[i] if self.child_sheets else None
            data = form.cleaned_data
            if not data or (form.empty_permitted and not form.has_changed()):
                if child is None or not child.has_lines():
                    continue
            if data.get("DELETE"):
                if data.get("id"):
                    lines.append(Line(id=data["id"], version=data.get("version"), delete=True))
                continue
            place = f"{key}.{len(lines)}"
            places[place] = form
            values = {n: data.get(n) for n in self.spec.fields if n != "order"}
            if "order" in self.spec.fields:
                values["order"] = len(lines) + 1
            for name, value in values.items():
                if value is None and not self.spec.model._meta.get_field(name).null:
                    values[name] = ""
            m2m = {n: data.get(n) or [] for n in self.spec.m2m} if self.spec.m2m else None
            children = (
                child.parsed(places, f"{place}.{self.spec.child_name}")
                if child is not None
                else None
            )
            lines.append(
                Line(
                    values=values,
                    id=data.get("id"),
                    version=data.get("version"),
                    m2m=m2m,
                    children=children,
                )
            )
        return lines

    def has_lines(self) -> bool:
        return any(f.has_changed() for f in self.formset.forms)

    def forget_versions(self, current: dict) -> None:
        """After a conflict: the kept input starts from the lines as they are now (a line
        removed meanwhile becomes a new line)."""
        data = self.formset.data
        for i in range(self.formset.total_form_count()):
            name = f"{self.prefix}-{i}-id"
            try:
                pk = int(data.get(name) or 0)
            except ValueError:
                pk = 0
            if not pk:
                continue
            if pk in current.get(self.spec.model, {}):
                data[f"{self.prefix}-{i}-version"] = str(current[self.spec.model][pk])
            else:
                data[name] = ""
                data[f"{self.prefix}-{i}-version"] = ""
        for child in self.child_sheets:
            child.forget_versions(current)


# What each section shows, from `selectors.diagnostic_content`.
ROWS = {
    "stages": ("stages", "operators"),
    "supporters": ("supporters", None),
    "bottlenecks": ("bottlenecks", None),
    "opportunities": ("opportunities", None),
    "swot": ("swot_entries", None),
    "observations": ("observations", None),
    "objectives": ("objectives", None),
    "actions": ("actions", "indicators"),
    "advocacy": ("advocacy", None),
}


def rows_of(content, name: str) -> list:
    if name == "swot":
        return [entry for entries in content.swot.values() for entry in entries]
    return list(getattr(content, ROWS[name][0]))


def page_choices(content) -> dict:
    """The choices a page's sections share, those of the diagnostic read from its content
    (no query); the province's stakeholders and communes are read once for all sections."""
    return {
        Stage: [(s.pk, str(s)) for s in content.stages],
        Bottleneck: [(b.pk, str(b)) for b in content.bottlenecks],
        FlagshipAction: [(a.pk, str(a)) for a in content.actions],
    }


class SectionForm:
    """A whole section: its head (version, token, summary) and its sheets."""

    def __init__(self, section, content, *, province, data=None, add: str = "", cache=None):
        self.section, self.key = section, section.key
        self.prefix = f"s-{section.key}"
        if data is not None:
            data = data.copy()
        self.data = data
        self.added = bool(add) and self._add_line(add)
        self.head = SectionHeadForm(
            data,
            key=section.key,
            prefix=self.prefix,
            initial={
                "version": section.version,
                "submission_id": uuid.uuid4(),
                "summary": section.summary,
            },
        )
        cache = page_choices(content) if cache is None else cache
        self.sheets = [
            Sheet(
                name,
                spec,
                rows_of(content, name),
                data=data,
                prefix=f"{self.prefix}-{name}",
                diagnostic=content.diagnostic,
                province=province,
                cache=cache,
                children=ROWS[name][1],
            )
            for name, spec in SECTION_SHEETS[section.key].items()
        ]
        self.places: dict = {}

    def is_valid(self) -> bool:
        valid = self.head.is_valid()
        for sheet in self.sheets:
            valid = sheet.is_valid() and valid
        return valid

    def parsed(self) -> dict:
        self.places = {}
        return {sheet.name: sheet.parsed(self.places, sheet.name) for sheet in self.sheets}

    def _add_line(self, prefix: str) -> bool:
        """The "add a line" button of the sheet `prefix`: one more blank line, input kept."""
        if self.data is None or not prefix.startswith(self.prefix + "-"):
            return False
        total = f"{prefix}-TOTAL_FORMS"
        if total not in self.data:
            return False
        try:
            self.data[total] = str(min(int(self.data[total]) + 1, 500))
        except ValueError:
            return False
        return True

    def line_errors(self, error) -> None:
        """The service's LineErrors on their lines, and the summary on top."""
        for key, line_error in error.lines.items():
            form = self.places.get(key)
            if form is not None and hasattr(line_error, "error_dict"):
                for name, errors in line_error.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                (form or self.head).add_error(None, line_error.messages)
        self.head.add_error(None, _("Nothing was saved: correct the lines marked below."))

    @property
    def errors_count(self) -> int:
        def count(sheet):
            n = sum(1 for f in sheet.formset.forms if f.errors)
            return n + sum(count(c) for c in sheet.child_sheets)

        return sum(count(s) for s in self.sheets)
