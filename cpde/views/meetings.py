"""Meetings: list, page (agenda, attendance, minutes, recommendations), attendance sheet,
the PV as a PDF, agenda items and guests."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from cpde import selectors
from cpde.filters import MeetingFilter, RecommendationFilter
from cpde.forms import (
    AgendaItemForm,
    AttendanceForm,
    GuestForm,
    MeetingCreateForm,
    MeetingForm,
)
from cpde.models import AgendaItem, Attendance, Guest, Meeting
from cpde.resources import MeetingResource
from cpde.services import meeting_create, meeting_record_attendance, next_order
from cpde.views.base import InCommitteeMixin
from provinces.access import Perm
from targa.core import crud
from targa.core.editing import form_invalid_with
from targa.core.pdf import pdf_language, render_pdf
from targa.core.records import EditConflict


class MeetingMixin:
    model = Meeting
    url_base = "cpde:meeting"


class MeetingListView(MeetingMixin, crud.ScopedListView):
    template_name = "cpde/meeting_list.html"
    filterset_class = MeetingFilter
    search_fields = ("subject", "place", "minutes", "decisions")
    resource_class = MeetingResource
    ordering = ("-date", "-start_time", "-id")
    columns = (
        crud.Col("date", _("Date")),
        crud.Col("kind", _("Type")),
        crud.Col("subject", _("Subject")),
        crud.Col("place", _("Place")),
        crud.Col("n_present", _("Present"), numeric=True),
        crud.Col("n_recommendations", _("Recommendations"), numeric=True),
    )
    card_fields = ("kind", "subject", "n_present", "n_recommendations")

    def get_queryset(self):
        return selectors.meetings_with_counts(super().get_queryset())


def meeting_sections(meeting: Meeting) -> dict:
    """Everything the meeting page and its PV show besides the meeting itself."""
    return {
        "agenda": list(meeting.agenda_items.all()),
        "sheet": selectors.attendance_sheet(meeting),
        "guests": list(meeting.guests.all()),
        "counts": selectors.attendance_counts(meeting),
    }


def attendance_saved_message(*, changed: int, counts: selectors.AttendanceCounts) -> str:
    """What the sheet's author reads after saving: what the sheet now says, or that it
    said so already."""
    if not changed:
        return gettext("No change: the attendance was already recorded like this.")
    return gettext("Attendance saved: %(present)s, %(excused)s, %(absent)s.") % {
        "present": ngettext("%(n)s present", "%(n)s present", counts.present)
        % {"n": counts.present},
        "excused": ngettext("%(n)s excused", "%(n)s excused", counts.excused)
        % {"n": counts.excused},
        "absent": ngettext("%(n)s absent", "%(n)s absent", counts.absent) % {"n": counts.absent},
    }


# The messages the meeting page shows inside its attendance section, not at the top.
ATTENDANCE_MESSAGE = "in-page attendance"


class MeetingDetailView(MeetingMixin, crud.ScopedDetailView):
    template_name = "cpde/meeting_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        meeting = self.object
        ctx.update(meeting_sections(meeting))
        ctx["issued"] = selectors.recommendations_issued_shown(meeting)
        ctx["to_review"] = selectors.recommendations_to_review(meeting)
        ctx["to_review_query"] = urlencode(
            {
                "status": RecommendationFilter.NOT_CLOSED,
                "issued_before": meeting.date.isoformat(),
            }
        )
        ctx["by_status"] = selectors.attendance_by_status(ctx["sheet"])
        if ctx["can_change"] and meeting.has_taken_place and "attendance_form" not in kwargs:
            ctx["attendance_form"] = AttendanceForm(sheet=ctx["sheet"])
        return ctx


class MeetingCreateView(MeetingMixin, InCommitteeMixin, crud.ScopedCreateView):
    form_class = MeetingCreateForm

    def form_valid(self, form):
        meeting = form.save(commit=False)
        self.prepare_instance(meeting)
        try:
            result = meeting_create(
                meeting=meeting,
                agenda=form.agenda_lines(),
                by=self.request.user,
                submission_id=form.cleaned_data.get("submission_id"),
            )
        except ValidationError as error:
            return form_invalid_with(self, form, error)
        self.object = result.instance
        messages.success(
            self.request, self.success_message if result.created else self.already_saved_message
        )
        return HttpResponseRedirect(self.get_success_url())


class MeetingUpdateView(MeetingMixin, crud.ScopedUpdateView):
    form_class = MeetingForm


class MeetingDeleteView(MeetingMixin, crud.ScopedDeleteView):
    protected_message = _(
        "This meeting issued recommendations: delete or move them first, or keep the meeting."
    )


class MeetingHistoryView(MeetingMixin, crud.ScopedHistoryView):
    pass


class MeetingAttendanceView(MeetingMixin, crud.ScopedObjectMixin, TemplateView):
    """The attendance sheet: every member on one page, saved in one go (all or nothing)."""

    template_name = "cpde/meeting_attendance.html"
    required_perm = Perm.CHANGE

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        sheet = selectors.attendance_sheet(self.object)
        return self.render_to_response(
            self.get_context_data(object=self.object, form=AttendanceForm(sheet=sheet))
        )

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = AttendanceForm(request.POST, sheet=selectors.attendance_sheet(self.object))
        if form.is_valid():
            try:
                changed = meeting_record_attendance(
                    meeting=self.object,
                    statuses=form.statuses(),
                    by=request.user,
                    versions_opened=form.versions_opened(),
                )
            except EditConflict as conflict:
                now = AttendanceForm.sheet_versions(selectors.attendance_sheet(self.object))
                form.conflicted(conflict, now)
                return self.render_to_response(
                    self.get_context_data(object=self.object, form=form), status=409
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                counts = selectors.attendance_counts(self.object)
                messages.success(
                    request,
                    attendance_saved_message(changed=changed, counts=counts),
                    extra_tags=ATTENDANCE_MESSAGE,
                )
                return HttpResponseRedirect(f"{self.object.get_absolute_url()}#attendance")
        return self.render_to_response(
            self.get_context_data(object=self.object, form=form), status=200
        )


class MeetingPvView(MeetingMixin, crud.ScopedObjectMixin, TemplateView):
    """The meeting's minutes (procès-verbal) as a PDF, in French or Arabic (`?lang=`)."""

    def get_queryset(self):
        return super().get_queryset().select_related("committee__province")

    def get(self, request, *args, **kwargs):
        meeting = self.get_object()
        language = pdf_language(request.GET.get("lang"), request.LANGUAGE_CODE)
        context = {"meeting": meeting, "province": self.province, **meeting_sections(meeting)}
        context["issued"] = selectors.recommendations_issued_at(meeting)
        context["committee"] = meeting.committee
        # The PV lists those present first, then excused, then absent.
        order = list(Attendance.Status.values)
        context["pv_sheet"] = sorted(
            (m for m in context["sheet"] if m.status), key=lambda m: order.index(m.status)
        )
        pdf = render_pdf("cpde/meeting_pv.html", context, language=language)
        response = HttpResponse(pdf, content_type="application/pdf")
        name = f"pv-{slugify(self.province.name_fr)}-{meeting.date.isoformat()}-{language}.pdf"
        disposition = "attachment" if request.GET.get("download") else "inline"
        response["Content-Disposition"] = f'{disposition}; filename="{name}"'
        return response


# Agenda items and guests -----------------------------------------------------------------


class MeetingChildMixin:
    parent_model = Meeting
    parent_field = "meeting"

    def get_success_url(self):
        return f"{self.parent.get_absolute_url()}#{self.anchor}"


class AgendaItemMixin(MeetingChildMixin):
    model = AgendaItem
    url_base = "cpde:agenda_item"
    anchor = "agenda"


class AgendaItemCreateView(AgendaItemMixin, crud.ScopedCreateView):
    form_class = AgendaItemForm

    def get_initial(self):
        return {"order": next_order(self.parent.agenda_items.all())}


class AgendaItemUpdateView(AgendaItemMixin, crud.ScopedUpdateView):
    form_class = AgendaItemForm


class AgendaItemDeleteView(AgendaItemMixin, crud.ScopedDeleteView):
    pass


class AgendaItemHistoryView(AgendaItemMixin, crud.ScopedHistoryView):
    pass


class GuestMixin(MeetingChildMixin):
    model = Guest
    url_base = "cpde:guest"
    anchor = "attendance"


class GuestCreateView(GuestMixin, crud.ScopedCreateView):
    form_class = GuestForm


class GuestUpdateView(GuestMixin, crud.ScopedUpdateView):
    form_class = GuestForm


class GuestDeleteView(GuestMixin, crud.ScopedDeleteView):
    pass


class GuestHistoryView(GuestMixin, crud.ScopedHistoryView):
    pass
