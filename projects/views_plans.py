"""The structures' and the cooperatives' capacity plans' screens: a province's structures
(searched by name whatever the accents and the script) and a structure's page, where a
cooperative's plan lives; the province's plans; a plan's page (its needs, training plan,
action plan and follow-up calendar with what is due and overdue), its edit, its status (draft
→ validated by the coordinator), the follow-up sheet of its lines, and its PDF for the
cooperative, in French or Arabic, prepared in the background.

A plan's lines (its action plan) are records under it: /provinces/<code>/plans/<pk>/activities/….
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from projects import plan_pdf, services_plans
from projects.filters_plans import PlanFilter, StructureFilter
from projects.forms_plans import (
    CapacityPlanEditForm,
    CapacityPlanForm,
    PlanActivityForm,
    ProgressSheetForm,
    StructureForm,
)
from projects.models import CapacityPlan, PlanActivity, Structure, StructureKind
from projects.selectors_plans import (
    plan_activities,
    plan_overdue,
    plan_schedule,
    plans_for_list,
    structure_plan,
)
from provinces.access import Perm
from targa.core import crud
from targa.core.access import access_object
from targa.core.editing import form_invalid_with
from targa.core.pdf import PDF_LANGUAGES, pdf_language
from targa.core.records import EditConflict, LineErrors

PDF_LANGUAGE_NAMES = [("fr", "Français"), ("ar", "العربية")]  # each in its own language

# Structures ----------------------------------------------------------------------------------


class StructureMixin:
    model = Structure
    url_base = "projects:structure"


class StructureListView(StructureMixin, crud.ScopedListView):
    template_name = "projects/structure_list.html"
    filterset_class = StructureFilter
    search_key_field = "search_name"
    search_fields = ("register_number",)
    columns = (
        crud.Col("name", _("Name")),
        crud.Col("kind", _("Legal form")),
        crud.Col("commune", _("Commune")),
        crud.Col("members", _("Members"), numeric=True),
        crud.Col("plan", _("Capacity plan")),
    )
    card_fields = ("kind", "commune", "plan")
    ordering = ("name", "id")

    def get_queryset(self):
        plans = CapacityPlan.objects.filter(structure=OuterRef("pk")).order_by("pk")
        return (
            super()
            .get_queryset()
            .select_related("commune")
            .annotate(
                plan_pk=Subquery(plans.values("pk")[:1]),
                plan_status=Subquery(plans.values("status")[:1]),
            )
        )

    def rows_context(self, qs):
        ctx = super().rows_context(qs)
        labels = dict(CapacityPlan.Status.choices)
        for structure in ctx["page_obj"]:
            structure.plan_status_label = labels.get(structure.plan_status, "")
        return ctx


STRUCTURE_SESSIONS_SHOWN = 10  # the latest; the sessions list filtered on it has them all


class StructureDetailView(StructureMixin, crud.ScopedDetailView):
    template_name = "projects/structure_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("commune")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        structure = self.object
        ctx["is_cooperative"] = structure.kind == StructureKind.COOPERATIVE
        shown = str(structure)  # its name in the page's script, when it has one
        ctx["other_name"] = next(
            (n for n in (structure.name, structure.name_ar) if n and n != shown), ""
        )
        plan = structure_plan(structure) if ctx["is_cooperative"] else None
        if plan is not None:
            plan.structure = structure
            plan.overdue = plan_overdue(plan)
        ctx["plan"] = plan
        ctx["may_add_plan"] = (
            ctx["is_cooperative"] and plan is None and Perm.CHANGE in self.perms_here
        )
        ctx["projects"] = list(
            structure.projects.select_related("holder", "province").order_by("-stage_since")[:20]
        )
        attended = structure.sessions.select_related("province").order_by("-on", "-id")
        ctx["sessions"] = list(attended[:STRUCTURE_SESSIONS_SHOWN])
        ctx["n_sessions"] = (
            len(ctx["sessions"])
            if len(ctx["sessions"]) < STRUCTURE_SESSIONS_SHOWN
            else attended.count()
        )
        return ctx


class StructureCreateView(StructureMixin, crud.ScopedCreateView):
    form_class = StructureForm


class StructureUpdateView(StructureMixin, crud.ScopedUpdateView):
    form_class = StructureForm


class StructureDeleteView(StructureMixin, crud.ScopedDeleteView):
    protected_message = _(
        "This structure has a capacity plan or projects: it cannot be deleted while they are "
        "recorded."
    )


class StructureHistoryView(StructureMixin, crud.ScopedHistoryView):
    pass


# Capacity plans ------------------------------------------------------------------------------


class PlanMixin:
    model = CapacityPlan
    url_base = "projects:plan"


class PlanListView(PlanMixin, crud.ScopedListView):
    template_name = "projects/plan_list.html"
    filterset_class = PlanFilter
    search_key_field = "structure__search_name"
    columns = (
        crud.Col("structure", _("Cooperative")),
        crud.Col("period", _("Period"), nowrap=True),
        crud.Col("status", _("Status")),
        crud.Col("activities", _("Action plan"), numeric=True),
        crud.Col("overdue", _("Follow-ups overdue"), numeric=True),
    )
    card_fields = ("status", "period", "overdue")
    ordering = ("-starts_on", "-id")

    def get_queryset(self):
        return plans_for_list(super().get_queryset())

    def rows_context(self, qs):
        ctx = super().rows_context(qs)
        for plan in ctx["page_obj"]:
            plan.overdue = plan_overdue(plan)
        return ctx

    def get_create_url(self):
        return None  # a plan is drawn up from its cooperative's page (the list's button says)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if Perm.CHANGE in self.perms_here:
            ctx["new_plan_url"] = reverse("projects:plan_create", args=[self.province.code])
        ctx["cooperatives_url"] = (
            reverse("projects:structure_list", args=[self.province.code])
            + f"?kind={StructureKind.COOPERATIVE}"
        )
        return ctx


class PlanDetailView(PlanMixin, crud.ScopedDetailView):
    template_name = "projects/plan_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("structure__commune", "structure__province")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        plan = self.object
        ctx["activities"] = plan_activities(plan)
        ctx["n_late"] = sum(1 for a in ctx["activities"] if a.is_late)
        ctx["schedule"] = plan_schedule(plan)
        may_write = Perm.CHANGE in self.perms_here
        kw = {"code": self.province.code, "parent_pk": plan.pk}
        ctx["add_activity_url"] = (
            reverse("projects:plan_activity_create", kwargs=kw) if may_write else None
        )
        ctx["may_write"] = may_write
        ctx["may_remove_lines"] = Perm(PlanActivity.delete_perm) in self.perms_here
        ctx["progress_url"] = reverse("projects:plan_progress", args=[self.province.code, plan.pk])
        ctx["pdf_url"] = reverse("projects:plan_pdf", args=[self.province.code, plan.pk])
        ctx["pdf_jobs"] = plan_pdf.pdf_jobs_of(plan, self.request.user)
        ctx["languages"] = PDF_LANGUAGE_NAMES
        ctx["sessions_url"] = reverse("projects:session_list", args=[self.province.code])
        return ctx


class PlanCreateView(PlanMixin, crud.ScopedCreateView):
    form_class = CapacityPlanForm

    def get_initial(self):
        initial = super().get_initial()
        structure = self.request.GET.get("structure", "")
        if structure.isdigit() and len(structure) < 19:
            found = Structure.objects.filter(province=self.province, pk=int(structure)).first()
            if found is not None:
                initial["structure"] = found
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["list_url"] = reverse("projects:plan_list", args=[self.province.code])
        return ctx

    def create_record(self, instance, *, submission_id, m2m):
        return services_plans.plan_create(
            plan=instance, by=self.request.user, province=self.province, submission_id=submission_id
        )


class PlanUpdateView(PlanMixin, crud.ScopedUpdateView):
    form_class = CapacityPlanEditForm
    merge_without_asking = False  # its save is plan_update, which checks the lines too

    def form_valid(self, form):
        try:
            self.object = services_plans.plan_update(
                plan=form.save(commit=False),
                by=self.request.user,
                expected_version=form.cleaned_data["version"],
            )
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as error:  # LineErrors too: each line named on top
            return form_invalid_with(self, form, error)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


class PlanDeleteView(PlanMixin, crud.ScopedDeleteView):
    pass


class PlanHistoryView(PlanMixin, crud.ScopedHistoryView):
    pass


class PlanTransitionView(PlanMixin, crud.ScopedTransitionView):
    """Validate (the coordinator) and reopen with a comment (the workflow kit's view)."""


class PlanPdfStartView(PlanMixin, crud.ScopedObjectMixin, View):
    """Queue the plan's PDF (POST `lang`) and go to the job's page, with its progress bar."""

    http_method_names = ["post"]

    def get_queryset(self):
        return super().get_queryset().select_related("structure__province")

    def post(self, request, *args, **kwargs):
        plan = self.get_object()
        requested = request.POST.get("lang")
        language = (
            requested if requested in PDF_LANGUAGES else pdf_language(None, request.LANGUAGE_CODE)
        )
        job = plan_pdf.pdf_job_start(plan=plan, by=request.user, language=language)
        return HttpResponseRedirect(job.get_absolute_url())


class PlanProgressView(PlanMixin, crud.ScopedObjectMixin, TemplateView):
    """The follow-up sheet (after a workshop or a call): every line's progress and what it
    achieved, saved at once through `plan_record_progress`; a stale sheet answers 409 with
    who saved meanwhile, a line refused answers 400 with its message on it, nothing saved."""

    template_name = "projects/plan_progress.html"
    required_perm = Perm.CHANGE

    def get_queryset(self):
        return super().get_queryset().select_related("structure__commune", "structure__province")

    def sheet(self, data=None) -> ProgressSheetForm:
        return ProgressSheetForm(data, lines=plan_activities(self.object))

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data(form=self.sheet()))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.sheet(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            changed = services_plans.plan_record_progress(
                plan=self.object,
                rows=form.progress(),
                by=request.user,
                versions_opened=form.versions_opened(),
            )
        except EditConflict as conflict:
            return self.conflicted(conflict)
        except LineErrors as error:
            form.add_service_errors(error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(
            request,
            gettext("Progress saved (%(n)s lines changed).") % {"n": changed}
            if changed
            else gettext("Nothing had changed."),
        )
        return HttpResponseRedirect(self.object.get_absolute_url() + "#action-plan")

    def conflicted(self, conflict: EditConflict):
        """The sheet again, from the lines as they are now, with this person's input kept (a
        line added meanwhile shows its own values), ready to be saved over them."""
        lines = plan_activities(self.object)
        data = self.request.POST.copy()
        for line in lines:
            data.setdefault(f"status_{line.pk}", line.status)
            data.setdefault(f"achieved_{line.pk}", "" if line.achieved is None else line.achieved)
        form = ProgressSheetForm(data, lines=lines)
        form.is_valid()
        form.conflicted(conflict, {line.pk: line.version for line in lines})
        return self.render_to_response(self.get_context_data(form=form), status=409)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(object=self.object, back_url=self.object.get_absolute_url())
        return ctx


# The lines of a plan's action plan, under the plan --------------------------------------------


class ActivityMixin:
    model = PlanActivity
    url_base = "projects:plan_activity"
    parent_model = CapacityPlan
    parent_field = "plan"

    def get_parent(self, pk):
        plans = CapacityPlan.objects.filter(structure__province=self.province).select_related(
            "structure__province"
        )
        return access_object(plans, user=self.request.user, pk=pk)

    def get_success_url(self):
        return f"{self.parent.get_absolute_url()}#action-plan"


class ActivityCreateView(ActivityMixin, crud.ScopedCreateView):
    form_class = PlanActivityForm

    def get_initial(self):
        return {**super().get_initial(), "deadline": self.parent.ends_on}

    def create_record(self, instance, *, submission_id, m2m):
        return services_plans.activity_create(
            activity=instance,
            stakeholders=m2m.get("stakeholders", ()),
            by=self.request.user,
            submission_id=submission_id,
        )


class ActivityUpdateView(ActivityMixin, crud.ScopedUpdateView):
    form_class = PlanActivityForm
    merge_without_asking = False  # its save is activity_update, the stakeholders included

    def form_valid(self, form):
        try:
            self.object = services_plans.activity_update(
                activity=form.save(commit=False),
                stakeholders=form.cleaned_data.get("stakeholders", ()),
                by=self.request.user,
                expected_version=form.cleaned_data["version"],
            )
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as error:
            return form_invalid_with(self, form, error)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


class ActivityDeleteView(ActivityMixin, crud.ScopedDeleteView):
    def after_delete_url(self):
        return self.get_success_url()


class ActivityHistoryView(ActivityMixin, crud.ScopedHistoryView):
    pass
