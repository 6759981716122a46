"""The accompaniment screens: a province's sessions (trainings, coaching, workshops, focus
groups, remote follow-ups) with the holders and structures present, and the post-creation
visits of a project, under the project (/provinces/<code>/projects/<pk>/visits/…).

A project's figures over time (its visits) are drawn by `projects/_project_visits.html`, fed
by `projects.selectors_accompaniment.project_visits`, on the project's page and a visit's.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from projects import services
from projects.filters_accompaniment import SessionFilter
from projects.forms_accompaniment import SessionForm, VisitForm
from projects.models import Project, Session, Visit
from projects.selectors_accompaniment import (
    project_visits,
    session_present,
    sessions_with_presence,
)
from targa.core import crud
from targa.core.editing import form_invalid_with
from targa.core.records import EditConflict

# Sessions ------------------------------------------------------------------------------------


class SessionMixin:
    model = Session
    url_base = "projects:session"


class SessionListView(SessionMixin, crud.ScopedListView):
    template_name = "projects/session_list.html"
    filterset_class = SessionFilter
    search_fields = ("topic", "trainer", "place")
    columns = (
        crud.Col("topic", _("Topic")),
        crud.Col("on", _("Date"), nowrap=True),
        crud.Col("kind", _("Type")),
        crud.Col("trainer", _("Led by")),
        crud.Col("present", _("Present"), numeric=True),
    )
    card_fields = ("on", "kind", "present")
    ordering = ("-on", "-id")

    def get_queryset(self):
        return sessions_with_presence(super().get_queryset())


class SessionDetailView(SessionMixin, crud.ScopedDetailView):
    template_name = "projects/session_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("commune", "provider")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["holders"], ctx["structures"] = session_present(self.object)
        return ctx


class SessionCreateView(SessionMixin, crud.ScopedCreateView):
    form_class = SessionForm

    def create_record(self, instance, *, submission_id, m2m):
        return services.session_create(
            session=instance,
            holders=m2m.get("holders", ()),
            structures=m2m.get("structures", ()),
            by=self.request.user,
            submission_id=submission_id,
        )


class SessionUpdateView(SessionMixin, crud.ScopedUpdateView):
    form_class = SessionForm
    merge_without_asking = False  # its save is session_update, those present included

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            self.object = services.session_update(
                session=form.save(commit=False),
                holders=data.get("holders", ()),
                structures=data.get("structures", ()),
                by=self.request.user,
                expected_version=data["version"],
            )
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as error:
            return form_invalid_with(self, form, error)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


class SessionDeleteView(SessionMixin, crud.ScopedDeleteView):
    pass


class SessionHistoryView(SessionMixin, crud.ScopedHistoryView):
    pass


# Post-creation visits, under their project ----------------------------------------------------


class VisitMixin:
    model = Visit
    url_base = "projects:visit"
    parent_model = Project
    parent_field = "project"

    def get_parent(self, pk):
        project = super().get_parent(pk)
        project.province = self.province  # loaded in it: its URLs ask no query more
        return project


class VisitDetailView(VisitMixin, crud.ScopedDetailView):
    template_name = "projects/visit_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["visits"] = project_visits(self.parent)
        return ctx


class VisitCreateView(VisitMixin, crud.ScopedCreateView):
    form_class = VisitForm

    def create_record(self, instance, *, submission_id, m2m):
        return services.visit_create(
            visit=instance, by=self.request.user, submission_id=submission_id
        )


class VisitUpdateView(VisitMixin, crud.ScopedUpdateView):
    form_class = VisitForm


class VisitDeleteView(VisitMixin, crud.ScopedDeleteView):
    pass


class VisitHistoryView(VisitMixin, crud.ScopedHistoryView):
    pass
