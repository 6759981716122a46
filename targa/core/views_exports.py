"""A province's Exports page: the files its apps offer (registered exporters), each prepared
as a background job, and the person's recent files for the province."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils import translation
from django.views.generic import TemplateView

from targa.core import exporters
from targa.core.access import access_province
from targa.core.models import Job

RECENT_JOBS = 10


class ProvinceExportsView(TemplateView):
    template_name = "exports/province.html"

    def dispatch(self, request, *args, **kwargs):
        self.province = access_province(user=request.user, code=kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        recent = (
            Job.objects.filter(owner=self.request.user, scope_code=self.province.code)
            .defer("params")
            .order_by("-created_at")[:RECENT_JOBS]
        )
        return {
            **super().get_context_data(**kwargs),
            "province": self.province,
            "exporters": exporters.available(self.request.user, self.province),
            "recent": recent,
        }

    def post(self, request, *args, **kwargs):
        exporter = exporters.exporters().get(request.POST.get("exporter", ""))
        if exporter is None or not exporter.available_to(request.user, self.province):
            messages.error(request, translation.gettext("This file is not offered here."))
            return HttpResponseRedirect(request.path)
        try:
            job = exporters.export_start(
                exporter=exporter,
                province=self.province,
                fmt=request.POST.get("format", ""),
                by=request.user,
                language=translation.get_language(),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(request.path)
        return HttpResponseRedirect(job.get_absolute_url())
