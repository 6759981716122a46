"""Forms of the CPDE pages, made for a phone: date and time pickers, radio lists, one-go
attendance and participants sheets."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from cpde.access import questionnaires_in
from cpde.models import (
    AgendaItem,
    Attendance,
    Committee,
    CommitteeMember,
    Guest,
    Meeting,
    Question,
    Questionnaire,
    QuestionnaireResponse,
    Recommendation,
    RecommendationFollowUp,
    RoadmapItem,
    Training,
)
from cpde.services import ChoiceLine, Participation, parse_choice_lines, question_kind_locked
from targa.core.choices import use_search_fields
from targa.core.editing import SafeModelForm, ScopedForm, SheetForm, date_input
from targa.core.ordering import Natural


def time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class _FormChecks:
    """Options drawn as Bootstrap form-checks: easy to tap, one per line or side by side."""

    template_name = "cpde/widgets/choices.html"

    def __init__(self, *args, inline: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.inline = inline

    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        option["attrs"]["class"] = "form-check-input"
        return option

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["inline"] = self.inline
        return context


class RadioChecks(_FormChecks, forms.RadioSelect):
    pass


class CheckboxChecks(_FormChecks, forms.CheckboxSelectMultiple):
    pass


def radios(inline: bool = True) -> RadioChecks:
    return RadioChecks(inline=inline)


def questions_in(province):
    """Questions of the questionnaires used in a province (national ones included)."""
    return (
        Question.objects.filter(questionnaire__in=questionnaires_in(province))
        .select_related("questionnaire")
        .order_by("questionnaire__title", "order", "id")
    )


class CommitteeForm(SafeModelForm):
    class Meta:
        model = Committee
        fields = ["name", "created_on", "notes"]
        widgets = {"created_on": date_input(), "notes": forms.Textarea(attrs={"rows": 3})}


class MemberForm(ScopedForm):
    class Meta:
        model = CommitteeMember
        fields = [
            "name",
            "sex",
            "role",
            "institution",
            "institution_name",
            "position",
            "phone",
            "email",
            "start_date",
            "end_date",
        ]
        widgets = {
            "sex": radios(),
            "start_date": date_input(),
            "end_date": date_input(),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sex"].choices = self.fields["sex"].choices[1:]  # no empty radio


class MeetingForm(ScopedForm):
    class Meta:
        model = Meeting
        fields = ["kind", "date", "start_time", "place", "subject", "minutes", "decisions"]
        widgets = {
            "date": date_input(),
            "start_time": time_input(),
            "minutes": forms.Textarea(attrs={"rows": 8}),
            "decisions": forms.Textarea(attrs={"rows": 4}),
        }


class MeetingCreateForm(MeetingForm):
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One item per line, in order. Items can be added or changed later."),
    )

    class Meta(MeetingForm.Meta):
        fields = ["kind", "date", "start_time", "place", "subject"]

    def agenda_lines(self) -> list[str]:
        return [
            line.strip()[:255] for line in self.cleaned_data["agenda"].splitlines() if line.strip()
        ]


class AgendaItemForm(ScopedForm):
    class Meta:
        model = AgendaItem
        fields = ["order", "title", "notes"]
        widgets = {
            "order": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class GuestForm(ScopedForm):
    class Meta:
        model = Guest
        fields = ["name", "institution", "sex"]
        widgets = {"sex": radios()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sex"].choices = self.fields["sex"].choices[1:]


class AttendanceForm(SheetForm):
    """One line per member on the sheet, each with present / excused / absent."""

    def __init__(self, *args, sheet: list[CommitteeMember], **kwargs):
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        self.remember_versions(self.sheet_versions(sheet))
        for member in sheet:
            self.fields[f"m{member.pk}"] = forms.ChoiceField(
                label=member.name,
                choices=Attendance.Status.choices,
                # The sheet's <form> says autocomplete="off" (so that Firefox does not bring
                # back other choices on reload): HTML does not allow it on a radio.
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                initial=member.status,
                error_messages={"required": _("Choose present, excused or absent.")},
            )

    def lines(self):
        """(member, bound field) pairs, for the template."""
        return [(m, self[f"m{m.pk}"]) for m in self.sheet]

    def clean(self):
        cleaned = super().clean()
        missing = [m.name for m in self.sheet if f"m{m.pk}" in self.errors]
        if missing:
            raise forms.ValidationError(
                _("Nothing was saved: choose present, excused or absent for %(names)s."),
                params={"names": ", ".join(missing)},
            )
        return cleaned

    def statuses(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data[f"m{m.pk}"] for m in self.sheet}

    @staticmethod
    def sheet_versions(sheet: list[CommitteeMember]) -> dict[int, int]:
        """Member id → version of their attendance line, for the lines already recorded."""
        return {m.pk: m.attendance_version for m in sheet if m.attendance_version}


class RecommendationForm(ScopedForm):
    class Meta:
        model = Recommendation
        fields = ["text", "owner", "owner_name", "due_date"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "due_date": date_input()}


class _FollowUpBase(forms.Form):
    """What the follow-up and close forms share: the date, a note and where it was discussed."""

    submission_id = forms.UUIDField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    date = forms.DateField(label=_("Date"), widget=date_input())
    meeting = forms.ModelChoiceField(
        label=_("Discussed at the meeting"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, recommendation: Recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        self.recommendation = recommendation
        self.fields["submission_id"].initial = uuid.uuid4()
        self.fields["version"].initial = recommendation.version
        self.fields["meeting"].queryset = Meeting.objects.filter(
            committee_id=recommendation.meeting.committee_id,
            date__gte=recommendation.meeting.date,
        ).order_by("-date")
        use_search_fields(self, recommendation.meeting.committee.province)
        # Its follow-up is discussed at the meeting that recommended it or a later one.
        self.fields["meeting"].narrow_suggestions(date__gte=recommendation.meeting.date)


class FollowUpForm(_FollowUpBase):
    """Log progress; optionally move the recommendation to open or in progress."""

    status = forms.ChoiceField(label=_("Status"), required=False, widget=radios(inline=False))

    field_order = ["date", "status", "note", "meeting"]

    def __init__(self, *args, can_reopen: bool, **kwargs):
        super().__init__(*args, **kwargs)
        rec = self.recommendation
        choices = [("", _("unchanged (%(status)s)") % {"status": rec.get_status_display()})]
        if not rec.is_closed or can_reopen:
            choices += [
                (value, label)
                for value, label in Recommendation.Status.choices
                if value not in Recommendation.CLOSED and value != rec.status
            ]
        self.fields["status"].choices = choices
        if len(choices) == 1:
            self.fields["status"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("status") and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Write what happened."))
        return cleaned


class CloseForm(_FollowUpBase):
    """A coordinator closes a recommendation: done on a date, or dropped for a reason."""

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (Recommendation.Status.DONE, Recommendation.Status.DONE.label),
            (Recommendation.Status.DROPPED, Recommendation.Status.DROPPED.label),
        ],
        widget=radios(),
    )
    reason = forms.CharField(
        label=_("Reason for dropping it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the recommendation is dropped."),
    )

    field_order = ["outcome", "date", "reason", "note", "meeting"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].label = _("Date (done on, or dropped on)")

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("outcome") == Recommendation.Status.DROPPED
            and not (cleaned.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Say why the recommendation is dropped."))
        return cleaned


class FollowUpEditForm(ScopedForm):
    class Meta:
        model = RecommendationFollowUp
        fields = ["date", "note", "meeting"]
        widgets = {"date": date_input(), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rec = self.instance.recommendation
        self.fields["meeting"].queryset = self.fields["meeting"].queryset.filter(
            committee_id=rec.meeting.committee_id, date__gte=rec.meeting.date
        )
        self.fields["meeting"].narrow_suggestions(date__gte=rec.meeting.date)


class QuestionnaireForm(ScopedForm):
    national = forms.BooleanField(
        label=_("National questionnaire (used in every province)"), required=False
    )

    class Meta:
        model = Questionnaire
        fields = ["title", "title_ar", "description", "is_open"]
        widgets = {
            "title_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, can_make_national: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk or not can_make_national:
            del self.fields["national"]


class QuestionForm(ScopedForm):
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "For a single or multiple choice: one choice per line; “French | Arabic” gives "
            "both labels."
        ),
    )

    class Meta:
        model = Question
        fields = ["order", "section", "section_ar", "text", "text_ar", "kind"]
        widgets = {
            "order": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
            "section_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "text_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["choices"].initial = "\n".join(
                f"{c.label_fr} | {c.label_ar}" if c.label_ar else c.label_fr
                for c in self.instance.choices.all()
            )
            if question_kind_locked(self.instance):
                self.fields["kind"].disabled = True
                self.fields["kind"].help_text = _(
                    "This question already has answers: its type of answer cannot change."
                )

    def clean(self):
        cleaned = super().clean()
        # The rules on choices (at least two, each once) are the service's.
        lines = parse_choice_lines(cleaned.get("choices") or "")
        self.choice_lines: list[ChoiceLine] = lines
        return cleaned


SCALE_CHOICES = [(i, str(i)) for i in range(1, 6)]


class ResponseForm(ScopedForm):
    """Who answers, and one field per question of the questionnaire."""

    class Meta:
        model = QuestionnaireResponse
        fields = ["member", "institution", "institution_name", "responded_on"]
        widgets = {"responded_on": date_input()}

    def __init__(self, *args, questionnaire: Questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        self.instance.questionnaire = questionnaire
        self.fields["member"].help_text = _("Or, for an answer on behalf of an institution:")
        self.fields["member"].queryset = self.fields["member"].queryset.order_by(
            Natural("name"), "id"
        )
        self.questions = list(questionnaire.questions.prefetch_related("choices"))
        current = {}
        if self.instance.pk:
            for answer in self.instance.answers.prefetch_related("choices"):
                ids = [c.pk for c in answer.choices.all()]
                current[answer.question_id] = {
                    Question.Kind.SCALE: answer.value,
                    Question.Kind.SINGLE: ids[0] if ids else None,
                    Question.Kind.MULTIPLE: ids,
                    Question.Kind.TEXT: answer.text,
                }[answer.question.kind]
        for q in self.questions:
            self.fields[f"q{q.pk}"] = self._field_for(q, current.get(q.pk))

    @staticmethod
    def _field_for(q: Question, initial) -> forms.Field:
        common = {"label": q.label, "required": False, "initial": initial}
        if q.kind == Question.Kind.SCALE:
            return forms.TypedChoiceField(
                choices=SCALE_CHOICES,
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                help_text=_("1: very low · 5: very high"),
                **common,
            )
        choices = [(c.pk, c.label) for c in q.choices.all()]
        if q.kind == Question.Kind.SINGLE:
            return forms.TypedChoiceField(
                choices=choices, coerce=int, empty_value=None, widget=radios(inline=False), **common
            )
        if q.kind == Question.Kind.MULTIPLE:
            return forms.TypedMultipleChoiceField(
                choices=choices,
                coerce=int,
                widget=CheckboxChecks(),
                **common,
            )
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), **common)

    def respondent_fields(self):
        return [self[name] for name in self._meta.fields]

    def question_fields(self):
        """(question, bound field, new section title or "") in order, for the template."""
        out, section = [], None
        for q in self.questions:
            heading = q.section_label if q.section != section else ""
            section = q.section
            out.append((q, self[f"q{q.pk}"], heading))
        return out

    def answers(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}

    def clean(self):
        cleaned = super().clean()
        if not (
            cleaned.get("member")
            or cleaned.get("institution")
            or (cleaned.get("institution_name") or "").strip()
        ):
            self.add_error("member", _("Choose the member who answers, or the institution."))
        return cleaned


class TrainingForm(ScopedForm):
    class Meta:
        model = Training
        fields = ["theme", "start_date", "end_date", "trainer", "place", "needs", "notes"]
        widgets = {
            "start_date": date_input(),
            "end_date": date_input(),
            "needs": CheckboxChecks(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"].queryset = questions_in(self.province)


class ParticipantsForm(SheetForm):
    """One line per member: not a participant, attended or absent, and an optional score."""

    NOT_INVITED, ATTENDED, MISSED = "", "yes", "no"
    line_error_field = "s{key}"  # the line's rules are about its score

    def __init__(self, *args, members: list[CommitteeMember], current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        self.remember_versions({member_id: line.version for member_id, line in current.items()})
        for member in members:
            line = current.get(member.pk)
            self.fields[f"p{member.pk}"] = forms.ChoiceField(
                label=member.name,
                required=False,
                choices=[
                    (self.NOT_INVITED, _("not a participant")),
                    (self.ATTENDED, _("attended")),
                    (self.MISSED, _("did not attend")),
                ],
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                initial=(
                    self.NOT_INVITED
                    if line is None
                    else self.ATTENDED
                    if line.attended
                    else self.MISSED
                ),
            )
            self.fields[f"s{member.pk}"] = forms.TypedChoiceField(
                label=_("Evaluation (1 to 5)"),
                required=False,
                choices=[("", "—"), *SCALE_CHOICES],
                coerce=int,
                empty_value=None,
                initial=line.score if line is not None else None,
            )

    def lines(self):
        return [(m, self[f"p{m.pk}"], self[f"s{m.pk}"]) for m in self.members]

    def rows(self) -> dict[int, Participation | None]:
        out = {}
        for m in self.members:
            choice = self.cleaned_data.get(f"p{m.pk}")
            out[m.pk] = (
                None
                if choice == self.NOT_INVITED
                else Participation(
                    attended=choice == self.ATTENDED, score=self.cleaned_data.get(f"s{m.pk}")
                )
            )
        return out


class RoadmapItemForm(ScopedForm):
    class Meta:
        model = RoadmapItem
        fields = ["need", "question", "priority", "trainings", "target_date", "status", "notes"]
        widgets = {
            "need": forms.Textarea(attrs={"rows": 2}),
            "priority": radios(),
            "trainings": CheckboxChecks(),
            "target_date": date_input(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = questions_in(self.province)
        self.fields["trainings"].queryset = self.fields["trainings"].queryset.order_by(
            "-start_date"
        )
