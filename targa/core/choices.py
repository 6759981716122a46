"""Choices that grow with the data (meetings, stakeholders, members…), picked by typing.

A select that lists every meeting of six years, or every stakeholder of a province, costs
most of a list page's time and HTML. An app declares in its AppConfig (`choice_sources` of
its `Contributions`) the records whose number grows without bound; every filter of the record
kit and every field of a `ScopedForm` that points at one then renders as a text field with
suggestions (`SearchInput`): as the person types, htmx asks the base's `choices:suggest` view
for the 20 best matches of the province and puts them in the field's <datalist>. Without
JavaScript it is a plain text field: the server (`SearchChoiceField`) takes the name, part of
it that names one record, or the record's number, and says so when nothing or several match.
The field's queryset is the form's, so what may be chosen is checked as before. Small fixed
sets (statuses, years, a province's communes) stay selects.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, reduce
from operator import or_

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from targa.core import registry
from targa.core.access import in_province

SUGGESTIONS = 20  # a page of suggestions
WORD = re.compile(r"\w+")

NO_MATCH = _(
    "Nothing here matches “%(value)s”. Type part of the name, or choose one of the suggestions."
)
SEVERAL = _(
    "Several choices match “%(value)s”: type more of the name, or choose one of the suggestions."
)


PK_MAX = 2**63 - 1  # the largest id a database keeps (a 64-bit integer)


def as_pk(text) -> int | None:
    """The record number `text` is, if it is one a database could hold (a typed
    "99999999999999999999" names nothing; SQLite would fail on the query)."""
    digits = str(text).strip()
    if not digits.isdigit() or len(digits) > 19:
        return None
    number = int(digits)
    return number if number <= PK_MAX else None


def words(text: str) -> list[str]:
    return WORD.findall(text or "")


def label(obj: Model) -> str:
    """How a record is named in a search field: as everywhere else, by its `str`."""
    return str(obj)


@dataclass(frozen=True)
class ChoiceSource:
    """Records of one model people pick by typing, in one province.

    `search` names the fields each typed word is looked for in; or `matcher`, the dotted path
    of `matcher(queryset, text) -> queryset`, reads the text its own way (dates of meetings).
    `narrow` holds lookups every choice meets (only associations…); `filters`, lookups a
    field may add to its suggestions' URL to offer what its own queryset accepts (meetings
    since a date: `SearchChoiceField.narrow_suggestions`). The `default` source of a model
    serves every choice field that points at it; others are asked for by name
    (`SearchChoiceField.use_source`).
    """

    name: str
    model: str  # "app_label.ModelName"
    search: tuple[str, ...] = ()
    matcher: str = ""
    narrow: tuple[tuple[str, object], ...] = ()
    filters: tuple[str, ...] = ()
    default: bool = True

    def get_model(self) -> type[Model]:
        return apps.get_model(self.model)

    def queryset(self, province) -> QuerySet:
        """Every record of the province this source offers (before any typing)."""
        qs = self.get_model()._default_manager.filter(**dict(self.narrow))
        return in_province(qs, province)

    def narrowed(self, qs: QuerySet, params) -> QuerySet:
        """`qs` with the declared `filters` found in `params` (a value that does not fit its
        field is left out)."""
        for lookup in self.filters:
            value = params.get(lookup)
            if value:
                try:
                    qs = qs.filter(**{lookup: value})
                except (ValidationError, ValueError):
                    continue
        return qs

    def matching(self, qs: QuerySet, text: str) -> QuerySet:
        """The records of `qs` the text names: each word found in one of the fields."""
        if self.matcher:
            return _matcher(self.matcher)(qs, text or "")
        conditions = [
            reduce(or_, (Q(**{f"{field}__icontains": word}) for field in self.search))
            for word in words(text)
        ]
        return qs.filter(*conditions) if conditions else qs

    def resolve(self, qs: QuerySet, text: str) -> Model:
        """The one record of `qs` that `text` names: its number, its exact name, or words that
        match it alone. ValidationError ("invalid_choice", "several") otherwise, the same for
        a record of another province as for none."""
        text = text.strip()
        if (pk := as_pk(text)) is not None:
            found = qs.filter(pk=pk).first()
            if found is not None:
                return found
        candidates = list(self.matching(qs, text)[: SUGGESTIONS + 1])
        exact = [c for c in candidates if label(c).casefold() == text.casefold()]
        if len(exact) == 1:
            return exact[0]
        if len(candidates) == 1:
            return candidates[0]
        code = "several" if candidates else "invalid_choice"
        raise ValidationError(
            SEVERAL if candidates else NO_MATCH, code=code, params={"value": text}
        )

    def url(self, province) -> str:
        return reverse("choices:suggest", kwargs={"code": province.code, "source": self.name})


@cache
def _matcher(path: str) -> Callable[[QuerySet, str], QuerySet]:
    return import_string(path)


@cache
def sources() -> dict[str, ChoiceSource]:
    """Every declared source by name."""
    return {s.name: s for s in registry.choice_sources()}


@cache
def source_for(model: type[Model]) -> ChoiceSource | None:
    """The default source of a model, if its records grow without bound."""
    label_ = model._meta.label_lower
    for s in sources().values():
        if s.default and s.model.lower() == label_:
            return s
    return None


class SearchInput(forms.TextInput):
    """A text field with suggestions from `url`, fetched by htmx into its own <datalist>."""

    template_name = "forms/widgets/search_input.html"

    def __init__(self, attrs=None, url: str = ""):
        defaults = {"autocomplete": "off", "placeholder": _("Type to search…")}
        super().__init__({**defaults, **(attrs or {})})
        self.url = url
        self.filters: dict[str, str] = {}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["list_id"] = f"{widget['attrs'].get('id') or name}_choices"
        # htmx sends the field's value under its own name; `field` says which that is.
        query = urlencode({"field": name, **self.filters})
        widget["url"] = f"{self.url}?{query}" if self.url else ""
        return context


class SearchChoiceField(forms.ModelChoiceField):
    """A choice among `queryset` typed by name (see `ChoiceSource.resolve`); it shows the
    record's name, not its number, and validates exactly as the select it replaces."""

    widget = SearchInput
    default_error_messages = {"invalid_choice": NO_MATCH, "several": SEVERAL}

    def __init__(self, queryset, *, source: ChoiceSource, province, **kwargs):
        kwargs.pop("empty_label", None)
        super().__init__(queryset, empty_label=None, **kwargs)
        self.source = source
        self.widget.url = source.url(province)
        self.province = province
        self._resolved: dict[str, Model] = {}

    @classmethod
    def replacing(cls, field: forms.ModelChoiceField, source: ChoiceSource, province):
        """The same choice as `field` (queryset, label, help, required), typed by name."""
        return cls(
            field.queryset,
            source=source,
            province=province,
            label=field.label,
            required=field.required,
            help_text=field.help_text,
            initial=field.initial,
            disabled=field.disabled,
        )

    def use_source(self, name: str) -> None:
        """Suggest from another declared source (e.g. associations only, as the queryset)."""
        self.source = sources()[name]
        self.widget.url = self.source.url(self.province)

    def narrow_suggestions(self, **lookups) -> None:
        """Suggest only what the queryset accepts, by lookups the source declares."""
        unknown = set(lookups) - set(self.source.filters)
        if unknown:
            raise ValueError(f"{self.source.name} cannot be narrowed by {sorted(unknown)}")
        self.widget.filters.update({k: str(v) for k, v in lookups.items()})

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result._resolved = {}
        return result

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Model):
            return value
        key = str(value).strip()
        if key not in self._resolved:
            try:
                self._resolved[key] = self.source.resolve(self.queryset, key)
            except ValidationError as error:
                raise ValidationError(
                    self.error_messages[error.code], code=error.code, params={"value": key}
                ) from error
        return self._resolved[key]

    def prepare_value(self, value):
        """What the text box shows: the record's name (its number only if not found here)."""
        if isinstance(value, Model):
            return label(value)
        if value in self.empty_values:
            return ""
        key = str(value).strip()
        if key in self._resolved:
            return label(self._resolved[key])
        if (pk := as_pk(key)) is not None:
            found = self.queryset.filter(pk=pk).first()
            if found is not None:
                self._resolved[key] = found
                return label(found)
        return key

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        try:
            new = self.to_python(data)
        except ValidationError:
            return True
        old = initial.pk if isinstance(initial, Model) else initial
        return str(old if old is not None else "") != str(new.pk if new is not None else "")


class SearchMultipleInput(forms.Widget):
    """Several search boxes under one name (a fieldset): the chosen records' names, then
    `extra` empty boxes; each box gets its own suggestions, as the base's `SearchInput`."""

    template_name = "forms/widgets/search_inputs.html"
    use_fieldset = True

    def __init__(self, attrs=None, url: str = "", extra: int = 3, label: str = ""):
        defaults = {"autocomplete": "off", "placeholder": _("Type to search…")}
        super().__init__({**defaults, **(attrs or {})})
        self.url, self.extra, self.label = url, extra, label
        self.invalid: set[str] = set()  # the texts that named nothing, or several (marked)

    def format_value(self, value) -> list[str]:
        if value in (None, ""):
            return []
        if isinstance(value, str):
            return [value]
        return [str(v) for v in value if v not in (None, "")]

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        return getter(name) if getter is not None else data.get(name, [])

    def value_omitted_from_data(self, data, files, name):
        return False  # an empty list of boxes means "nobody", not "not sent"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        shared = dict(widget["attrs"])
        base_id = shared.pop("id", None) or f"id_{name}"
        # The field's errors are shown on the boxes that caused them, not on every box.
        field_invalid = shared.pop("aria-invalid", None) is not None
        css = [c for c in shared.pop("class", "").split() if c != "is-invalid"]
        url = f"{self.url}?field={name}" if self.url else ""
        boxes = []
        for i, text in enumerate([*widget["value"], *[""] * self.extra]):
            box_id = f"{base_id}_{i}"
            invalid = field_invalid and (text in self.invalid or (not self.invalid and i == 0))
            box = {
                "id": box_id,
                "aria-label": _("%(field)s, box %(n)s") % {"field": self.label, "n": i + 1},
                "list": f"{box_id}_choices",
                **shared,
                "class": " ".join([*css, "is-invalid"] if invalid else css),
            }
            if text:
                box["value"] = text
            if url:
                box.update(
                    {
                        "data-hx-get": url,
                        "data-hx-trigger": "focus once, input changed delay:250ms",
                        "data-hx-target": f"#{box_id}_choices",
                        "data-hx-swap": "innerHTML",
                        "data-hx-sync": "this:replace",
                    }
                )
            if invalid:
                box.update({"aria-invalid": "true", "aria-describedby": f"{base_id}_error"})
            boxes.append(box)
        widget["boxes"] = boxes
        return context

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else id_


class SearchMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several records of `queryset` typed by name (see `ChoiceSource.resolve`), each box
    checked as the single choice is; the same record typed twice counts once."""

    widget = SearchMultipleInput
    default_error_messages = {
        "invalid_choice": NO_MATCH,
        "several": SEVERAL,
    }

    def __init__(self, queryset, *, source: ChoiceSource, province, extra=3, **kwargs):
        super().__init__(queryset, **kwargs)
        self.source = source
        self.widget.url = source.url(province)
        self.widget.extra = extra
        self.widget.label = str(self.label or "")

    @classmethod
    def replacing(cls, field: forms.ModelMultipleChoiceField, source, province, extra=3):
        return cls(
            field.queryset,
            source=source,
            province=province,
            extra=extra,
            label=field.label,
            required=field.required,
            help_text=field.help_text,
        )

    def _texts(self, value) -> list[str]:
        if value in self.empty_values:
            return []
        if isinstance(value, str | int | Model):
            value = [value]
        return [v if isinstance(v, Model) else str(v).strip() for v in value if str(v).strip()]

    def _resolve(self, text: str) -> Model:
        return self.source.resolve(self.queryset, text)

    def clean(self, value):
        texts = self._texts(value)
        if not texts:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        found, errors, seen = [], [], set()
        self.widget.invalid = set()
        for text in texts:
            try:
                record = text if isinstance(text, Model) else self._resolve(text)
            except ValidationError as error:
                self.widget.invalid.add(text)
                errors.append(
                    ValidationError(
                        self.error_messages[error.code], code=error.code, params={"value": text}
                    )
                )
                continue
            if record.pk not in seen:
                seen.add(record.pk)
                found.append(record)
        if errors:
            raise ValidationError(errors)
        return found

    def prepare_value(self, value):
        """What the boxes show: the records' names (a number only if not found here)."""
        items = self._texts(value)
        ids = [pk for v in items if isinstance(v, str) and (pk := as_pk(v)) is not None]
        named = {}
        if ids:
            named = {str(r.pk): label(r) for r in self.queryset.filter(pk__in=ids)}
        return [label(v) if isinstance(v, Model) else named.get(v, v) for v in items]

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        try:
            new = {r.pk for r in self.clean(data)}
        except ValidationError:
            return True
        old = {v.pk if isinstance(v, Model) else int(v) for v in (initial or [])}
        return old != new


def use_search_fields(form: forms.BaseForm, province) -> None:
    """Turn each choice of `form` among records that grow without bound into search fields
    over the same queryset (so the same records are accepted): one box for a single choice,
    a box a record for several (`SearchMultipleChoiceField`)."""
    for name, field in list(form.fields.items()):
        if not isinstance(field, forms.ModelChoiceField) or isinstance(
            field, SearchChoiceField | SearchMultipleChoiceField
        ):
            continue
        source = source_for(field.queryset.model)
        if source is None:
            continue
        kind = (
            SearchMultipleChoiceField
            if isinstance(field, forms.ModelMultipleChoiceField)
            else SearchChoiceField
        )
        form.fields[name] = kind.replacing(field, source, province)
