"""Views of a province's records: stakeholders and their contacts, attachments."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from provinces import services
from provinces.access import Perm, access_object, access_province
from provinces.filters import StakeholderFilter
from provinces.forms import AttachmentForm, ContactForm, StakeholderForm
from provinces.models import (
    NOT_ATTACHABLE,
    Attachment,
    Contact,
    Stakeholder,
    accepts_attachments,
)
from provinces.resources import StakeholderResource
from targa.core import crud
from targa.core.ordering import Natural
from targa.core.records import record_delete


class StakeholderMixin:
    model = Stakeholder
    url_base = "provinces:stakeholder"


class StakeholderListView(StakeholderMixin, crud.ScopedListView):
    template_name = "provinces/stakeholder_list.html"
    filterset_class = StakeholderFilter
    search_fields = ("name", "acronym", "contacts__name")
    resource_class = StakeholderResource
    ordering = (Natural("name"), "id")
    columns = (
        crud.Col("name", _("Name")),
        crud.Col("kind", _("Type")),
        crud.Col("communes", _("Communes covered")),
        crud.Col("n_contacts", _("Contacts"), numeric=True),
    )
    card_fields = ("kind", "n_contacts")

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("managing_association")
            .annotate(n_contacts=Count("contacts", distinct=True))
            .prefetch_related("communes")
        )

    def filtered(self):
        qs, filterset, q = super().filtered()
        return (qs.distinct() if q else qs), filterset, q


class StakeholderDetailView(StakeholderMixin, crud.ScopedDetailView):
    template_name = "provinces/stakeholder_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("managing_association", "province")
            .prefetch_related("communes", "contacts", "managed_platforms")
        )


class StakeholderCreateView(StakeholderMixin, crud.ScopedCreateView):
    form_class = StakeholderForm


class StakeholderUpdateView(StakeholderMixin, crud.ScopedUpdateView):
    form_class = StakeholderForm


class StakeholderDeleteView(StakeholderMixin, crud.ScopedDeleteView):
    pass


class StakeholderHistoryView(StakeholderMixin, crud.ScopedHistoryView):
    pass


class ContactMixin:
    model = Contact
    url_base = "provinces:contact"
    parent_model = Stakeholder
    parent_field = "stakeholder"


class ContactCreateView(ContactMixin, crud.ScopedCreateView):
    form_class = ContactForm


class ContactUpdateView(ContactMixin, crud.ScopedUpdateView):
    form_class = ContactForm


class ContactDeleteView(ContactMixin, crud.ScopedDeleteView):
    pass


class ContactHistoryView(ContactMixin, crud.ScopedHistoryView):
    pass


class AttachmentUploadView(View):
    """Attach a file to a record of the province; the record is checked like any other.

    A URL naming a kind of record that takes no attachments (one made by hand: a province, a
    commune…) answers 400 with the reason, and nothing is written.
    """

    http_method_names = ["post"]

    def post(self, request, code, content_type_id, object_id):
        province = access_province(user=request.user, code=code, perm=Perm.CHANGE)
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except ContentType.DoesNotExist as exc:
            raise Http404 from exc
        if not accepts_attachments(model):
            return TemplateResponse(
                request,
                "400.html",
                {"message": NOT_ATTACHABLE, "back_url": reverse("provinces:detail", args=[code])},
                status=400,
            )
        record = access_object(
            crud.in_province(model._default_manager.all(), province),
            user=request.user,
            perm=Perm.CHANGE,
            pk=object_id,
        )
        form = AttachmentForm(request.POST, request.FILES)
        try:
            if not form.is_valid():
                raise ValidationError([m for errors in form.errors.values() for m in errors])
            services.attachment_create(
                record=record,
                province=province,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                by=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("File attached."))
        return HttpResponseRedirect(record.get_absolute_url())


class AttachmentDownloadView(View):
    def get(self, request, code, pk):
        province = access_province(user=request.user, code=code)
        attachment = access_object(
            Attachment.objects.filter(province=province), user=request.user, pk=pk
        )
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        return FileResponse(
            handle, as_attachment=not attachment.is_image, filename=attachment.filename
        )


class AttachmentDeleteView(View):
    """Ask (GET: the confirmation page), then remove (POST); the history keeps the file's row."""

    http_method_names = ["get", "post"]

    def load(self, request, code, pk) -> Attachment:
        province = access_province(user=request.user, code=code)
        return access_object(
            Attachment.objects.filter(province=province),
            user=request.user,
            perm=Perm.CHANGE,
            pk=pk,
        )

    def back_url(self, attachment: Attachment, code: str) -> str:
        target = attachment.record
        return target.get_absolute_url() if target else reverse("provinces:detail", args=[code])

    def get(self, request, code, pk):
        attachment = self.load(request, code, pk)
        return TemplateResponse(
            request,
            "crud/confirm_delete.html",
            {"object": attachment, "cancel_url": self.back_url(attachment, code)},
        )

    def post(self, request, code, pk):
        attachment = self.load(request, code, pk)
        back = self.back_url(attachment, code)
        try:
            record_delete(instance=attachment, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Attachment removed. Its history is kept."))
        return HttpResponseRedirect(back)
