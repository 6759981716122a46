"""The form recording a diagnostic's delivery to the Province (parsed here, ruled on by
`valuechains.services.diagnostic_deliver`)."""

from django import forms
from django.core.files.base import ContentFile
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from targa.core.editing import date_input


class DeliveryForm(forms.Form):
    GENERATED, UPLOADED = "generated", "uploaded"

    on = forms.DateField(label=_("Delivered on"), widget=date_input())
    recipient = forms.CharField(
        label=_("Delivered to"),
        max_length=200,
        help_text=_("The office or person of the Province who received it."),
    )
    source = forms.ChoiceField(
        label=_("Document delivered"),
        choices=[(GENERATED, _("The PDF generated here")), (UPLOADED, _("A file I upload"))],
        widget=forms.RadioSelect,
        initial=GENERATED,
    )
    job = forms.ModelChoiceField(
        label=_("Generated PDF"), queryset=None, required=False, empty_label=None
    )
    document = forms.FileField(
        label=_("PDF file"), required=False, help_text=_("The PDF that was handed over.")
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, pdfs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job"].queryset = pdfs
        self.fields["job"].label_from_instance = lambda job: (
            f"{job.filename} · {formats.date_format(job.created_at, 'SHORT_DATETIME_FORMAT')}"
        )
        first = pdfs.first()
        if first is None:
            self.fields["source"].initial = self.UPLOADED
        else:
            self.fields["job"].initial = first.pk

    def clean(self):
        data = super().clean()
        if data.get("source") == self.GENERATED and not data.get("job"):
            self.add_error("job", _("Generate the PDF first, or upload the file delivered."))
        if data.get("source") == self.UPLOADED and not data.get("document"):
            self.add_error("document", _("Choose the PDF file that was delivered."))
        return data

    def delivered_document(self):
        """The file to record: a copy of the generated PDF, or the uploaded file."""
        if self.cleaned_data["source"] == self.GENERATED:
            job = self.cleaned_data["job"]
            with job.file.open("rb") as f:
                return ContentFile(f.read(), name=job.filename)
        return self.cleaned_data["document"]
