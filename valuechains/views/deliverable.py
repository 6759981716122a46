"""The deliverable's pages: a diagnostic's PDF (a background job with its progress bar, in
French or Arabic), its Excel workbook, the delivery to the Province and the PDF delivered."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView

from provinces.access import access_object, access_province, perms_in
from targa.core.access import Perm
from targa.core.pdf import PDF_LANGUAGES, pdf_language
from targa.core.records import EditConflict
from targa.core.workflow import AlreadyDone
from valuechains import deliverable, services
from valuechains.forms_deliverable import DeliveryForm
from valuechains.models import Diagnostic


def diagnostic_page(diagnostic: Diagnostic) -> str | None:
    """The diagnostic's own page, where it exists (it belongs to the diagnostic screens)."""
    try:
        return diagnostic.get_absolute_url()
    except NoReverseMatch:
        return None


class DiagnosticMixin:
    """One diagnostic of the province in the URL, through the access layer (the same 404 for
    a missing one and one of another province); `required_perm` on its province."""

    required_perm = Perm.VIEW

    def dispatch(self, request, *args, **kwargs):
        self.province = access_province(user=request.user, code=kwargs["code"])
        qs = Diagnostic.objects.select_related("chain__province", "chain__sector").filter(
            chain__province=self.province
        )
        self.diagnostic = access_object(
            qs, user=request.user, perm=self.required_perm, pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def deliverable_url(self) -> str:
        return reverse(
            "valuechains:diagnostic_deliverable", args=[self.province.code, self.diagnostic.pk]
        )


class DiagnosticDeliverableView(DiagnosticMixin, TemplateView):
    """The diagnostic's deliverable: its PDF in French or Arabic, its workbook, its delivery."""

    template_name = "valuechains/deliverable.html"

    def get_context_data(self, **kwargs):
        d = self.diagnostic
        perms = perms_in(self.request.user, self.province)
        return {
            **super().get_context_data(**kwargs),
            "province": self.province,
            "diagnostic": d,
            "diagnostic_page": diagnostic_page(d),
            "pdf_jobs": deliverable.pdf_jobs_of(d, self.request.user),
            "languages": [("fr", "Français"), ("ar", "العربية")],
            "may_deliver": Perm.VALIDATE in perms and d.status == Diagnostic.Status.VALIDATED,
        }


class DiagnosticPdfStartView(DiagnosticMixin, View):
    """Queue the PDF (POST `lang`) and go to the job's page, with its progress bar."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        requested = request.POST.get("lang")
        language = (
            requested if requested in PDF_LANGUAGES else pdf_language(None, request.LANGUAGE_CODE)
        )
        job = deliverable.pdf_job_start(
            diagnostic=self.diagnostic, by=request.user, language=language
        )
        return HttpResponseRedirect(job.get_absolute_url())


class DiagnosticWorkbookView(DiagnosticMixin, View):
    """The diagnostic's Excel workbook, one sheet per section, in the page's language."""

    def get(self, request, *args, **kwargs):
        name, content_type, content = deliverable.diagnostic_workbook(self.diagnostic)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class DiagnosticDeliveredFileView(DiagnosticMixin, View):
    """The PDF that was delivered to the Province, kept with the diagnostic."""

    def get(self, request, *args, **kwargs):
        document = self.diagnostic.delivered_file
        if not document:
            raise Http404
        name = document.name.rsplit("/", 1)[-1]
        return FileResponse(
            document.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
        )


class DiagnosticDeliverView(DiagnosticMixin, TemplateView):
    """The coordinator records the delivery: when, to whom, and the PDF issued (the one
    generated here, by default, or an uploaded file)."""

    required_perm = Perm.VALIDATE
    template_name = "valuechains/deliver.html"

    def pdfs(self):
        return deliverable.issued_pdfs(self.diagnostic, self.request.user)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "province": self.province,
            "diagnostic": self.diagnostic,
            "diagnostic_page": diagnostic_page(self.diagnostic),
            "deliverable_url": self.deliverable_url(),
            "open_version": self.request.POST.get("version", self.diagnostic.version),
            "validated": self.diagnostic.status == Diagnostic.Status.VALIDATED,
        }

    def get(self, request, *args, **kwargs):
        form = DeliveryForm(pdfs=self.pdfs(), initial={"on": timezone.localdate()})
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = DeliveryForm(request.POST, request.FILES, pdfs=self.pdfs())
        if form.is_valid():
            try:
                services.diagnostic_deliver(
                    diagnostic=self.diagnostic,
                    by=request.user,
                    expected_version=int(request.POST.get("version") or 0),
                    on=form.cleaned_data["on"],
                    recipient=form.cleaned_data["recipient"],
                    document=form.delivered_document(),
                    comment=form.cleaned_data["comment"],
                )
            except AlreadyDone:
                return HttpResponseRedirect(self.deliverable_url())
            except EditConflict:
                form.add_error(
                    None,
                    gettext(
                        "This diagnostic was changed by someone else since you opened this "
                        "page: check it, then record the delivery again."
                    ),
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, gettext("The delivery to the Province is recorded."))
                return HttpResponseRedirect(self.deliverable_url())
        return self.render_to_response(self.get_context_data(form=form), status=200)


# The model's fields and the form's: the model checks the delivery, the form shows it.
_FIELD_OF = {"delivered_on": "on", "delivered_to": "recipient", "delivered_file": "document"}


def _errors_to_form(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        target = _FIELD_OF.get(name, name)
        if target == "document" and form.cleaned_data.get("source") == form.GENERATED:
            target = "job"
        form.add_error(target if target in form.fields else None, errors)
