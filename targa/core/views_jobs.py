"""A background job's page: its progress bar (polled with htmx), then its file, or its error
and a retry. Only its owner sees it; the download asks the access layer again."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import TemplateView

from targa.core import jobs
from targa.core.access import access_province
from targa.core.models import Job


class JobMixin:
    def get_job(self) -> Job:
        """The signed-in user's own job (404 for anyone else's, as for a missing one)."""
        return get_object_or_404(Job, pk=self.kwargs["pk"], owner=self.request.user)


class JobDetailView(JobMixin, TemplateView):
    template_name = "jobs/detail.html"

    def get_template_names(self):
        # htmx polls the panel alone while the job runs.
        return ["jobs/_panel.html"] if self.request.htmx else [self.template_name]

    def get_context_data(self, **kwargs):
        jobs.job_reap()  # a job whose worker died says so instead of waiting for ever
        return {**super().get_context_data(**kwargs), "job": self.get_job()}


class JobDownloadView(JobMixin, View):
    def get(self, request, *args, **kwargs):
        job = self.get_job()
        if job.state != Job.State.DONE or not job.file:
            raise Http404
        if job.scope_code:
            # The file holds the province's data: the owner must still have a role there.
            access_province(user=request.user, code=job.scope_code)
        return FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=job.filename,
            content_type=job.content_type or "application/octet-stream",
        )


class JobRetryView(JobMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        job = self.get_job()
        if job.state != Job.State.FAILED:
            raise PermissionDenied
        jobs.job_retry(job=job, by=request.user)
        return HttpResponseRedirect(job.get_absolute_url())
