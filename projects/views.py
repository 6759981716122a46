"""The project holders' screens: a province's holders (searched by name whatever the accents
and the script) and their record, its projects with their path through the stages, each
project's eligibility against its call, and the move to another stage.

Personal data (CIN, phone, e-mail) is shown to those who record it (field agents,
coordinators, administrators of the province); a viewer sees the CIN masked and no contact.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import View

from projects import services
from projects.filters import HolderFilter, ProjectFilter
from projects.forms import HolderForm, MoveForm, ProjectForm
from projects.models import Holder, Project, ProjectStep, Stage
from provinces.access import Perm
from targa.core import crud
from targa.core.records import EditConflict


def sees_personal_data(perms) -> bool:
    """Whether a person's role needs the holders' CIN and contacts (they record them)."""
    return Perm.CHANGE in perms


# Holders -------------------------------------------------------------------------------------


class HolderMixin:
    model = Holder
    url_base = "projects:holder"


class HolderListView(HolderMixin, crud.ScopedListView):
    template_name = "projects/holder_list.html"
    filterset_class = HolderFilter
    search_key_field = "search_name"
    columns = (
        crud.Col("name", _("Name")),
        crud.Col("age", _("Age"), numeric=True),
        crud.Col("commune", _("Commune")),
        crud.Col("channel", _("How they came")),
        crud.Col("projects", _("Projects"), numeric=True),
    )
    card_fields = ("age", "commune", "projects")
    ordering = ("last_name", "first_name", "id")

    def get_queryset(self):
        return (
            super().get_queryset().select_related("commune").annotate(n_projects=Count("projects"))
        )


class HolderDetailView(HolderMixin, crud.ScopedDetailView):
    template_name = "projects/holder_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("commune", "youth_platform", "province")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["personal"] = sees_personal_data(self.perms_here)
        if not ctx["personal"]:
            ctx["history_url"] = None  # the history shows the personal data: not theirs
        names = services.stage_names()
        ctx["projects"] = list(
            self.object.projects.select_related("sector", "province").order_by("-stage_since")
        )
        for project in ctx["projects"]:
            project.stage_name = names[project.stage]
        return ctx


class HolderCreateView(HolderMixin, crud.ScopedCreateView):
    form_class = HolderForm

    def create_record(self, instance, *, submission_id, m2m):
        return services.holder_create(
            holder=instance, by=self.request.user, submission_id=submission_id
        )


class HolderUpdateView(HolderMixin, crud.ScopedUpdateView):
    form_class = HolderForm


class HolderDeleteView(HolderMixin, crud.ScopedDeleteView):
    protected_message = _(
        "This holder has projects: they cannot be deleted while their projects are recorded."
    )


class HolderHistoryView(HolderMixin, crud.ScopedHistoryView):
    required_perm = Perm.CHANGE  # the history shows the personal data as it was


# Projects ------------------------------------------------------------------------------------


class ProjectMixin:
    model = Project
    url_base = "projects:project"


class ProjectListView(ProjectMixin, crud.ScopedListView):
    template_name = "projects/project_list.html"
    filterset_class = ProjectFilter
    search_fields = ("title",)
    search_key_field = "holder__search_name"
    columns = (
        crud.Col("title", _("Project")),
        crud.Col("holder", _("Holder")),
        crud.Col("stage", _("Stage")),
        crud.Col("commune", _("Commune")),
        crud.Col("stage_since", _("Since"), nowrap=True),
    )
    card_fields = ("stage", "holder", "stage_since")
    ordering = ("-stage_since", "-id")

    def get_queryset(self):
        return super().get_queryset().select_related("holder", "commune", "sector")

    def rows_context(self, qs):
        ctx = super().rows_context(qs)
        names = services.stage_names()
        for project in ctx["page_obj"]:
            project.stage_name = names[project.stage]
        return ctx


class ProjectDetailView(ProjectMixin, crud.ScopedDetailView):
    template_name = "projects/project_detail.html"
    status_panel = False  # the page shows the path and the move form instead

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "holder__commune", "structure", "sector", "chain", "commune", "call", "province"
            )
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        project = self.object
        names = services.stage_names()
        ctx["stage_names"] = names
        ctx["steps"] = list(
            ProjectStep.objects.filter(project=project).select_related("by").order_by("on", "at")
        )
        for step in ctx["steps"]:
            step.from_name, step.to_name = names.get(step.from_stage, ""), names[step.to_stage]
        ctx["stage_name"] = names[project.stage]
        ctx["eligibility"] = project.call.eligibility(project=project) if project.call else None
        moves = services.allowed_moves(project)
        may_move = Perm.CHANGE in self.perms_here and moves
        ctx["move_form"] = kwargs.get("move_form") or (
            MoveForm(
                moves=[(m, names[m]) for m in moves],
                initial={"version": project.version, "to": moves[0]},
            )
            if may_move
            else None
        )
        ctx["move_url"] = reverse("projects:project_move", kwargs=self.url_kwargs(pk=project.pk))
        ctx["personal"] = sees_personal_data(self.perms_here)
        ctx["dropped"] = Stage.DROPPED
        return ctx


class ProjectCreateView(ProjectMixin, crud.ScopedCreateView):
    form_class = ProjectForm

    def get_initial(self):
        initial = super().get_initial()
        holder = self.request.GET.get("holder", "")
        if holder.isdigit():
            found = Holder.objects.filter(province=self.province, pk=int(holder)).first()
            if found is not None:
                initial.update(holder=found, commune=found.commune_id)
        return initial

    def create_record(self, instance, *, submission_id, m2m):
        return services.project_create(
            project=instance, by=self.request.user, submission_id=submission_id
        )


class ProjectUpdateView(ProjectMixin, crud.ScopedUpdateView):
    form_class = ProjectForm


class ProjectDeleteView(ProjectMixin, crud.ScopedDeleteView):
    pass


class ProjectHistoryView(ProjectMixin, crud.ScopedHistoryView):
    pass


class ProjectMoveView(ProjectMixin, crud.ScopedObjectMixin, View):
    """Move a project to another stage (POST): one stage at a time, or dropped with a reason;
    the refusal says which stages it may go to."""

    http_method_names = ["post"]
    required_perm = Perm.CHANGE

    def post(self, request, *args, **kwargs):
        project = self.get_object()
        form = MoveForm(request.POST)
        back = project.get_absolute_url()
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return HttpResponseRedirect(back)
        data = form.cleaned_data
        try:
            moved = services.project_move(
                project=project,
                to=data["to"],
                by=request.user,
                expected_version=data["version"],
                on=data["on"],
                decision=data["decision"] or "",
                comment=data["comment"],
                reason=data["reason"] or "",
            )
        except EditConflict as conflict:
            messages.error(request, conflict.message())
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                gettext("The project is now at “%(stage)s”.")
                % {"stage": services.stage_name(moved.stage)},
            )
        return HttpResponseRedirect(back)
