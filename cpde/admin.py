"""Django admin for the CPDE's records; saves go through the same services as the app."""

from django.contrib import admin

from cpde.models import (
    AgendaItem,
    Answer,
    Attendance,
    Committee,
    CommitteeMember,
    Guest,
    Meeting,
    Question,
    QuestionChoice,
    Questionnaire,
    QuestionnaireResponse,
    Recommendation,
    RecommendationFollowUp,
    RoadmapItem,
    Training,
    TrainingParticipant,
)
from targa.core.admin_mixins import TrackedModelAdmin


@admin.register(Committee)
class CommitteeAdmin(TrackedModelAdmin):
    list_display = ["__str__", "province", "created_on"]
    list_select_related = ["province"]
    search_fields = ["name", "province__name_fr", "province__code"]
    autocomplete_fields = ["province"]


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(TrackedModelAdmin):
    list_display = ["name", "role", "sex", "institution", "committee", "start_date", "end_date"]
    list_filter = ["role", "sex", "committee__province"]
    list_select_related = ["institution", "committee__province"]
    search_fields = ["name", "institution_name", "institution__name"]
    autocomplete_fields = ["committee", "institution"]


@admin.register(Meeting)
class MeetingAdmin(TrackedModelAdmin):
    list_display = ["__str__", "committee", "place"]
    list_filter = ["kind", "committee__province"]
    list_select_related = ["committee__province"]
    search_fields = ["subject", "place"]
    date_hierarchy = "date"
    autocomplete_fields = ["committee"]


@admin.register(AgendaItem)
class AgendaItemAdmin(TrackedModelAdmin):
    list_display = ["title", "order", "meeting"]
    list_select_related = ["meeting"]
    autocomplete_fields = ["meeting"]


@admin.register(Attendance)
class AttendanceAdmin(TrackedModelAdmin):
    list_display = ["member", "status", "meeting"]
    list_filter = ["status"]
    list_select_related = ["member", "meeting"]
    autocomplete_fields = ["meeting", "member"]


@admin.register(Guest)
class GuestAdmin(TrackedModelAdmin):
    list_display = ["name", "institution", "sex", "meeting"]
    list_select_related = ["meeting"]
    autocomplete_fields = ["meeting"]


@admin.register(Recommendation)
class RecommendationAdmin(TrackedModelAdmin):
    list_display = ["__str__", "status", "due_date", "owner", "meeting"]
    list_filter = ["status", "meeting__committee__province"]
    list_select_related = ["owner", "meeting"]
    search_fields = ["text", "owner_name"]
    autocomplete_fields = ["meeting", "owner"]
    # Its status changes only through the services, which log each change as a follow-up.
    readonly_fields = ["status", "done_on", "dropped_reason"]


@admin.register(RecommendationFollowUp)
class RecommendationFollowUpAdmin(TrackedModelAdmin):
    list_display = ["__str__", "recommendation", "status_before", "status_after", "meeting"]
    readonly_fields = ["status_before", "status_after"]
    search_fields = ["note"]
    list_select_related = ["recommendation", "meeting"]
    autocomplete_fields = ["recommendation", "meeting"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(TrackedModelAdmin):
    list_display = ["title", "province", "is_open", "created_at"]
    list_filter = ["is_open"]
    list_select_related = ["province"]
    search_fields = ["title", "title_ar"]
    autocomplete_fields = ["province"]


@admin.register(Question)
class QuestionAdmin(TrackedModelAdmin):
    list_display = ["text", "order", "kind", "questionnaire"]
    list_filter = ["kind", "questionnaire"]
    list_select_related = ["questionnaire"]
    search_fields = ["text", "text_ar"]
    autocomplete_fields = ["questionnaire"]


@admin.register(QuestionChoice)
class QuestionChoiceAdmin(TrackedModelAdmin):
    list_display = ["label_fr", "label_ar", "order", "question"]
    list_select_related = ["question"]
    search_fields = ["label_fr", "label_ar"]
    autocomplete_fields = ["question"]


@admin.register(QuestionnaireResponse)
class QuestionnaireResponseAdmin(TrackedModelAdmin):
    list_display = ["__str__", "questionnaire", "committee", "responded_on"]
    list_select_related = ["questionnaire", "committee__province", "member", "institution"]
    search_fields = ["member__name", "institution_name"]
    autocomplete_fields = ["questionnaire", "committee", "member", "institution"]


@admin.register(Answer)
class AnswerAdmin(TrackedModelAdmin):
    list_display = ["question", "value", "response"]
    search_fields = ["text"]
    list_select_related = ["question", "response__member", "response__institution"]
    autocomplete_fields = ["response", "question", "choices"]


@admin.register(Training)
class TrainingAdmin(TrackedModelAdmin):
    list_display = ["theme", "start_date", "end_date", "trainer", "committee"]
    list_select_related = ["committee__province"]
    search_fields = ["theme", "trainer"]
    autocomplete_fields = ["committee", "needs"]


@admin.register(TrainingParticipant)
class TrainingParticipantAdmin(TrackedModelAdmin):
    list_display = ["member", "training", "attended", "score"]
    list_select_related = ["member", "training"]
    autocomplete_fields = ["training", "member"]


@admin.register(RoadmapItem)
class RoadmapItemAdmin(TrackedModelAdmin):
    list_display = ["__str__", "priority", "status", "target_date", "committee"]
    list_filter = ["priority", "status"]
    list_select_related = ["committee__province"]
    search_fields = ["need"]
    autocomplete_fields = ["committee", "question", "trainings"]
