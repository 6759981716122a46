"""scripts/bench: benchmarks that print wall-clock and CPU seconds; they live in this file.

A benchmark is a function decorated with `@bench("name", "what it measures")`, run three times
on the demo data (the best run is printed); it may return a short note. Figures go to the
terminal and to the issues' closing notes, never into a test assertion.
"""

import os
import re
import resource
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "targa.settings")
_tmp = tempfile.TemporaryDirectory(prefix="targa-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp.name}/bench.sqlite3")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("STATIC_ROOT", f"{_tmp.name}/static")
os.environ.setdefault("MEDIA_ROOT", f"{_tmp.name}/media")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

BENCHES: list[tuple[str, str, Callable, int]] = []


def bench(name: str, what: str, *, repeat: int = 3):
    def register(fn):
        BENCHES.append((name, what, fn, repeat))
        return fn

    return register


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(fn: Callable, *args, repeat: int = 1):
    """Run fn `repeat` times; the best wall and CPU seconds of one run, and its result."""
    best_wall = best_cpu = float("inf")
    result = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), _cpu()
        result = fn(*args)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, _cpu() - cpu)
    return best_wall, best_cpu, result


def report(name: str, what: str, wall: float, cpu: float, note: str | None = None) -> None:
    line = f"{name:<28} {wall:8.3f} s wall {cpu:8.3f} s CPU   {what}"
    print(line + (f"  ({note})" if note else ""), flush=True)


def prepare() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)  # served as in production
    wall, cpu, _ = measure(lambda: call_command("seed_demo", stdout=open(os.devnull, "w")))
    report("demo seed (first run)", "territories, users and every app's demo data", wall, cpu)
    wall, cpu, _ = measure(lambda: call_command("seed_demo", stdout=open(os.devnull, "w")))
    report("demo seed (again)", "a second run changes nothing", wall, cpu)


# The benchmarks ----------------------------------------------------------------------------
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from targa.core.models import User  # noqa: E402


def client_as(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@bench("gantt page", "the Gantt chart of Khénifra's chronogram, as its coordinator")
def gantt_page():
    response = client_as("coord.khenifra").get(reverse("provinces:activity_gantt", args=["05.301"]))
    return f"HTTP {response.status_code}, {len(response.content) // 1024} KB"


def _pv_pdf(lang: str) -> str:
    """GET the PV of Khénifra's launch meeting (held, with attendance and recommendations)."""
    from cpde.models import Meeting

    meeting = Meeting.objects.get(committee__province__code="05.301", kind=Meeting.Kind.LAUNCH)
    assert meeting.date <= timezone.localdate()
    response = client_as("coord.khenifra").get(
        reverse("cpde:meeting_pv", args=["05.301", meeting.pk]), {"lang": lang}
    )
    size, pages = len(response.content) // 1024, _pages(response.content)
    return f"HTTP {response.status_code}, {size} KB, {pages} pages"


def _pages(pdf: bytes) -> int:
    """Page objects in a PDF, also those inside WeasyPrint's compressed object streams."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            parts.append(zlib.decompressobj().decompress(stream))
        except zlib.error:
            pass
    return sum(len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", part)) for part in parts)


@bench("pv pdf fr", "the PV (PDF) of Khénifra's launch meeting in French, as its coordinator")
def pv_pdf_fr():
    return _pv_pdf("fr")


@bench("pv pdf ar", "the PV (PDF) of Khénifra's launch meeting in Arabic, as its coordinator")
def pv_pdf_ar():
    return _pv_pdf("ar")


def _honey():
    from valuechains.models import Diagnostic

    return Diagnostic.objects.get(chain__province__code="05.301", chain__product="Miel")


def _diagnostic_pdf(lang: str) -> str:
    """What the PDF job does: gather the data, lay out the pages (the job's own bookkeeping
    aside)."""
    from valuechains import deliverable

    d = deliverable.diagnostic_for_pdf(_honey().pk)
    pdf = deliverable.render_diagnostic_pdf(deliverable.pdf_data(d), language=lang)
    return f"{len(pdf) // 1024} KB, {_pages(pdf)} pages"


@bench("diagnostic pdf fr", "the PDF job of Khénifra's honey diagnostic, in French")
def diagnostic_pdf_fr():
    return _diagnostic_pdf("fr")


@bench("diagnostic pdf ar", "the PDF job of Khénifra's honey diagnostic, in Arabic")
def diagnostic_pdf_ar():
    return _diagnostic_pdf("ar")


def _median_get(username: str, url: str, n: int = 5) -> str:
    import statistics

    client = client_as(username)
    client.get(url)
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
    median, size = statistics.median(times) * 1000, len(response.content) // 1024
    return f"HTTP {response.status_code}, median {median:.0f} ms of {n}, {size} KB"


@bench("diagnostic page", "the honey diagnostic's page (map, eight sections), as the coordinator")
def diagnostic_page():
    return _median_get("coord.khenifra", _honey().get_absolute_url())


@bench("chain ranking", "Khénifra's ranking of the chains, as its coordinator")
def chain_ranking_page():
    return _median_get("coord.khenifra", reverse("valuechains:ranking", args=["05.301"]))


EXPORT_ROWS = 50_000


def _many_recommendations(n: int) -> None:
    """Khénifra's CPDE with `n` recommendations (made once, in bulk: their history is not the
    point here)."""
    from cpde.models import Meeting, Recommendation

    meeting = Meeting.objects.filter(committee__province__code="05.301").order_by("date").first()
    have = Recommendation.objects.filter(meeting__committee=meeting.committee).count()
    Recommendation.objects.bulk_create(
        [
            Recommendation(meeting=meeting, text=f"Recommandation n° {i}", owner_name="DPA")
            for i in range(have, n)
        ],
        batch_size=5000,
    )


@bench(
    f"export {EXPORT_ROWS:,} rows",
    "Excel of Khénifra's recommendations, run as the worker runs a job (streamed rows)",
    repeat=1,
)
def export_many():
    from targa.core import jobs, tasks

    _many_recommendations(EXPORT_ROWS)
    job = jobs.job_start(
        kind="list_export",
        label="bench",
        owner=User.objects.get(username="coord.khenifra"),
        scope_code="05.301",
        params={
            "path": reverse("cpde:recommendation_list", args=["05.301"]),
            "format": "xlsx",
            "language": "fr",
        },
    )
    tasks.run_job.call(str(job.pk))
    job.refresh_from_db()
    return f"{job.state}, {job.file.size // 1024} KB" if job.file else f"{job.state}: {job.error}"


@bench(
    "scale",
    "40 provinces of data: list pages, filter forms, late counts and plans, connections",
    repeat=1,
)
def scale():
    import bench_scale

    return bench_scale.scale_report()


MEETING_RECOMMENDATIONS = 50_000


@bench(
    f"meeting page, {MEETING_RECOMMENDATIONS:,} recs",
    "Khénifra's latest held meeting, as its field agent, when earlier meetings left "
    f"{MEETING_RECOMMENDATIONS:,} recommendations open, each with two follow-ups",
    repeat=1,
)
def meeting_page_many_recommendations():
    from cpde.models import Meeting, Recommendation, RecommendationFollowUp

    _many_recommendations(MEETING_RECOMMENDATIONS)
    recs = Recommendation.objects.filter(meeting__committee__province__code="05.301")
    bare = list(recs.filter(follow_ups__isnull=True).values_list("pk", "meeting__date"))
    RecommendationFollowUp.objects.bulk_create(
        [
            RecommendationFollowUp(recommendation_id=pk, date=date, note=f"Suivi {j} " * 20)
            for pk, date in bare
            for j in range(2)
        ],
        batch_size=5000,
    )
    meeting = (
        Meeting.objects.filter(committee__province__code="05.301", date__lte=timezone.localdate())
        .order_by("-date")
        .first()
    )
    return _median_get(
        "agent.khenifra", reverse("cpde:meeting_detail", args=["05.301", meeting.pk])
    )


BOARD_PROJECTS = 3_000


def _many_projects(n: int) -> None:
    """Khénifra with `n` projects (made once, in bulk, each with the steps of its path: their
    history is not the point here), spread over the stages as a funnel is: most early on, a
    tenth dropped on the way."""
    import datetime
    import random

    from projects.models import Holder, Project, ProjectStep, Stage, stage_order
    from provinces.models import Commune, Province
    from valuechains.models import Sector

    province = Province.objects.get(code="05.301")
    have = Project.objects.filter(province=province).count()
    if have >= n:
        return
    rng = random.Random(10)
    communes = list(Commune.objects.filter(province=province).values_list("pk", flat=True))
    sectors = list(Sector.objects.values_list("pk", flat=True))
    today = timezone.localdate()
    holders = Holder.objects.bulk_create(
        [
            Holder(
                province=province,
                first_name=f"Prénom{i}",
                last_name=f"Nom{i}",
                sex=rng.choice("FM"),
                birth_date=today - datetime.timedelta(days=rng.randint(18 * 365, 60 * 365)),
                commune_id=rng.choice(communes),
                channel="youth_platform",
                consent_on=today,
                search_name=f"prenom{i} nom{i}",
            )
            for i in range(n - have)
        ],
        batch_size=2000,
    )
    order = stage_order()
    weights = [max(1, len(order) - i) ** 2 for i in range(len(order))]
    projects, paths = [], []
    for holder in holders:
        depth = rng.choices(range(len(order)), weights)[0]
        dropped = depth < len(order) - 1 and rng.random() < 0.1
        start = today - datetime.timedelta(days=rng.randint(30, 700))
        path = order[: depth + 1]
        projects.append(
            Project(
                province=province,
                holder=holder,
                title=f"Projet {holder.last_name}",
                sector_id=rng.choice(sectors),
                commune_id=holder.commune_id,
                stage=Stage.DROPPED if dropped else path[-1],
                dropped_from=path[-1] if dropped else "",
                drop_reason="no_interest" if dropped else "",
                stage_since=start + datetime.timedelta(days=10 * len(path)),
            )
        )
        paths.append((start, path, dropped))
    Project.objects.bulk_create(projects, batch_size=2000)
    steps = []
    for project, (start, path, dropped) in zip(projects, paths, strict=True):
        before = ""
        for i, stage in enumerate([*path, *([Stage.DROPPED] if dropped else [])]):
            day = start + datetime.timedelta(days=10 * i)
            steps.append(ProjectStep(project=project, from_stage=before, to_stage=stage, on=day))
            before = stage
    ProjectStep.objects.bulk_create(steps, batch_size=5000)


@bench(
    f"projects board, {BOARD_PROJECTS:,}",
    f"Khénifra's projects board with {BOARD_PROJECTS:,} projects, as its coordinator",
)
def projects_board():
    _many_projects(BOARD_PROJECTS)
    return _median_get("coord.khenifra", reverse("projects:board", args=["05.301"]))


@bench(
    f"projects funnel, {BOARD_PROJECTS:,}",
    f"Khénifra's funnel by sex and age band with {BOARD_PROJECTS:,} projects, as its coordinator",
)
def projects_funnel():
    _many_projects(BOARD_PROJECTS)
    return _median_get("coord.khenifra", reverse("projects:funnel", args=["05.301"]))


IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", 10_000))
IMPORT_HEADERS = [
    "Nom", "Prénom", "Sexe", "Date de naissance", "CIN", "Téléphone", "Commune",
    "Date du consentement",
]  # fmt: skip


def _holders_sheet(n: int, prefix: str) -> bytes:
    """An .xlsx of `n` holders of Khénifra, as field teams keep them."""
    import datetime
    import io

    from openpyxl import Workbook

    from provinces.models import Commune

    communes = list(
        Commune.objects.filter(province__code="05.301").values_list("name_fr", flat=True)
    )
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(IMPORT_HEADERS)
    born = datetime.date(1998, 1, 1)
    for i in range(n):
        sheet.append([
            f"Ouhammou{i}", "Itto" if i % 2 else "Moha", "F" if i % 2 else "M",
            born + datetime.timedelta(days=i % 3000), f"{prefix}{i:06d}",
            f"06{i:08d}", communes[i % len(communes)], datetime.date(2026, 11, 2),
        ])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _forget_holders(prefix: str) -> None:
    from projects.models import Holder

    Holder.history.filter(cin__startswith=prefix).delete()
    Holder.objects.filter(cin__startswith=prefix)._raw_delete(Holder.objects.db)


def _ours(data: bytes) -> str:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from projects.imports import HolderImport
    from provinces.models import Province
    from targa.core import imports, tasks

    coordinator = User.objects.get(username="coord.khenifra")
    province = Province.objects.get(code="05.301")
    start = time.perf_counter()
    run = imports.import_start(
        spec=HolderImport(), province=province, by=coordinator,
        upload=SimpleUploadedFile("porteurs.xlsx", data),
    )  # fmt: skip
    tasks.run_job.call(str(run.preview_job_id))
    run.refresh_from_db()
    preview = time.perf_counter() - start
    imports.import_commit(run=run, by=coordinator)
    run.refresh_from_db()
    tasks.run_job.call(str(run.commit_job_id))
    run.refresh_from_db()
    total = time.perf_counter() - start
    return (
        f"{run.state}: {run.result.get('created', 0):,} created; preview {preview:.1f} s, "
        f"commit {total - preview:.1f} s, total {total:.1f} s"
    )


@bench(
    f"import {IMPORT_ROWS:,} holders",
    f"an .xlsx of {IMPORT_ROWS:,} holders previewed then committed by our import (the jobs)",
    repeat=1,
)
def import_ours():
    _forget_holders("ZA")
    return _ours(_holders_sheet(IMPORT_ROWS, "ZA"))


@bench(
    f"import-export {IMPORT_ROWS:,} holders",
    "the same .xlsx through django-import-export's row-by-row import (dry run, then for real)",
    repeat=1,
)
def import_export_row_by_row():
    import tablib
    from import_export import fields, resources, widgets

    from projects.models import Holder
    from provinces.models import Commune, Province

    province = Province.objects.get(code="05.301")
    coordinator = User.objects.get(username="coord.khenifra")

    class CommuneWidget(widgets.ForeignKeyWidget):
        def get_queryset(self, value, row, *args, **kwargs):
            return Commune.objects.filter(province=province)

    class HolderResource(resources.ModelResource):
        last_name = fields.Field(attribute="last_name", column_name="Nom")
        first_name = fields.Field(attribute="first_name", column_name="Prénom")
        sex = fields.Field(attribute="sex", column_name="Sexe")
        birth_date = fields.Field(
            attribute="birth_date", column_name="Date de naissance", widget=widgets.DateWidget()
        )
        cin = fields.Field(attribute="cin", column_name="CIN")
        phone = fields.Field(attribute="phone", column_name="Téléphone")
        commune = fields.Field(
            attribute="commune",
            column_name="Commune",
            widget=CommuneWidget(Commune, field="name_fr"),
        )
        consent_on = fields.Field(
            attribute="consent_on", column_name="Date du consentement", widget=widgets.DateWidget()
        )

        class Meta:
            model = Holder
            import_id_fields = ("cin",)
            fields = ("last_name", "first_name", "sex", "birth_date", "cin", "phone", "commune",
                      "consent_on")  # fmt: skip
            skip_unchanged = True
            clean_model_instances = True

        def before_save_instance(self, instance, row, **kwargs):
            instance.province = province
            instance.channel = Holder.Channel.OTHER
            instance._history_user = coordinator

        def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
            instance.province = province
            instance.channel = Holder.Channel.OTHER
            super().validate_instance(instance, import_validation_errors, validate_unique)

    _forget_holders("ZB")
    data = _holders_sheet(IMPORT_ROWS, "ZB")
    start = time.perf_counter()
    dataset = tablib.Dataset().load(data, format="xlsx")
    dry = HolderResource().import_data(dataset, dry_run=True, raise_errors=False)
    preview = time.perf_counter() - start
    real = HolderResource().import_data(dataset, dry_run=False, raise_errors=False)
    total = time.perf_counter() - start
    made = Holder.objects.filter(cin__startswith="ZB").count()
    problems = [*dry.invalid_rows, *real.invalid_rows][:1] + [
        e.error for _line, errors in real.row_errors()[:1] for e in errors
    ]
    return (
        f"{made:,} created{f' (first error: {problems[0]})' if problems else ''}; "
        f"dry run {preview:.1f} s, import {total - preview:.1f} s, total {total:.1f} s"
    )


def main(names: list[str]) -> int:
    known = {name for name, _what, _fn, _repeat in BENCHES}
    unknown = set(names) - known
    if unknown:
        print(f"unknown benchmarks: {sorted(unknown)}; known: {sorted(known)}", file=sys.stderr)
        return 2
    print(f"database: {django.db.connection.vendor}; Python {sys.version.split()[0]}")
    prepare()
    for name, what, fn, repeat in BENCHES:
        if names and name not in names:
            continue
        wall, cpu, note = measure(fn, repeat=repeat)
        report(name, what, wall, cpu, note)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
