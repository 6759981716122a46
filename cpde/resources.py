"""Excel and CSV exports of the CPDE's lists (django-import-export), in the user's language.

Columns give values as they are (dates, numbers, booleans, lists): the writer in
`targa.core.exports` types and formats them, one value per line for many-valued columns.
"""

from django.db.models import Prefetch
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields

from cpde.models import Answer, Question, Questionnaire, RecommendationFollowUp
from targa.core.exports import Field, StreamingResource


def _date(value) -> str:
    """A date inside a sentence (a follow-up line); a date column stays a date."""
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


class MemberResource(StreamingResource):
    name = fields.Field(attribute="name", column_name=_("Full name"))
    sex = fields.Field(attribute="get_sex_display", column_name=_("Sex"))
    role = fields.Field(attribute="get_role_display", column_name=_("Role in the committee"))
    institution = fields.Field(attribute="institution__name", column_name=_("Institution"))
    institution_name = fields.Field(
        attribute="institution_name", column_name=_("Institution (free text)")
    )
    position = fields.Field(attribute="position", column_name=_("Position"))
    phone = fields.Field(attribute="phone", column_name=_("Phone"))
    email = fields.Field(attribute="email", column_name=_("E-mail"))
    start_date = fields.Field(attribute="start_date", column_name=_("Member since"))
    end_date = fields.Field(attribute="end_date", column_name=_("Member until"))
    current = fields.Field(attribute="is_current", column_name=_("Current member"))
    present = fields.Field(attribute="n_present", column_name=_("Meetings attended"))


class MeetingResource(StreamingResource):
    date = fields.Field(attribute="date", column_name=_("Date"))
    start_time = fields.Field(attribute="start_time", column_name=_("Start time"))
    kind = fields.Field(attribute="get_kind_display", column_name=_("Type"))
    place = fields.Field(attribute="place", column_name=_("Place"))
    subject = fields.Field(attribute="subject", column_name=_("Subject"))
    present = fields.Field(attribute="n_present", column_name=_("Members present"))
    recommendations = fields.Field(
        attribute="n_recommendations", column_name=_("Recommendations issued")
    )
    decisions = fields.Field(attribute="decisions", column_name=_("Decisions"))


class RecommendationResource(StreamingResource):
    meeting_date = fields.Field(attribute="meeting__date", column_name=_("Meeting date"))
    meeting_kind = fields.Field(attribute="meeting__get_kind_display", column_name=_("Meeting"))
    text = fields.Field(attribute="text", column_name=_("Recommendation"))
    owner = fields.Field(attribute="owner__name", column_name=_("Responsible institution"))
    owner_name = fields.Field(
        attribute="owner_name", column_name=_("Responsible person or service")
    )
    due_date = fields.Field(attribute="due_date", column_name=_("Due date"))
    status = fields.Field(attribute="get_status_display", column_name=_("Status"))
    late = fields.Field(attribute="is_overdue", column_name=_("Late"))
    done_on = fields.Field(attribute="done_on", column_name=_("Done on"))
    dropped_reason = fields.Field(
        attribute="dropped_reason", column_name=_("Reason for dropping it")
    )
    last_follow_up = fields.Field(column_name=_("Last follow-up"))

    def dehydrate_last_follow_up(self, obj):
        follow_ups = list(obj.follow_ups.all())
        if not follow_ups:
            return ""
        last = follow_ups[-1]
        return f"{_date(last.date)} – {last.note}".strip(" –")

    def prepare(self, queryset):
        return queryset.select_related("meeting", "owner").prefetch_related(
            Prefetch("follow_ups", queryset=RecommendationFollowUp.objects.order_by("date", "id"))
        )


class TrainingResource(StreamingResource):
    theme = fields.Field(attribute="theme", column_name=_("Theme"))
    start_date = fields.Field(attribute="start_date", column_name=_("Start date"))
    end_date = fields.Field(attribute="end_date", column_name=_("End date"))
    trainer = fields.Field(attribute="trainer", column_name=_("Trainer"))
    place = fields.Field(attribute="place", column_name=_("Place"))
    participants = fields.Field(attribute="n_participants", column_name=_("Participants"))
    attended = fields.Field(attribute="n_attended", column_name=_("Attended"))
    avg_score = Field(column_name=_("Average evaluation (1 to 5)"), number_format="0.0")

    def dehydrate_avg_score(self, obj):
        return round(obj.avg_score, 1) if obj.avg_score is not None else None


class RoadmapItemResource(StreamingResource):
    need = fields.Field(attribute="need", column_name=_("Need found"))
    question = fields.Field(column_name=_("Question of the assessment"))
    priority = fields.Field(attribute="get_priority_display", column_name=_("Priority"))
    trainings = fields.Field(column_name=_("Planned trainings"))
    target_date = fields.Field(attribute="target_date", column_name=_("Target date"))
    status = fields.Field(attribute="get_status_display", column_name=_("Status"))
    notes = fields.Field(attribute="notes", column_name=_("Notes"))

    def dehydrate_question(self, obj):
        return obj.question.label if obj.question_id else None

    def dehydrate_trainings(self, obj):
        return [t.theme for t in obj.trainings.all()]

    def prepare(self, queryset):
        return queryset.select_related("question").prefetch_related("trainings")


def response_resource_for(questionnaire: Questionnaire) -> type[StreamingResource]:
    """A resource with one column per question of the questionnaire (numbers stay numbers)."""
    questions = list(questionnaire.questions.order_by("order", "id"))

    class ResponseResource(StreamingResource):
        respondent = fields.Field(column_name=_("Respondent"))
        institution = fields.Field(column_name=_("Institution"))
        sex = fields.Field(column_name=_("Sex"))
        responded_on = fields.Field(attribute="responded_on", column_name=_("Answered on"))

        def dehydrate_respondent(self, obj):
            return obj.respondent

        def dehydrate_institution(self, obj):
            if obj.member_id:
                return obj.member.institution_label
            return obj.institution_name or (obj.institution.name if obj.institution_id else None)

        def dehydrate_sex(self, obj):
            return obj.member.get_sex_display() if obj.member_id else None

        def get_export_fields(self, selected_fields=None):
            return [*super().get_export_fields(selected_fields), *self._question_fields]

        def export_field(self, field, instance, **kwargs):
            question = getattr(field, "question", None)
            if question is None:
                return super().export_field(field, instance, **kwargs)
            answer = instance.answers_by_question.get(question.pk)
            if answer is None:
                return None
            if question.kind == Question.Kind.SCALE:
                return answer.value
            if question.has_choices:
                return [c.label for c in answer.choices.all()]
            return answer.text

        def prepare(self, queryset):
            queryset = queryset.select_related(
                "member__institution", "institution"
            ).prefetch_related(
                Prefetch("answers", queryset=Answer.objects.prefetch_related("choices"))
            )
            rows = list(queryset)
            for response in rows:
                response.answers_by_question = {a.question_id: a for a in response.answers.all()}
            return rows

    question_fields = []
    for question in questions:
        f = fields.Field(column_name=f"{question.order}. {question.label}")
        f.question = question
        question_fields.append(f)
    ResponseResource._question_fields = question_fields
    return ResponseResource


class QuestionnaireResource(StreamingResource):
    title = fields.Field(attribute="label", column_name=_("Title"))
    scope = fields.Field(column_name=_("Scope"))
    is_open = fields.Field(attribute="is_open", column_name=_("Open for answers"))
    questions = fields.Field(attribute="n_questions", column_name=_("Questions"))
    responses = fields.Field(attribute="n_responses", column_name=_("Responses here"))

    def dehydrate_scope(self, obj):
        return gettext("national") if obj.is_national else obj.province.name
