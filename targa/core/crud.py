"""Generic views for province-scoped records, so each app writes only what is its own.

URLs carry the province's HCP code (`/provinces/05.301/stakeholders/12/`). Every view loads
the province and the record through the access layer and declares the permission it needs
(`required_perm`); lists are paginated, filterable (django-filter), searchable and export the
filtered rows to CSV or Excel; forms save through the services of `targa.core.records`.

Child records (a stakeholder's contacts, a meeting's recommendations) use `parent_model`:
the parent is loaded through the access layer from the URL's `parent_pk`. Records nested
deeper (a diagnostic → its stages → their operators) name the records above the parent in
`ancestors`: each is loaded in turn, inside the one above it, so a URL mixing records of two
different branches answers 404.
"""

import io
import uuid
from dataclasses import dataclass
from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import (
    ImproperlyConfigured,
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, resolve, reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView, TemplateView, UpdateView

from targa.core import choices, exports, jobs, workflow
from targa.core.access import (
    Perm,
    access_object,
    access_province,
    in_province,
    perms_in,
    province_id_of,
)
from targa.core.editing import HistoryMixin, SafeCreateMixin, SafeUpdateMixin
from targa.core.models import state_field
from targa.core.ordering import search_key
from targa.core.records import DELETED_MESSAGE, EditConflict, deleted_record, record_delete

EXPORT_FORMATS = exports.FORMATS


def export_file(
    resource_class, queryset: QuerySet, fmt: str, *, stem: str, title: str, on_row=None
):
    """The rows of `queryset` as (filename, content type, bytes), with the resource's columns,
    through the one writer (`targa.core.exports`); `title` names the sheet."""
    resource = resource_class()
    resource.on_row = on_row
    out = io.BytesIO()
    exports.write_table(resource.table(queryset, title=title), fmt, out)
    content_type, ext = EXPORT_FORMATS[fmt]
    return f"{stem}-{timezone.localdate()}.{ext}", content_type, out.getvalue()


def export_response(resource_class, queryset: QuerySet, fmt: str, *, stem: str, title: str):
    """The same file, as a download answered in the request (small lists)."""
    filename, content_type, body = export_file(
        resource_class, queryset, fmt, stem=stem, title=title
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def list_view_for(user, path: str, query: str = "") -> "ScopedListView":
    """The record-kit list at `path`, set up for `user` outside a request (a job): the access
    layer is asked again (404/403 as on the page), with the same filters."""
    match = resolve(path)
    view_class = getattr(match.func, "view_class", None)
    if view_class is None or not issubclass(view_class, ScopedListView):
        raise ImproperlyConfigured(f"{path} is not a record-kit list.")
    view = view_class(**match.func.view_initkwargs)
    request = HttpRequest()
    request.method = "GET"
    request.path = path
    request.GET = QueryDict(query)
    request.user = user
    view.setup(request, *match.args, **match.kwargs)
    view.load_scope(request, match.kwargs)
    return view


def run_list_export(job) -> tuple[str, str, bytes]:
    """The worker's side of a large list export: the list view rebuilt for the job's owner
    (the access layer asked again, the same filters), its rows streamed into the file."""
    view = list_view_for(job.owner, job.params["path"], job.params.get("query", ""))
    qs, _filterset, _q = view.filtered()
    progress = jobs.Progress(job, total=qs.count(), step=gettext("Writing the rows"))
    resource = view.export_resource(qs, job.params["format"], query=job.params.get("query", ""))
    return export_file(
        resource,
        qs,
        job.params["format"],
        stem=view.export_stem(),
        title=view.export_title(),
        on_row=progress.advance,
    )


class SearchChoiceFilter(django_filters.Filter):
    """A filter on one record typed by name (`targa.core.choices`): it stands in for a
    ModelChoiceFilter whose records grow without bound, with the same field and lookup."""

    field_class = choices.SearchChoiceField

    @classmethod
    def replacing(cls, f: django_filters.ModelChoiceFilter, queryset, source, province):
        new = cls(
            field_name=f.field_name,
            lookup_expr=f.lookup_expr,
            label=f.label,
            method=f._method,
            distinct=f.distinct,
            exclude=f.exclude,
            queryset=queryset,
            source=source,
            province=province,
        )
        new.model, new.parent = f.model, f.parent
        return new


# What a list's search box takes: a name or two, not a page pasted in.
SEARCH_MAX = 100


@dataclass(frozen=True)
class Col:
    """A column of a record list, when a name alone does not say enough: its label (else
    the model field's verbose name), whether it never wraps (dates, codes, amounts: else
    found from the field) and whether it holds numbers (aligned to the end in a table)."""

    name: str
    label: object = None
    nowrap: bool | None = None
    numeric: bool = False


@dataclass(frozen=True)
class ListColumn:
    """A column as a list draws it: a table column at a desk; below Bootstrap's md
    breakpoint a labelled line of the record's card. The first column is the card's title;
    the key columns come right after it in their `order`, the others below them."""

    name: str
    label: str
    role: str  # "title", "key" or "more"
    order: int  # place on the card (0 the title, 1… the key columns, 99 the others)
    nowrap: bool
    numeric: bool

    @property
    def css(self) -> str:
        """The cell's classes: its role and place on a card (targa.css, "Phone lists")."""
        classes = [f"lc-{self.role}"]
        if self.role == "key":
            classes.append(f"lc-o{min(self.order, 6)}")
        if self.numeric:
            classes.append("text-md-end")
        return " ".join(classes)


# What a list shows first on a phone when it does not say (`card_fields`): the status,
# then dates, then who is responsible.
_DATE_FIELDS = (models.DateField, models.TimeField)
_RESPONSIBLE_WORDS = ("responsible", "owner", "trainer")


def _field(model, name: str):
    try:
        return model._meta.get_field(name.removeprefix("get_").removesuffix("_display"))
    except Exception:
        return None


def _key_rank(model, name: str) -> int | None:
    f = _field(model, name)
    if f is not None and (f is state_field(model) or f.name == "status"):
        return 0
    if name == "status":
        return 0
    if isinstance(f, _DATE_FIELDS):
        return 1
    if any(word in name for word in _RESPONSIBLE_WORDS):
        return 2
    return None


def column_label(model, name: str) -> str:
    """A column's label: the model field's verbose name, or the property's short_description."""
    f = _field(model, name)
    if f is not None:
        return str(f.verbose_name).capitalize()
    label = getattr(getattr(model, name, None), "short_description", None)
    if label is None:
        raise ImproperlyConfigured(f"Column {name} of {model.__name__} has no label")
    return str(label)


def list_columns(model, columns, card_fields=None) -> list[ListColumn]:
    """The columns of a list of `model`, with their place on a phone card.

    `columns` are attribute names or `Col`s, in the table's order; the first is the title of
    each card. `card_fields` names the key columns, in their order on the card; by default
    the status, the dates and who is responsible, as the table orders them.
    """
    specs = [c if isinstance(c, Col) else Col(c) for c in columns]
    names = [c.name for c in specs]
    if card_fields is None:
        ranked = [(_key_rank(model, n), i, n) for i, n in enumerate(names[1:])]
        card_fields = [n for rank, _i, n in sorted(r for r in ranked if r[0] is not None)]
    unknown = set(card_fields) - set(names[1:])
    if unknown:
        raise ImproperlyConfigured(f"Card fields {sorted(unknown)} are not columns of the list")
    out = []
    for i, spec in enumerate(specs):
        if i == 0:
            role, order = "title", 0
        elif spec.name in card_fields:
            role, order = "key", list(card_fields).index(spec.name) + 1
        else:
            role, order = "more", 99
        f = _field(model, spec.name)
        nowrap = spec.nowrap
        if nowrap is None:
            nowrap = isinstance(f, (*_DATE_FIELDS, models.DecimalField))
        out.append(
            ListColumn(
                name=spec.name,
                label=str(spec.label) if spec.label is not None else column_label(model, spec.name),
                role=role,
                order=order,
                nowrap=nowrap,
                numeric=spec.numeric,
            )
        )
    return out


def list_context(model, columns, card_fields=None) -> dict:
    """What {% list_head %} and {% cell %} read, for a list that is not a ScopedListView."""
    bound = list_columns(model, columns, card_fields)
    return {"columns": bound, "cols": {c.name: c for c in bound}}


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet whose choices of province-scoped models are limited to one province;
    a choice among records that grow without bound (meetings, stakeholders…) is typed, with
    suggestions, instead of a select that lists them all (`targa.core.choices`)."""

    def __init__(self, *args, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        if province is None:
            return
        for name, f in list(self.filters.items()):
            queryset = getattr(f, "queryset", None)
            if isinstance(queryset, QuerySet) and hasattr(queryset.model, "province_path"):
                f.queryset = in_province(queryset, province)
                source = choices.source_for(queryset.model)
                if source is not None and isinstance(f, django_filters.ModelChoiceFilter):
                    self.filters[name] = SearchChoiceFilter.replacing(
                        f, f.queryset, source, province
                    )


def add_label(model) -> str:
    """What the button and the form that create a `model` say: the model's own `add_label`
    ("New meeting": "Nouvelle réunion", the adjective agreeing with its noun), else a
    wording that agrees with any noun."""
    label = getattr(model, "add_label", None)
    if label:
        return str(label)
    return gettext("New %(what)s") % {"what": model._meta.verbose_name}


class ScopedMixin:
    """Loads `self.province` (and `self.parent`) through the access layer and checks the perm.

    Subclasses set `model`, and `url_base` ("provinces:stakeholder") from which the
    list/detail/create/edit/delete/history URL names are derived.
    """

    model = None
    url_base: str = ""
    required_perm = Perm.VIEW
    parent_model = None
    parent_field: str = ""  # the FK from `model` to `parent_model`
    # Above the parent, outermost first: (URL kwarg, model, FK to the one above it or "");
    # `parent_link` is the parent's FK to the last of them.
    ancestors: tuple[tuple[str, type, str], ...] = ()
    parent_link: str = ""

    def dispatch(self, request, *args, **kwargs):
        self.load_scope(request, kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load_scope(self, request, kwargs) -> None:
        """The province (and parent) of the URL, through the access layer; the perm checked."""
        self.province = access_province(user=request.user, code=kwargs["code"])
        self.perms_here = perms_in(request.user, self.province)
        self.lineage: list[tuple[str, object]] = []  # the ancestors loaded, outermost first
        above = None
        for kwarg, model, up in self.ancestors:
            above = self._load_below(model, above, up, kwargs[kwarg])
            self.lineage.append((kwarg, above))
        if self.parent_model is not None:
            self.parent = (
                self._load_below(self.parent_model, above, self.parent_link, kwargs["parent_pk"])
                if self.ancestors
                else self.get_parent(kwargs["parent_pk"])
            )
        if self.required_perm not in self.perms_here:
            raise PermissionDenied

    def _load_below(self, model, above, link: str, pk):
        """One record of the URL's chain, through the access layer, inside the one above."""
        qs = in_province(model._default_manager.all(), self.province)
        if above is not None:
            qs = qs.filter(**{link: above})
        return access_object(qs, user=self.request.user, pk=pk)

    def get_parent(self, pk):
        """The parent record named by the URL, loaded through the access layer."""
        return access_object(
            in_province(self.parent_model._default_manager.all(), self.province),
            user=self.request.user,
            pk=pk,
        )

    def base_queryset(self) -> QuerySet:
        # Joined because get_absolute_url() needs the province's code on every row.
        qs = in_province(
            self.model._default_manager.select_related(self.model.province_path), self.province
        )
        if self.parent_model is not None:
            qs = qs.filter(**{self.parent_field: self.parent})
        return qs

    def url_kwargs(self, **extra) -> dict:
        kwargs = {"code": self.province.code, **extra}
        for kwarg, obj in getattr(self, "lineage", ()):
            kwargs[kwarg] = obj.pk
        if self.parent_model is not None:
            kwargs["parent_pk"] = self.parent.pk
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            add_label=add_label(self.model),
            province=self.province,
            perms_here=self.perms_here,
            can_change=Perm.CHANGE in self.perms_here,
            can_validate=Perm.VALIDATE in self.perms_here,
            opts=self.model._meta,
            url_base=self.url_base,
            parent=getattr(self, "parent", None),
            list_url=(
                self.parent.get_absolute_url()
                if self.parent_model is not None
                else reverse(f"{self.url_base}_list", kwargs=self.url_kwargs())
            ),
        )
        return ctx


class ScopedObjectMixin(ScopedMixin):
    """For views on one record: `get_object` goes through the access layer."""

    def get_queryset(self):
        return self.base_queryset()

    def get_object(self, queryset=None):
        return access_object(
            queryset if queryset is not None else self.get_queryset(),
            user=self.request.user,
            perm=self.required_perm,
            pk=self.kwargs["pk"],
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class ScopedListView(ScopedMixin, TemplateView):
    """A paginated, filterable, searchable list with CSV/Excel export of the filtered rows."""

    template_name = "crud/list.html"
    filterset_class = None
    search_fields: tuple[str, ...] = ()
    # A field holding the records' names as `targa.core.ordering.search_key` writes them: the
    # search then ignores accents, case and Arabic vowel signs in it.
    search_key_field: str = ""
    # The list's columns: attribute names (or `Col`s) shown by the generic table; a list
    # with its own template names here the cells it draws with {% cell %}. The first is the
    # title of each record's card on a phone.
    columns: tuple[str | Col, ...] = ()
    # The key columns of a phone card, in their order after the title (status, dates,
    # responsible); None: found from the model (see `list_columns`).
    card_fields: tuple[str, ...] | None = None
    resource_class = None  # django-import-export resource for the export
    # The same rows with personal data (national IDs, phones…), exported to those with
    # `personal_perm` only; each such export is recorded (who, when, which rows).
    personal_resource_class = None
    personal_perm = Perm.CHANGE
    ordering: tuple[str, ...] = ("-id",)  # the default order; `order()` may compute one
    paginate_by = settings.PAGE_SIZE

    def get_queryset(self) -> QuerySet:
        return self.base_queryset()

    def filtered(self):
        qs = self.get_queryset()
        filterset = None
        self.filters_dropped: list[str] = []
        if self.filterset_class is not None:
            filterset = self._filterset(self.request.GET, qs)
            if filterset.is_bound and not filterset.is_valid():
                # A filter the list cannot read (a hand-typed ?year=0, a stale link) is left
                # out, and the person is told; the others still apply. A typed choice that
                # names nothing (or another province's record) says so, and stays typed.
                typed = {
                    name: filterset.form.data.get(name, "")
                    for name in filterset.errors
                    if isinstance(filterset.filters.get(name), SearchChoiceFilter)
                }
                for name in typed:
                    messages.warning(
                        self.request,
                        gettext("%(filter)s: %(message)s")
                        % {
                            "filter": filterset.form[name].label,
                            "message": " ".join(filterset.errors[name]),
                        },
                        fail_silently=True,
                    )
                labels = [
                    str(filterset.form[name].label)
                    for name in filterset.errors
                    if name not in typed
                ]
                if labels:
                    messages.warning(
                        self.request,
                        gettext("These filters were not understood and are not applied: %(f)s.")
                        % {"f": ", ".join(labels)},
                        fail_silently=True,
                    )
                self.filters_dropped = list(filterset.errors)
                data = self.request.GET.copy()
                for name in filterset.errors:
                    data.pop(name, None)
                filterset = self._filterset(data, qs)
                if typed and not filterset.is_bound:
                    filterset.form.initial.update(typed)
                elif typed and filterset.is_valid():
                    filterset.form.data = filterset.form.data.copy()
                    filterset.form.data.update(typed)
            if filterset.is_bound and filterset.is_valid():
                qs = filterset.qs
        self.filterset = filterset
        q = self.request.GET.get("q", "").strip()[:SEARCH_MAX]
        if q and (self.search_fields or self.search_key_field):
            found = [Q(**{f"{f}__icontains": q}) for f in self.search_fields]
            if self.search_key_field:  # accents, case and Arabic vowel signs ignored
                found.append(Q(**{f"{self.search_key_field}__contains": search_key(q)}))
            qs = qs.filter(reduce(or_, found))
        return self.order(qs), filterset, q

    def order(self, qs: QuerySet) -> QuerySet:
        """The rows in the list's default order (a list may compute it, e.g. late first)."""
        return qs.order_by(*self.ordering)

    def _filterset(self, data, qs):
        return self.filterset_class(
            data or None, queryset=qs, request=self.request, province=self.province
        )

    def filter_value(self, name: str):
        """A filter's value as the list applies it (None when absent or not understood)."""
        fs = getattr(self, "filterset", None)
        if fs is None or not fs.is_bound or not fs.is_valid():
            return None
        return fs.form.cleaned_data.get(name) or None

    def filters_active(self, filterset) -> int:
        """How many filters the list applies (the search box aside), for the folded
        "Filters (n active)" of a phone."""
        if filterset is None or not filterset.is_bound:
            return 0
        return sum(1 for name in filterset.form.fields if filterset.data.get(name, "") != "")

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in EXPORT_FORMATS and self.resource_class is not None:
            return self.export(fmt)
        return super().get(request, *args, **kwargs)

    def export_resource(self, qs: QuerySet, fmt: str, *, query: str):
        """The resource the person's export is written with: with personal data if their
        role needs it (the export is then recorded, with its rows), else without."""
        if self.personal_resource_class is None or self.personal_perm not in self.perms_here:
            return self.resource_class
        exports.record_personal_export(
            user=self.request.user,
            queryset=qs,
            scope_code=self.province.code,
            path=self.request.path,
            query=query,
            fmt=fmt,
        )
        return self.personal_resource_class

    def export_stem(self) -> str:
        return f"{self.model._meta.model_name}-{self.province.code}"

    def export_title(self) -> str:
        """What the exported sheet is named: the list's plural name, translated."""
        return capfirst(str(self.model._meta.verbose_name_plural))

    def export(self, fmt: str) -> HttpResponse:
        """A small list is answered at once; a large one becomes a background job, and the
        person follows its progress on the job's page."""
        qs, _filterset, _q = self.filtered()
        title = self.export_title()
        if qs.count() <= settings.EXPORT_INLINE_MAX_ROWS:
            resource = self.export_resource(qs, fmt, query=self.request.GET.urlencode())
            return export_response(resource, qs, fmt, stem=self.export_stem(), title=title)
        job = jobs.job_start(
            kind="list_export",
            label=f"{title} · {self.province.name} ({fmt.upper()})",
            owner=self.request.user,
            scope_code=self.province.code,
            params={
                "path": self.request.path,
                "query": self.request.GET.urlencode(),
                "format": fmt,
                "language": translation.get_language() or settings.LANGUAGE_CODE,
            },
        )
        return HttpResponseRedirect(job.get_absolute_url())

    def rows_context(self, qs: QuerySet) -> dict:
        """What the template shows of the filtered rows: one page (a chart may take them all)."""
        return {"page_obj": Paginator(qs, self.paginate_by).get_page(self.request.GET.get("page"))}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        qs, filterset, q = self.filtered()
        ctx.update(self.rows_context(qs))
        ctx.update(
            filter=filterset,
            q=q,
            searchable=bool(self.search_fields),
            filters_active=self.filters_active(filterset),
            filters_open=bool(self.filters_dropped),
            **list_context(self.model, self.columns, self.card_fields),
            exportable=self.resource_class is not None,
            create_url=self.get_create_url(),
        )
        return ctx

    def get_create_url(self) -> str | None:
        """Where the "Add" button leads; None hides it (e.g. records added from a parent's page)."""
        if Perm.CHANGE not in self.perms_here:
            return None
        return reverse(f"{self.url_base}_create", kwargs=self.url_kwargs())

    def column_label(self, name: str) -> str:
        return column_label(self.model, name)


class ScopedDetailView(ScopedObjectMixin, DetailView):
    template_name = "crud/detail.html"
    detail_fields: tuple[str, ...] = ()
    # The status panel of a record with a workflow; a page with its own status actions (and
    # log) turns it off.
    status_panel = True

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        kw = self.url_kwargs(pk=self.object.pk)
        user = self.request.user
        ctx.update(
            edit_url=reverse(f"{self.url_base}_edit", kwargs=kw),
            delete_url=reverse(f"{self.url_base}_delete", kwargs=kw),
            history_url=reverse(f"{self.url_base}_history", kwargs=kw),
            detail_fields=self.detail_fields,
            # What the page offers, asked of the object as the services ask it.
            can_change=workflow.can(user, "change", self.object),
            can_validate=workflow.can(user, "delete", self.object),
            workflow=workflow_panel(self, self.object) if self.status_panel else None,
        )
        return ctx


def workflow_panel(view, obj, **extra) -> dict | None:
    """What the status panel of a record's page shows: its status, the actions the user may
    run now, and the log of its status changes (None for a model without a workflow)."""
    f = state_field(type(obj))
    if f is None:
        return None
    return {
        "status": workflow.status_label(obj),
        "actions": workflow.actions_for(view.request.user, obj),
        "log": list(workflow.log_for(obj)[:50]),
        "url": reverse(f"{view.url_base}_transition", kwargs=view.url_kwargs(pk=obj.pk)),
        "version": obj.version,
        **extra,
    }


class TransitionForm(forms.Form):
    """What a status button posts: which transition, the version the page was opened at,
    and the comment."""

    name = forms.SlugField(max_length=60)
    version = forms.IntegerField(min_value=1)
    comment = forms.CharField(required=False, max_length=workflow.COMMENT_MAX)


class ScopedTransitionView(ScopedObjectMixin, TemplateView):
    """Run one transition of a record (POST only), through `workflow.transition_run`.

    Answers like the edit forms do: a redirect to the record (or, for htmx, its status panel)
    when done; 409 with who changed it and when if the record moved since the page was opened;
    400 with the reason for a refused action; the comment is kept in both.
    """

    http_method_names = ["post"]
    template_name = "crud/transition.html"

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = TransitionForm(request.POST)
        if not form.is_valid():
            return self.refused(form, " ".join(m for e in form.errors.values() for m in e), 400)
        data = form.cleaned_data
        try:
            self.object = self.run_transition(
                instance=self.object,
                name=data["name"],
                by=request.user,
                expected_version=data["version"],
                comment=data["comment"],
            )
        except workflow.AlreadyDone as done:
            self.object = done.current
            if request.htmx:
                return self.panel(form, None, 200)
            messages.info(request, _("This was already done; nothing was done twice."))
            return HttpResponseRedirect(self.done_url())
        except EditConflict as conflict:
            self.object = conflict.current
            return self.refused(form, conflict.message(), 409)
        except ValidationError as error:
            return self.refused(form, " ".join(error.messages), 400)
        if request.htmx:  # the panel shows the new status; no message left for the next page
            return self.panel(form, None, 200)
        messages.success(
            request,
            _("Done. The status is now “%(status)s”.")
            % {"status": workflow.status_label(self.object)},
        )
        return HttpResponseRedirect(self.done_url())

    def done_url(self) -> str:
        """Where the person goes once the action is done: the record's page."""
        return self.object.get_absolute_url()

    def run_transition(self, **kwargs):
        """Run it; a record whose transitions go through services of their own (a chain
        chosen for diagnosis starts its diagnostic) answers the same exceptions."""
        return workflow.transition_run(**kwargs)

    def refused(self, form, message: str, status: int):
        if self.request.htmx:
            return self.panel(form, message, status)
        panel = workflow_panel(
            self, self.object, message=message, comment=form.data.get("comment", "")
        )
        return self.render_to_response(
            self.get_context_data(object=self.object, workflow=panel), status=status
        )

    def panel(self, form, message, status: int):
        panel = workflow_panel(
            self,
            self.object,
            message=message,
            comment=form.data.get("comment", "") if message else "",
        )
        return TemplateResponse(
            self.request,
            "includes/workflow.html",
            {"workflow": panel, "object": self.object, "province": self.province},
            status=status,
        )


class ScopedCreateView(ScopedMixin, SafeCreateMixin, CreateView):
    """Create a record in the URL's province (and under the URL's parent)."""

    template_name = "crud/form.html"
    required_perm = Perm.CHANGE

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["province"] = self.province
        return kwargs

    def prepare_instance(self, instance):
        if self.parent_model is not None:
            setattr(instance, self.parent_field, self.parent)
        elif self.model.province_path == "province":
            instance.province = self.province

    def get_success_url(self):
        return self.object.get_absolute_url()


class RefuseLockedMixin:
    """Refuse (403) to edit or delete a record its state locks (e.g. a submitted diagnostic);
    the view's `required_perm` has been checked by the access layer already."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if workflow.is_locked(obj):
            raise PermissionDenied
        return obj


class ScopedUpdateView(RefuseLockedMixin, ScopedObjectMixin, SafeUpdateMixin, UpdateView):
    template_name = "crud/form.html"

    @property
    def required_perm(self):
        return Perm(self.model.change_perm)  # the model says it once; its Edit button too

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["province"] = self.province
        return kwargs

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except Http404:
            deletion = self.deletion_in_this_province()
            if deletion is None:
                raise
            return self.deleted_meanwhile(deletion)

    def deletion_in_this_province(self):
        """The history's deletion entry of the URL's record, if it was deleted while it
        belonged to the URL's province (whose access the scope already checked)."""
        deletion = deleted_record(self.model, self.kwargs.get("pk"))
        if deletion is None:
            return None
        try:
            province_id = province_id_of(deletion.instance)
        except ObjectDoesNotExist:  # its parent is gone too: nothing to say more
            return None
        return deletion if province_id == self.province.pk else None

    def deleted_meanwhile(self, deletion):
        """Someone deleted the record after this person opened it: say who and when, and
        give their input back, ready to be saved as a new record where that exists."""
        data = self.request.POST.copy()
        data["submission_id"] = str(uuid.uuid4())
        data.pop("version", None)
        kwargs = {**self.get_form_kwargs(), "instance": None, "data": data}
        form = self.get_form_class()(**kwargs)
        self.object = None
        try:
            create_url = reverse(f"{self.url_base}_create", kwargs=self.url_kwargs())
        except NoReverseMatch:
            create_url = None
        ctx = self.get_context_data(
            form=form,
            conflict_message=EditConflict.deleted(deletion).message(DELETED_MESSAGE),
            form_action=create_url,
            deleted=True,
        )
        return self.render_to_response(ctx, status=409)


class ScopedDeleteView(RefuseLockedMixin, ScopedObjectMixin, TemplateView):
    """Ask, then delete; the record's history keeps its last state and who deleted it."""

    template_name = "crud/confirm_delete.html"

    @property
    def required_perm(self):
        return Perm(self.model.delete_perm)

    success_message = _("Deleted. Its history is kept.")
    # What a refused delete says when other records still refer to this one; by default
    # the service's message, which counts them by kind.
    protected_message = ""

    def get_context_data(self, **kwargs):
        self.object = self.get_object()
        return super().get_context_data(object=self.object, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            record_delete(instance=self.object, by=request.user)
        except ValidationError as error:
            messages.error(request, self.protected_message or " ".join(error.messages))
            return HttpResponseRedirect(self.object.get_absolute_url())
        messages.success(request, self.success_message)
        return HttpResponseRedirect(self.after_delete_url())

    def after_delete_url(self) -> str:
        if self.parent_model is not None:
            return self.parent.get_absolute_url()
        return reverse(f"{self.url_base}_list", kwargs=self.url_kwargs())


class ScopedHistoryView(ScopedObjectMixin, HistoryMixin, TemplateView):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["back_url"] = self.get_success_url()
        ctx["title"] = _("History of %(record)s") % {"record": self.object}
        return ctx


def crud_urls(
    prefix: str,
    name: str,
    *,
    list_view=None,
    create_view=None,
    detail_view=None,
    update_view=None,
    delete_view=None,
    history_view=None,
    transition_view=None,
) -> list:
    """The usual URL patterns of a scoped record, under `<code>/<prefix>/` (a record with a
    workflow adds its transition view)."""
    base = f"<str:code>/{prefix}/"
    routes = [
        ("", list_view, "list"),
        ("new/", create_view, "create"),
        ("<int:pk>/", detail_view, "detail"),
        ("<int:pk>/edit/", update_view, "edit"),
        ("<int:pk>/delete/", delete_view, "delete"),
        ("<int:pk>/history/", history_view, "history"),
        ("<int:pk>/transition/", transition_view, "transition"),
    ]
    return [
        path(base + route, view.as_view(), name=f"{name}_{suffix}")
        for route, view, suffix in routes
        if view is not None
    ]
