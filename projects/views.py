"""The project holders' screens: a province's holders (searched by name whatever the accents
and the script) and their record, its projects with their path through the stages, each
project's eligibility against its call, and the move to another stage; the province's board
(a column per stage, cards moved under the same rules) and its funnel.

Personal data (CIN, phone, e-mail) is shown to those who record it (field agents,
coordinators, administrators of the province); a viewer sees the CIN masked and no contact.
"""

from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import View

from projects import selectors, services
from projects.filters import BoardFilter, FunnelFilter, HolderFilter, ProjectFilter
from projects.forms import HolderForm, MoveForm, ProjectForm
from projects.models import AgeBand, Holder, Project, ProjectStep, Stage, stage_order
from projects.resources import HolderPersonalResource, HolderResource
from projects.selectors_accompaniment import project_visits
from provinces.access import Perm
from provinces.models import Sex
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
    resource_class = HolderResource
    personal_resource_class = HolderPersonalResource  # CIN, phone: to those who record them

    def get_queryset(self):
        return (
            super().get_queryset().select_related("commune").annotate(n_projects=Count("projects"))
        )


HOLDER_SESSIONS_SHOWN = 10  # the latest; the sessions list filtered on the holder has them all


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
        attended = self.object.sessions.select_related("province").order_by("-on", "-id")
        ctx["sessions"] = list(attended[:HOLDER_SESSIONS_SHOWN])
        ctx["n_sessions"] = (
            len(ctx["sessions"])
            if len(ctx["sessions"]) < HOLDER_SESSIONS_SHOWN
            else attended.count()
        )
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
        ctx["visits"] = project_visits(project)
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


# The board and the funnel --------------------------------------------------------------------


class BoardView(ProjectMixin, crud.ScopedListView):
    """The province's projects as a board: a column per stage with its count and its first
    cards (longest at the stage first), the rest a page at a time (`?column=<stage>&offset=n`
    answers the next cards of one column, for htmx). A card moves to the next stage with its
    button, or to any column by drag and drop: the server applies the pipeline's rules and
    refuses an illegal jump with the reason."""

    template_name = "projects/board.html"
    filterset_class = BoardFilter
    search_fields = ("title",)
    search_key_field = "holder__search_name"

    def get(self, request, *args, **kwargs):
        column = request.GET.get("column", "")
        if column:
            return self.column(column)
        return super().get(request, *args, **kwargs)

    def column(self, stage: str):
        """The next cards of one column, after the `offset` first ones."""
        if stage not in Stage.values:
            raise Http404
        offset = request_int(self.request.GET.get("offset"), high=1_000_000)
        qs, _filterset, _q = self.filtered()
        size = selectors.BOARD_COLUMN_SIZE
        cards = list(selectors.board_cards(qs.filter(stage=stage))[offset : offset + size + 1])
        for card in cards:
            selectors.at_stage_since(card)
        ctx = self.board_context()
        names, after = ctx["stage_names"], following(stage_order(), stage)
        ctx["column"] = selectors.Column(
            stage,
            names[stage],
            0,
            cards[:size],
            next_stage=after,
            next_name=names.get(after, ""),
            more=len(cards) > size,
            next_offset=offset + size,
        )
        return TemplateResponse(self.request, "projects/_board_cards.html", ctx)

    def board_context(self) -> dict:
        return {
            "stage_names": services.stage_names(),
            "may_move": Perm.CHANGE in self.perms_here,
            "move_url": reverse("projects:board_move", kwargs={"code": self.province.code}),
            "province": self.province,
            "list_url": reverse("projects:project_list", kwargs={"code": self.province.code}),
        }

    def rows_context(self, qs):
        order = stage_order()
        ctx = self.board_context()
        ctx["board_columns"] = selectors.board(qs, names=ctx["stage_names"], order=order)
        ctx["total"] = sum(c.count for c in ctx["board_columns"])
        return ctx


def following(order: list[str], stage: str) -> str:
    """The stage after `stage` in the pipeline's order ("" after the last, or for dropped)."""
    if stage not in order or stage == order[-1]:
        return ""
    return order[order.index(stage) + 1]


def request_int(value, *, high: int) -> int:
    """A page's offset as typed in a URL: 0 unless it is a number from 0 to `high`."""
    if value is None or not str(value).isdigit() or len(str(value)) > 9:
        return 0
    return min(int(value), high)


class BoardMoveForm(forms.Form):
    project = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    to = forms.ChoiceField(choices=Stage.choices)
    version = forms.IntegerField(min_value=1, max_value=2**31 - 1)


class BoardMoveView(ProjectMixin, crud.ScopedMixin, View):
    """Move a card (POST): the same rules as the project's page (`services.project_move`).
    For htmx, answers the board again, as filtered, with what was done or why not (400 when
    refused, 409 when someone moved the card meanwhile); otherwise redirects to the board."""

    http_method_names = ["post"]
    required_perm = Perm.CHANGE

    def post(self, request, *args, **kwargs):
        form = BoardMoveForm(request.POST)
        status, level, text = 200, messages.SUCCESS, ""
        if not form.is_valid():
            status, level = 400, messages.ERROR
            text = gettext("This move cannot be read: reload the board and try again.")
        else:
            text, status = self.move(form.cleaned_data)
            level = messages.SUCCESS if status == 200 else messages.ERROR
        if not request.htmx:
            messages.add_message(request, level, text)
            return HttpResponseRedirect(reverse("projects:board", kwargs=kwargs))
        return self.board_again(text, level, status)

    def move(self, data) -> tuple[str, int]:
        project = self.base_queryset().filter(pk=data["project"]).first()
        if project is None:
            return gettext("This project is no longer on the board."), 400
        names = services.stage_names()
        if data["to"] == Stage.DROPPED and project.stage != Stage.DROPPED:
            return (
                gettext("To drop “%(project)s”, open it and choose the reason.")
                % {"project": project.title},
                400,
            )
        try:
            moved = services.project_move(
                project=project, to=data["to"], by=self.request.user,
                expected_version=data["version"],
            )  # fmt: skip
        except EditConflict as conflict:
            return conflict.message(), 409
        except ValidationError as error:
            return " ".join(error.messages), 400
        return (
            gettext("“%(project)s” is now at “%(stage)s”.")
            % {"project": moved.title, "stage": names[moved.stage]},
            200,
        )

    def board_again(self, text: str, level: int, status: int):
        """The board as the person had it (its filters, from the page htmx sent the move
        from), with the message on top."""
        query = QueryDict("", mutable=True)
        current = self.request.htmx.current_url or ""
        board_path = reverse("projects:board", kwargs={"code": self.province.code})
        if urlsplit(current).path == board_path:
            query = QueryDict(urlsplit(current).query, mutable=True)
        query.pop("column", None)
        view = BoardView()
        view.setup(self.request, **self.kwargs)
        view.request.GET = query
        view.load_scope(self.request, self.kwargs)
        ctx = view.get_context_data()
        ctx.update(notice=text, notice_error=level == messages.ERROR)
        return TemplateResponse(self.request, "projects/_board.html", ctx, status=status)


class FunnelView(ProjectMixin, crud.ScopedListView):
    """How far a province's projects got: for each stage, how many reached it, by sex and age
    band, the conversion from the stage before and how many were dropped there; for the
    projects received in a period, in a commune, a sector, a call."""

    template_name = "projects/funnel.html"
    filterset_class = FunnelFilter

    def rows_context(self, qs):
        order = stage_order()
        rows = selectors.funnel(qs, names=services.stage_names(), order=order)
        widest = max((r.reached for r in rows), default=0)
        for row in rows:
            row.width = round(row.reached * 100 / widest, 1) if widest else 0
            row.rest = round(100 - row.width, 1)
        return {
            "rows": rows,
            "received": rows[0].reached if rows else 0,
            "dropped": sum(r.dropped_here for r in rows),
            # in the order of Sex.values, as the rows count them
            "sexes": [(Sex.WOMAN, _("Women")), (Sex.MAN, _("Men"))],
            "bands": AgeBand.choices,
            "board_url": reverse("projects:board", kwargs={"code": self.province.code}),
        }
