"""Permission matrix of the value chains' deliverable pages (see tests/matrix_support.py).

Whoever may see a diagnostic prepares its PDF (a background job: the answer is the redirect to
the job's page), downloads its workbook and the PDF delivered; only the coordinator (and an
administrator) records the delivery. The job's own pages are the base's (jobs:…)."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests.factories import PDF_BYTES, DiagnosticFactory
from tests.matrix_support import Case, scoped, validate
from valuechains.models import Diagnostic


def _diagnostic(state):
    def make(ctx):
        key = f"vc_diagnostic_{state}"
        if key not in ctx:
            ctx[key] = DiagnosticFactory(
                province=ctx["province_a"], by=ctx["users"]["coord_a"], state=state
            )
            if ctx[key].delivered_file:  # written at the commit, which a test never reaches
                default_storage.save(ctx[key].delivered_file.name, ContentFile(PDF_BYTES))
        return {"code": ctx["province_a"].code, "pk": ctx[key].pk}

    return make


VALIDATED = _diagnostic(Diagnostic.Status.VALIDATED)
DELIVERED = _diagnostic(Diagnostic.Status.DELIVERED)

MATRIX = {
    "valuechains:diagnostic_deliverable": [Case(scoped(), kwargs=VALIDATED)],
    "valuechains:diagnostic_pdf": [
        Case(scoped(302), method="post", kwargs=VALIDATED, data=lambda ctx: {"lang": "ar"})
    ],
    "valuechains:diagnostic_workbook": [Case(scoped(), kwargs=VALIDATED)],
    "valuechains:diagnostic_deliver": [Case(validate(), kwargs=VALIDATED)],
    "valuechains:diagnostic_delivered_file": [Case(scoped(), kwargs=DELIVERED)],
}
