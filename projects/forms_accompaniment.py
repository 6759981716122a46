"""Forms of the accompaniment pages: sessions with the holders and structures present, and
post-creation visits. They parse and present; the rules are the models' and the services'.

Holders and structures number in the thousands per province: those present are typed, one
name a box, with the province's suggestions (the base's `SearchMultipleChoiceField`), not
picked from a list that holds them all.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import IncomeChange, Session, Visit
from targa.core.editing import ScopedForm, date_input


class SessionForm(ScopedForm):
    """A session and who was present: the holders and the structures, typed by name."""

    class Meta:
        model = Session
        fields = [
            "on",
            "kind",
            "topic",
            "trainer",
            "provider",
            "commune",
            "place",
            "hours",
            "holders",
            "structures",
            "notes",
        ]
        widgets = {
            "on": date_input(Session.date_bounds["on"]),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Typed, a name a box (ScopedForm made them search fields): a few empty boxes to fill,
        # more with "Add a name".
        editing = bool(self.instance.pk)
        self.fields["holders"].widget.extra = 3 if editing else 6
        self.fields["structures"].widget.extra = 2 if editing else 3
        self.fields["holders"].help_text = _("One name a box, or the holder's number.")
        self.fields["hours"].widget.attrs.update({"inputmode": "decimal", "step": "0.25"})


class VisitForm(ScopedForm):
    class Meta:
        model = Visit
        fields = [
            "on",
            "observations",
            "turnover",
            "jobs_created_women",
            "jobs_created_men",
            "jobs_kept_women",
            "jobs_kept_men",
            "income_change",
            "monthly_income",
            "difficulties",
            "next_steps",
            "next_visit_on",
        ]
        widgets = {
            "on": date_input(Visit.date_bounds["on"]),
            "next_visit_on": date_input(Visit.date_bounds["next_visit_on"]),
            "observations": forms.Textarea(attrs={"rows": 4}),
            "difficulties": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
            "income_change": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["income_change"].choices = IncomeChange.choices  # no empty radio
        for name in ("turnover", "monthly_income"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "min": 0, "step": 1})
