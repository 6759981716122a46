"""Excel and CSV exports of the CPDE's lists (django-import-export), in the user's language."""

from django.db.models import Prefetch
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields

from cpde.models import Answer, Question, Questionnaire, RecommendationFollowUp
from targa.core.exports import StreamingResource


def _yes_no(value: bool) -> str:
    return gettext("yes") if value else gettext("no")


def _date(value) -> str:
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
    start_date = fields.Field(column_name=_("Member since"))
    end_date = fields.Field(column_name=_("Member until"))
    current = fields.Field(column_name=_("Current member"))
    present = fields.Field(attribute="n_present", column_name=_("Meetings attended"))

    def dehydrate_start_date(self, obj):
        return _date(obj.start_date)

    def dehydrate_end_date(self, obj):
        return _date(obj.end_date)

    def dehydrate_current(self, obj):
        return _yes_no(obj.is_current())


class MeetingResource(StreamingResource):
    date = fields.Field(column_name=_("Date"))
    start_time = fields.Field(column_name=_("Start time"))
    kind = fields.Field(attribute="get_kind_display", column_name=_("Type"))
    place = fields.Field(attribute="place", column_name=_("Place"))
    subject = fields.Field(attribute="subject", column_name=_("Subject"))
    present = fields.Field(attribute="n_present", column_name=_("Members present"))
    recommendations = fields.Field(
        attribute="n_recommendations", column_name=_("Recommendations issued")
    )
    decisions = fields.Field(attribute="decisions", column_name=_("Decisions"))

    def dehydrate_date(self, obj):
        return _date(obj.date)

    def dehydrate_start_time(self, obj):
        return obj.start_time.strftime("%H:%M") if obj.start_time else ""


class RecommendationResource(StreamingResource):
    meeting_date = fields.Field(column_name=_("Meeting date"))
    meeting_kind = fields.Field(attribute="meeting__get_kind_display", column_name=_("Meeting"))
    text = fields.Field(attribute="text", column_name=_("Recommendation"))
    owner = fields.Field(attribute="owner__name", column_name=_("Responsible institution"))
    owner_name = fields.Field(
        attribute="owner_name", column_name=_("Responsible person or service")
    )
    due_date = fields.Field(column_name=_("Due date"))
    status = fields.Field(attribute="get_status_display", column_name=_("Status"))
    late = fields.Field(column_name=_("Late"))
    done_on = fields.Field(column_name=_("Done on"))
    dropped_reason = fields.Field(
        attribute="dropped_reason", column_name=_("Reason for dropping it")
    )
    last_follow_up = fields.Field(column_name=_("Last follow-up"))

    def dehydrate_meeting_date(self, obj):
        return _date(obj.meeting.date)

    def dehydrate_due_date(self, obj):
        return _date(obj.due_date)

    def dehydrate_done_on(self, obj):
        return _date(obj.done_on)

    def dehydrate_late(self, obj):
        return _yes_no(obj.is_overdue)

    def dehydrate_last_follow_up(self, obj):
        follow_ups = list(obj.follow_ups.all())
        if not follow_ups:
            return ""
        last = follow_ups[-1]
        return f"{_date(last.date)} – {last.note}".strip(" –")

    def export(self, queryset=None, **kwargs):
        queryset = queryset.select_related("meeting", "owner").prefetch_related(
            Prefetch("follow_ups", queryset=RecommendationFollowUp.objects.order_by("date", "id"))
        )
        return super().export(queryset=queryset, **kwargs)


class TrainingResource(StreamingResource):
    theme = fields.Field(attribute="theme", column_name=_("Theme"))
    start_date = fields.Field(column_name=_("Start date"))
    end_date = fields.Field(column_name=_("End date"))
    trainer = fields.Field(attribute="trainer", column_name=_("Trainer"))
    place = fields.Field(attribute="place", column_name=_("Place"))
    participants = fields.Field(attribute="n_participants", column_name=_("Participants"))
    attended = fields.Field(attribute="n_attended", column_name=_("Attended"))
    avg_score = fields.Field(column_name=_("Average evaluation (1 to 5)"))

    def dehydrate_start_date(self, obj):
        return _date(obj.start_date)

    def dehydrate_end_date(self, obj):
        return _date(obj.end_date)

    def dehydrate_avg_score(self, obj):
        return round(obj.avg_score, 1) if obj.avg_score is not None else ""


class RoadmapItemResource(StreamingResource):
    need = fields.Field(attribute="need", column_name=_("Need found"))
    question = fields.Field(column_name=_("Question of the assessment"))
    priority = fields.Field(attribute="get_priority_display", column_name=_("Priority"))
    trainings = fields.Field(column_name=_("Planned trainings"))
    target_date = fields.Field(column_name=_("Target date"))
    status = fields.Field(attribute="get_status_display", column_name=_("Status"))
    notes = fields.Field(attribute="notes", column_name=_("Notes"))

    def dehydrate_question(self, obj):
        return obj.question.label if obj.question_id else ""

    def dehydrate_trainings(self, obj):
        return "; ".join(t.theme for t in obj.trainings.all())

    def dehydrate_target_date(self, obj):
        return _date(obj.target_date)

    def export(self, queryset=None, **kwargs):
        queryset = queryset.select_related("question").prefetch_related("trainings")
        return super().export(queryset=queryset, **kwargs)


def response_resource_for(questionnaire: Questionnaire) -> type[StreamingResource]:
    """A resource with one column per question of the questionnaire (numbers stay numbers)."""
    questions = list(questionnaire.questions.order_by("order", "id"))

    class ResponseResource(StreamingResource):
        respondent = fields.Field(column_name=_("Respondent"))
        institution = fields.Field(column_name=_("Institution"))
        sex = fields.Field(column_name=_("Sex"))
        responded_on = fields.Field(column_name=_("Answered on"))

        def dehydrate_respondent(self, obj):
            return obj.respondent

        def dehydrate_institution(self, obj):
            if obj.member_id:
                return obj.member.institution_label
            return obj.institution_name or (obj.institution.name if obj.institution_id else "")

        def dehydrate_sex(self, obj):
            return obj.member.get_sex_display() if obj.member_id else ""

        def dehydrate_responded_on(self, obj):
            return _date(obj.responded_on)

        def get_export_fields(self, selected_fields=None):
            return [*super().get_export_fields(selected_fields), *self._question_fields]

        def export_field(self, field, instance, **kwargs):
            question = getattr(field, "question", None)
            if question is None:
                return super().export_field(field, instance, **kwargs)
            answer = instance.answers_by_question.get(question.pk)
            if answer is None:
                return ""
            if question.kind == Question.Kind.SCALE:
                return answer.value
            if question.has_choices:
                return "; ".join(c.label for c in answer.choices.all())
            return answer.text

        def export(self, queryset=None, **kwargs):
            queryset = queryset.select_related(
                "member__institution", "institution"
            ).prefetch_related(
                Prefetch("answers", queryset=Answer.objects.prefetch_related("choices"))
            )
            rows = list(queryset)
            for response in rows:
                response.answers_by_question = {a.question_id: a for a in response.answers.all()}
            return super().export(queryset=rows, **kwargs)

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
    is_open = fields.Field(column_name=_("Open for answers"))
    questions = fields.Field(attribute="n_questions", column_name=_("Questions"))
    responses = fields.Field(attribute="n_responses", column_name=_("Responses here"))

    def dehydrate_scope(self, obj):
        return gettext("national") if obj.is_national else obj.province.name

    def dehydrate_is_open(self, obj):
        return _yes_no(obj.is_open)
