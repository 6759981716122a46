"""The diagnostic screens: a province's diagnostics, a diagnostic's page (header, chain map,
its sections each saved on its own, its review), a section's save, the review's transitions
and a new version of a delivered diagnostic."""

import uuid

import django_filters
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, View
from import_export import fields

from provinces.access import Perm
from provinces.models import Attachment, Cercle
from provinces.templatetags.attachments import upload_settings
from targa.core import crud, workflow
from targa.core.exports import StreamingResource
from targa.core.models import User
from targa.core.records import EditConflict, LineErrors
from valuechains import selectors, services
from valuechains.chainmap import chain_map_svg
from valuechains.filters import FlagshipActionFilter
from valuechains.forms_diagnostic import SectionForm, page_choices, rows_of
from valuechains.models import (
    Chain,
    Diagnostic,
    DiagnosticSection,
    FieldObservation,
    FlagshipAction,
)
from valuechains.services import SECTION_SHEETS, AlreadySaved

# The deliverable's pages record the delivery (date, recipient, the PDF): not a button here.
PANEL_HIDDEN = {"deliver"}


class DiagnosticMixin:
    model = Diagnostic
    url_base = "valuechains:diagnostic"


# The list --------------------------------------------------------------------------------


class DiagnosticFilter(crud.ScopedFilterSet):
    status = django_filters.ChoiceFilter(
        choices=Diagnostic.Status.choices, label=_("Status"), empty_label=_("All statuses")
    )
    chain = django_filters.ModelChoiceFilter(
        queryset=Chain.objects.order_by("product"), label=_("Chain"), empty_label=_("All chains")
    )
    cercle = django_filters.ModelChoiceFilter(
        queryset=Cercle.objects.order_by("name_fr"),
        field_name="cercles",
        label=_("Cercle"),
        empty_label=_("All cercles"),
    )

    class Meta:
        model = Diagnostic
        fields = ["status", "chain", "cercle"]


class DiagnosticResource(StreamingResource):
    chain = fields.Field(attribute="chain__label", column_name=_("Chain"))
    number = fields.Field(attribute="number", column_name=_("Version"))
    status = fields.Field(attribute="get_status_display", column_name=_("Status"))
    fieldwork_start = fields.Field(attribute="fieldwork_start", column_name=_("Fieldwork from"))
    fieldwork_end = fields.Field(attribute="fieldwork_end", column_name=_("Fieldwork until"))
    delivered_on = fields.Field(attribute="delivered_on", column_name=_("Delivered on"))
    updated_at = fields.Field(attribute="updated_at", column_name=_("Last change"))


class DiagnosticListView(DiagnosticMixin, crud.ScopedListView):
    filterset_class = DiagnosticFilter
    search_fields = ("chain__product", "chain__product_ar")
    resource_class = DiagnosticResource
    columns = (
        crud.Col("chain", _("Chain")),
        crud.Col("number", _("Version")),
        crud.Col("status", _("Status")),
        crud.Col("updated_at", _("Last change"), nowrap=True),
    )
    card_fields = ("status", "number", "updated_at")
    ordering = ("chain__product", "-number")

    def get_queryset(self):
        return super().get_queryset().select_related("chain__sector").distinct()

    def get_create_url(self):
        return None  # a diagnostic starts when its chain is chosen

    def export_stem(self) -> str:
        return f"diagnostics-{self.province.code}"

    def export_title(self) -> str:
        return gettext("Value-chain diagnostics")


# The page --------------------------------------------------------------------------------


def sections_with_savers(diagnostic) -> dict[str, DiagnosticSection]:
    """The sections by key, each with `saved_by` (who saved it last): two queries."""
    sections = list(DiagnosticSection.objects.with_saver().filter(diagnostic=diagnostic))
    users = {u.pk: u for u in User.objects.filter(pk__in={s.saved_by_id for s in sections})}
    for section in sections:
        section.saved_by = users.get(section.saved_by_id)
    return {s.key: s for s in sections}


def _counted(model, n: int) -> str:
    return model._meta.verbose_name if n == 1 else model._meta.verbose_name_plural


def counts_of(content) -> dict[str, list[tuple[str, int]]]:
    """What each section's summary line counts (lines of each kind)."""
    out = {}
    for key, sheets in SECTION_SHEETS.items():
        out[key] = []
        for name, spec in sheets.items():
            rows = rows_of(content, name)
            out[key].append((_counted(spec.model, len(rows)), len(rows)))
            if spec.child is not None:
                n = sum(len(getattr(r, spec.child_name).all()) for r in rows)
                out[key].append((_counted(spec.child.model, n), n))
    return out


def _shown(spec) -> list[str]:
    return [n for n in (*spec.fields, *spec.m2m) if n != "order"]


def readonly_sheets(content, key: str) -> list[dict]:
    """A section as read (no inputs): each kind of line with its fields and its lines (with
    their own lines: a stage's operators, an action's indicators)."""
    out = []
    for name, spec in SECTION_SHEETS[key].items():
        rows = rows_of(content, name)
        child = spec.child
        out.append(
            {
                "name": name,
                "label": spec.model._meta.verbose_name_plural,
                "fields": _shown(spec),
                "rows": [
                    (row, list(getattr(row, spec.child_name).all()) if child else [])
                    for row in rows
                ],
                "child_label": child.model._meta.verbose_name_plural if child else "",
                "child_fields": _shown(child) if child else [],
            }
        )
    return out


def current_versions(content) -> dict:
    """{model: {pk: version}} of every line of the diagnostic, as it is now."""
    out: dict = {}
    for sheets in SECTION_SHEETS.values():
        for name, spec in sheets.items():
            for row in rows_of(content, name):
                out.setdefault(spec.model, {})[row.pk] = row.version
                if spec.child is not None:
                    for kid in getattr(row, spec.child_name).all():
                        out.setdefault(spec.child.model, {})[kid.pk] = kid.version
    return out


def observation_files(content) -> dict:
    """The field observations with their photos and documents (one query), and what their
    upload forms need."""
    observations = rows_of(content, "observations")
    files = Attachment.by_record(observations)
    return {
        "content_type_id": ContentType.objects.get_for_model(FieldObservation).pk,
        "rows": [(o, files.get(o.pk, [])) for o in observations],
    }


class DiagnosticPage(DiagnosticMixin, crud.ScopedObjectMixin):
    """What the page and a section's answer share: the diagnostic, its content, its forms."""

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("chain__sector", "previous", "next_version")
            .prefetch_related("cercles")
        )

    def page_context(self, *, forms: dict | None = None, content=None) -> dict:
        diagnostic = self.object
        content = content or selectors.diagnostic_content(diagnostic)
        content.sections = sections_with_savers(diagnostic)
        editable = workflow.can(self.request.user, "change", diagnostic)
        forms = forms or {}
        sections = []
        counts = counts_of(content)
        choices = page_choices(content)
        for key, label in DiagnosticSection.Key.choices:
            section = content.sections[key]
            form = forms.get(key)
            if form is None and editable:
                form = SectionForm(section, content, province=self.province, cache=choices)
            sections.append(
                {
                    "key": key,
                    "label": label,
                    "section": section,
                    "form": form,
                    "counts": counts[key],
                    "url": reverse(
                        "valuechains:diagnostic_section",
                        args=[self.province.code, diagnostic.pk, key],
                    ),
                    "sheets": readonly_sheets(content, key),
                }
            )
        observations = next(s for s in sections if s["key"] == DiagnosticSection.Key.OBSERVATIONS)
        observations["files"] = observation_files(content)
        panel = crud.workflow_panel(self, diagnostic)
        panel["actions"] = [a for a in panel["actions"] if a.name not in PANEL_HIDDEN]
        return {
            "object": diagnostic,
            "content": content,
            "upload": upload_settings(),
            "sections": sections,
            "editable": editable,
            "refusal": diagnostic.edit_refusal(self.request.user),
            "workflow": panel,
            "chain_map": chain_map_svg(
                selectors.chain_map_data(diagnostic), rtl=translation.get_language_bidi()
            ),
            "can_new_version": (
                diagnostic.status == Diagnostic.Status.DELIVERED
                and diagnostic.is_current
                and Perm.CHANGE in self.perms_here
            ),
            "history_url": reverse(
                "valuechains:diagnostic_history", args=[self.province.code, diagnostic.pk]
            ),
        }


class DiagnosticDetailView(DiagnosticPage, DetailView):
    template_name = "valuechains/diagnostic/detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(self.page_context())
        opened = self.request.GET.get("open", "")
        if opened in SECTION_SHEETS:  # ?open=actions from a link to a line of a section
            ctx["open_key"] = opened
        return ctx


class DiagnosticHistoryView(DiagnosticMixin, crud.ScopedHistoryView):
    pass


class DiagnosticTransitionView(DiagnosticMixin, crud.ScopedTransitionView):
    """Submit, return with a comment, validate, reopen (the workflow kit's view)."""


class SectionSaveView(DiagnosticPage, View):
    """Save one section (POST): the whole section's lines at once through `section_save`.

    Answers the page (or, for htmx, the section alone): saved → the section as it is now,
    with "saved at"; lines refused → 400 with each message on its line, nothing written; the
    same section saved by someone else since → 409 with who and when, what they saved, and
    this person's input kept, ready to be saved over it; a resend → "already saved".
    The "add a line" buttons post here too: one blank line more, the input kept, nothing saved.
    """

    http_method_names = ["post"]
    required_perm = Perm.VIEW  # who may change it now is the diagnostic's rule, asked below

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        key = kwargs["key"]
        if key not in SECTION_SHEETS:
            raise PermissionDenied
        if not workflow.can(request.user, "change", self.object):
            raise PermissionDenied
        section = get_object_or_404(DiagnosticSection, diagnostic=self.object, key=key)
        content = selectors.diagnostic_content(self.object)
        add = request.POST.get("add", "")
        form = SectionForm(section, content, province=self.province, data=request.POST, add=add)
        if form.added:
            return self.answer(key, form, content, status=200, anchor=True)
        if not form.is_valid():
            form.head.add_error(None, gettext("Nothing was saved: correct the lines marked below."))
            return self.answer(key, form, content, status=400)
        head = form.head.cleaned_data
        try:
            services.section_save(
                diagnostic=self.object,
                key=key,
                by=request.user,
                expected_version=head["version"],
                sheets=form.parsed(),
                summary=head["summary"],
                token=head.get("submission_id"),
            )
        except AlreadySaved:
            return self.saved(
                key, gettext("This section had already been saved; nothing was added twice.")
            )
        except LineErrors as error:
            form.line_errors(error)
            return self.answer(key, form, content, status=400)
        except EditConflict as conflict:
            return self.conflicted(key, form, conflict)
        except ValidationError as error:
            form.head.add_error(None, error.messages)
            return self.answer(key, form, content, status=400)
        return self.saved(key, gettext("Section saved."))

    def saved(self, key, message):
        if self.request.htmx:
            self.object = self.get_object()
            ctx = self.page_context()
            ctx["saved_message"] = message
            return self.render_section(key, ctx, 200)
        messages.success(self.request, message)
        return HttpResponseRedirect(self.object.section_url(key))

    def conflicted(self, key, form, conflict):
        """The merge screen of a section: who saved it and when, what it holds now (read
        only), and this person's input in the form, set to save over the section as it is."""
        content = selectors.diagnostic_content(self.object)
        section = DiagnosticSection.objects.get(diagnostic=self.object, key=key)
        data = form.data
        data[f"{form.prefix}-version"] = str(section.version)
        data[f"{form.prefix}-submission_id"] = str(uuid.uuid4())
        kept = SectionForm(section, content, province=self.province, data=data)
        versions = current_versions(content)
        for sheet in kept.sheets:
            sheet.forget_versions(versions)
        kept = SectionForm(section, content, province=self.province, data=data)
        ctx = self.page_context(forms={key: kept}, content=content)
        ctx["conflict_key"] = key
        ctx["conflict_message"] = conflict.message()
        return self.render_section(key, ctx, 409)

    def answer(self, key, form, content, *, status, anchor=False):
        ctx = self.page_context(forms={key: form}, content=content)
        ctx["open_key"] = key
        return self.render_section(key, ctx, status)

    def render_section(self, key, ctx, status):
        ctx.update(self.scope_context())
        ctx["open_key"] = key
        if self.request.htmx:
            ctx["s"] = next(s for s in ctx["sections"] if s["key"] == key)
            return TemplateResponse(
                self.request, "valuechains/diagnostic/_section.html", ctx, status=status
            )
        return TemplateResponse(
            self.request, "valuechains/diagnostic/detail.html", ctx, status=status
        )

    def scope_context(self) -> dict:
        return {
            "province": self.province,
            "perms_here": self.perms_here,
            "list_url": reverse("valuechains:diagnostic_list", args=[self.province.code]),
            "opts": Diagnostic._meta,
            "can_change": Perm.CHANGE in self.perms_here,
        }


class NewVersionView(DiagnosticMixin, crud.ScopedObjectMixin, View):
    """Start a new version of a delivered diagnostic (POST): a draft copying it all."""

    http_method_names = ["post"]
    required_perm = Perm.CHANGE

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            new = services.diagnostic_new_version(diagnostic=self.object, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            later = Diagnostic.objects.filter(previous=self.object).first()
            return HttpResponseRedirect((later or self.object).get_absolute_url())
        messages.success(
            request,
            gettext("Version %(n)s started: it copies the delivered one, which stays as it was.")
            % {"n": new.number},
        )
        return HttpResponseRedirect(new.get_absolute_url())


def saved_at(section) -> str:
    return timezone.localtime(section.updated_at).strftime("%H:%M")


# The flagship actions of the province's plans ----------------------------------------------


class FlagshipActionResource(StreamingResource):
    """The plans' flagship actions as a table; "late" follows the one rule (`action_late_q`)."""

    chain = fields.Field(attribute="diagnostic__chain__label", column_name=_("Chain"))
    number = fields.Field(attribute="diagnostic__number", column_name=_("Version"))
    title = fields.Field(attribute="title", column_name=_("Action"))
    bottleneck = fields.Field(attribute="bottleneck__text", column_name=_("Bottleneck addressed"))
    responsible = fields.Field(attribute="responsible_label", column_name=_("Responsible"))
    budget = fields.Field(attribute="budget", column_name=_("Budget (MAD)"))
    start_date = fields.Field(attribute="start_date", column_name=_("Start"))
    end_date = fields.Field(attribute="end_date", column_name=_("End"))
    status = fields.Field(attribute="get_status_display", column_name=_("Status"))
    late = fields.Field(attribute="is_late", column_name=_("Late"))


class FlagshipActionListView(crud.ScopedListView):
    """The flagship actions of each chain's latest diagnostic in the province, late first."""

    model = FlagshipAction
    url_base = "valuechains:action"
    template_name = "valuechains/action_list.html"
    filterset_class = FlagshipActionFilter
    search_fields = ("title", "responsible_name", "responsible__name", "diagnostic__chain__product")
    resource_class = FlagshipActionResource
    columns = (
        crud.Col("title", _("Action")),
        crud.Col("chain", _("Chain")),
        crud.Col("period", _("Period"), nowrap=True),
        crud.Col("status", _("Status")),
        crud.Col("responsible", _("Responsible")),
        crud.Col("budget", _("Budget (MAD)"), nowrap=True, numeric=True),
    )
    card_fields = ("status", "period", "chain")

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .current()
            .with_lateness()
            .select_related("diagnostic__chain__sector", "responsible", "bottleneck")
        )

    def order(self, qs):
        return qs.order_by("-is_late", "end_date", "diagnostic__chain__product", "order", "id")

    def get_create_url(self):
        return None  # an action is planned in its diagnostic's "flagship actions" section

    def rows_context(self, qs):
        counts = qs.aggregate(
            total=Count("pk"),
            late=Count("pk", filter=Q(is_late=True)),
            budget=Sum("budget"),
        )
        return {**super().rows_context(qs), "counts": counts}

    def export_stem(self) -> str:
        return f"flagship-actions-{self.province.code}"
