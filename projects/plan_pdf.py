"""The action plan of a cooperative as a PDF, for the cooperative, in French or Arabic: the
cover (cooperative, province, period), its needs, its training plan, its action plan's table
and its follow-up calendar. Rendered by a background job (kind `projects.plan_pdf`) whose
page shows a progress bar, as the value-chain diagnostic's PDF."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext

from projects.models import CapacityPlan, PlanActivity
from projects.selectors_plans import Schedule, plan_activities, plan_schedule
from provinces.access import access_object, access_province
from targa.core import jobs
from targa.core.exporters import Render
from targa.core.models import Job
from targa.core.pdf import render_pdf

PDF_JOB = "projects.plan_pdf"


@dataclass
class PlanPdfData:
    """What the PDF shows, gathered before any page is laid out."""

    plan: CapacityPlan
    activities: list[PlanActivity]
    schedule: Schedule


def plan_for_pdf(pk) -> CapacityPlan:
    return CapacityPlan.objects.select_related("structure__province", "structure__commune").get(
        pk=pk
    )


def pdf_data(plan: CapacityPlan) -> PlanPdfData:
    """The PDF's data in three queries (the lines, their stakeholders, the sessions held);
    `plan` comes with its cooperative, province and commune (`plan_for_pdf`)."""
    return PlanPdfData(plan=plan, activities=plan_activities(plan), schedule=plan_schedule(plan))


def pdf_title(plan: CapacityPlan) -> str:
    return gettext("Action plan: %(cooperative)s") % {"cooperative": plan.structure}


def pdf_filename(plan: CapacityPlan, language: str) -> str:
    name = slugify(plan.structure.name) or "cooperative"
    return f"plan-action-{name}-{language}.pdf"


def training_lines(plan: CapacityPlan) -> list[str]:
    """The training plan, a training a line (blank lines left out)."""
    return [line.strip() for line in (plan.training_plan or "").splitlines() if line.strip()]


def render_plan_pdf(
    data: PlanPdfData, *, language: str, on_step: Callable[[int, str], None] | None = None
) -> bytes:
    """The plan's PDF in `language` (right to left in Arabic, with the shipped fonts)."""
    plan = data.plan
    with translation.override(language):
        if on_step:
            on_step(30, gettext("Laying out the pages"))
        needs = [
            (gettext("Technical needs"), plan.technical_needs),
            (gettext("Financial needs"), plan.financial_needs),
            (gettext("Legal needs"), plan.legal_needs),
        ]
        context = {
            "plan": plan,
            "structure": plan.structure,
            "province": plan.structure.province,
            "title": pdf_title(plan),
            "needs": needs,
            "trainings": training_lines(plan),
            "activities": data.activities,
            "schedule": data.schedule,
            "issued_on": timezone.localdate(),
        }
    return render_pdf("projects/plan_pdf.html", context, language=language)


def pdf_job_start(*, plan: CapacityPlan, by, language: str) -> Job:
    """Queue the plan's PDF in `language` as a background job of `by`'s (who may see the
    plan: the access layer is asked again by the worker and on download)."""
    access_object(CapacityPlan, user=by, pk=plan.pk)
    code = plan.structure.province.code
    return jobs.job_start(
        kind=PDF_JOB,
        label=f"{pdf_title(plan)} (PDF {language})",  # in the language of who asks
        owner=by,
        scope_code=code,
        params={"plan": plan.pk, "version": plan.version, "code": code, "language": language},
    )


def run_pdf_job(job: Job) -> Render:
    """The worker's side: the plan, if the job's owner may still see it, as a PDF."""

    def step(percent: int, text: str) -> None:
        jobs.Progress.at(job, percent, text)

    step(5, gettext("Gathering the data"))
    access_province(user=job.owner, code=job.params["code"])
    access_object(CapacityPlan, user=job.owner, pk=job.params["plan"])
    plan = plan_for_pdf(job.params["plan"])
    language = job.params["language"]
    pdf = render_plan_pdf(pdf_data(plan), language=language, on_step=step)
    return pdf_filename(plan, language), "application/pdf", pdf


def pdf_jobs_of(plan: CapacityPlan, user, limit: int = 5):
    """The user's recent PDF jobs of the plan, newest first."""
    return (
        Job.objects.filter(kind=PDF_JOB, owner=user, params__plan=plan.pk)
        .defer("params")
        .order_by("-created_at")[:limit]
    )
