"""The import pages: what a spreadsheet of a kind must hold (with its template), the upload,
and a run's page (its preview's progress, then what it would do, its bad lines, the decisions
on possible duplicates, the import's progress and its result). See targa.core.imports."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from targa.core import imports
from targa.core.access import access_province, perms_in
from targa.core.models import ImportRun

RECENT_RUNS = 10


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class ImportMixin:
    def dispatch(self, request, *args, **kwargs):
        self.province = access_province(user=request.user, code=kwargs["code"])
        self.load(kwargs)
        if self.spec.perm not in perms_in(request.user, self.province):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def load(self, kwargs) -> None:
        self.spec = imports.spec_for(kwargs["kind"])
        if self.spec is None:
            raise Http404

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "province": self.province,
            "spec": self.spec,
        }


class ImportStartView(ImportMixin, TemplateView):
    """What the sheet holds (columns, required ones, an example), its template, the upload,
    and the recent imports of this kind in the province."""

    template_name = "imports/start.html"

    def get_context_data(self, **kwargs):
        runs = ImportRun.objects.filter(scope_code=self.province.code, kind=self.spec.key)
        return {
            **super().get_context_data(**kwargs),
            "form": kwargs.get("form") or UploadForm(),
            "columns": self.spec.columns,
            "runs": list(runs.select_related("owner")[:RECENT_RUNS]),
        }

    def post(self, request, *args, **kwargs):
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                run = imports.import_start(
                    spec=self.spec,
                    province=self.province,
                    upload=form.cleaned_data["file"],
                    by=request.user,
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("file", message)
            else:
                return HttpResponseRedirect(run.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ImportTemplateView(ImportMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        content = imports.template_file(self.spec)
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        stem = self.spec.key.replace(".", "-")
        response["Content-Disposition"] = f'attachment; filename="{stem}-template.xlsx"'
        return response


class ImportRunView(ImportMixin, TemplateView):
    """A run's page; while a job works on it, its panel (`?panel=1`, polled by htmx) shows the
    progress, and the page reloads when the job is done."""

    template_name = "imports/run.html"

    def load(self, kwargs) -> None:
        self.run = get_object_or_404(
            ImportRun.objects.select_related("owner", "preview_job", "commit_job"),
            pk=kwargs["pk"],
            scope_code=self.province.code,
        )
        self.spec = imports.spec_for(self.run.kind)
        if self.spec is None:
            raise Http404

    def get(self, request, *args, **kwargs):
        if request.GET.get("panel") and request.htmx:
            job = self.active_job()
            if job is None or job.finished:
                response = HttpResponse(status=204)
                response["HX-Refresh"] = "true"
                return response
            return self.render_to_response(
                self.get_context_data(), template_name="imports/_progress.html"
            )
        return super().get(request, *args, **kwargs)

    def render_to_response(self, context, template_name=None, **kwargs):
        if template_name:
            return self.response_class(
                request=self.request, template=[template_name], context=context, **kwargs
            )
        return super().render_to_response(context, **kwargs)

    def active_job(self):
        if self.run.state == ImportRun.State.PREVIEWING:
            return self.run.preview_job
        if self.run.state == ImportRun.State.COMMITTING:
            return self.run.commit_job
        return None

    def get_context_data(self, **kwargs):
        run = self.run
        preview = run.preview or {}
        flags = preview.get("flags", [])
        for flag in flags:
            flag["decision"] = run.decisions.get(str(flag["line"]), "")
            flag["options"] = [(c, imports.DECISION_LABELS[c]) for c in flag["choices"]]
        mine = run.owner_id == self.request.user.pk
        return {
            **super().get_context_data(**kwargs),
            "run": run,
            "job": self.active_job(),
            "preview": preview,
            "flags": flags,
            "blockers": imports.commit_blockers(run) if run.waiting else [],
            "mine": mine,
            "report_job": run.commit_job if run.commit_job_id else run.preview_job,
        }

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        try:
            if action == "decide":
                decisions = {
                    key.removeprefix("line-"): value
                    for key, value in request.POST.items()
                    if key.startswith("line-")
                }
                imports.import_decide(run=self.run, decisions=decisions, by=request.user)
                messages.success(request, gettext("Your decisions are kept."))
            elif action == "commit":
                imports.import_commit(run=self.run, by=request.user)
            else:
                messages.error(request, gettext("This action is not offered here."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return HttpResponseRedirect(self.run.get_absolute_url())
