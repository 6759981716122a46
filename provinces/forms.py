"""Forms for the programme's provinces."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image

from provinces.models import Attachment, Contact, Province, ProvinceProgramme, Stakeholder
from targa.editing import SafeModelForm, ScopedForm


class ProgrammeForm(SafeModelForm):
    class Meta:
        model = ProvinceProgramme
        fields = ["is_active", "started_on", "operator", "focal_point", "notes"]
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }


class ProgrammeCreateForm(ProgrammeForm):
    """Start the programme in a province that does not have it yet."""

    class Meta(ProgrammeForm.Meta):
        fields = ["province", *ProgrammeForm.Meta.fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = Province.objects.filter(programme__isnull=True).order_by(
            "name_fr"
        )
        self.fields["province"].label_from_instance = lambda p: f"{p.name} ({p.code})"
        self.fields["province"].error_messages["invalid_choice"] = _(
            "Choose a province where the programme is not set up yet."
        )


class StakeholderForm(ScopedForm):
    class Meta:
        model = Stakeholder
        fields = [
            "name",
            "acronym",
            "kind",
            "managing_association",
            "communes",
            "address",
            "phone",
            "email",
            "notes",
        ]
        widgets = {
            "communes": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["managing_association"].queryset = self.fields[
            "managing_association"
        ].queryset.filter(kind=Stakeholder.Kind.ASSOCIATION)
        self.instance.province = self.province


class ContactForm(ScopedForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "sex", "phone", "email"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})}


class AttachmentForm(forms.ModelForm):
    """Upload a photo or a document; checked for size, type and, for images, content."""

    class Meta:
        model = Attachment
        fields = ["file", "title"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.MAX_UPLOAD_MB * 1024 * 1024
        if upload.size > limit:
            raise forms.ValidationError(
                _("This file is too large (%(size)s MB); the limit is %(limit)s MB.")
                % {"size": round(upload.size / 1024 / 1024, 1), "limit": settings.MAX_UPLOAD_MB}
            )
        ext = Path(upload.name).suffix.lower().lstrip(".")
        allowed = Attachment.IMAGE_EXTENSIONS + Attachment.DOCUMENT_EXTENSIONS
        if ext not in allowed:
            raise forms.ValidationError(
                _("Files of type “%(ext)s” are not accepted. Accepted: %(allowed)s.")
                % {"ext": ext or "?", "allowed": ", ".join(allowed)}
            )
        if ext in Attachment.IMAGE_EXTENSIONS:
            try:
                with Image.open(upload) as image:
                    image.verify()
            except Exception as exc:
                raise forms.ValidationError(
                    _("This image file is damaged or not an image.")
                ) from exc
            upload.seek(0)
        return upload
