"""scripts/bench scale: Targa with years of data in 40 provinces, as issue 8 measured it.

`grow()` adds to the demo, in bulk (the history of these rows is not the point, their
volume is), until 40 provinces run the programme, each with what six years of work leave:
300 stakeholders, a committee of 40 members over time, 69 meetings with 10 recommendations
each, 300 activities, 150 visits with 3 follow-up actions each. Then `scale_report()` prints
the figures of the list pages, their filter forms, the home page's late counts (with the
plans PostgreSQL chooses for them) and a load test with and without persistent database
connections. Figures only: nothing here is asserted.
"""

import datetime
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from django.db import connection, transaction
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone, translation

ROOT = Path(__file__).resolve().parent.parent
PROVINCES = 40
PER_PROVINCE = {
    "stakeholders": 300,
    "members": 40,
    "meetings": 69,
    "recommendations per meeting": 10,
    "activities": 300,
    "visits": 150,
    "actions per visit": 3,
}
CODE = "05.301"  # Khénifra: the province whose pages are measured
LIST_PAGES = [
    ("cpde:recommendation_list", "recommendations"),
    ("cpde:recommendation_overdue", "late recommendations"),
    ("cpde:member_list", "committee members"),
    ("cpde:meeting_list", "meetings"),
    ("provinces:stakeholder_list", "stakeholders"),
    ("provinces:activity_list", "activities"),
    ("provinces:visit_list", "visits"),
]


def _fate(rng, due: datetime.date, today: datetime.date, *statuses: str) -> str:
    """A status as years of work leave it: what was due months ago is nearly always closed
    (done or dropped) and a few are late; what is due now or later is mostly still open.
    `statuses` are (open, in progress, done, dropped)."""
    weights = [3, 2, 87, 8] if due < today - datetime.timedelta(days=90) else [45, 35, 15, 5]
    return rng.choices(statuses, weights)[0]


def grow() -> str:
    """Grow the demo database to PROVINCES provinces of data (once: a second call sees it)."""
    from cpde.models import Committee, CommitteeMember, Meeting, Recommendation
    from provinces.models import (
        Activity,
        ActivityCategory,
        FieldVisit,
        FollowUpAction,
        Province,
        ProvinceProgramme,
        Sex,
        Stakeholder,
    )

    if Meeting.objects.filter(committee__province__code=CODE).count() >= PER_PROVINCE["meetings"]:
        return "already grown"
    rng = random.Random(8)
    today = timezone.localdate()
    start = datetime.date(2021, 1, 1)
    span = (today - start).days
    with transaction.atomic():
        have = set(ProvinceProgramme.objects.values_list("province_id", flat=True))
        extra = Province.objects.exclude(pk__in=have).order_by("code")[: PROVINCES - len(have)]
        ProvinceProgramme.objects.bulk_create(
            ProvinceProgramme(province=p, started_on=start, operator="TARGA-AIDE") for p in extra
        )
        provinces = list(Province.objects.filter(programme__is_active=True).order_by("code"))
        categories = list(ActivityCategory.objects.all())
        for province in provinces:
            committee, _ = Committee.objects.get_or_create(
                province=province, defaults={"created_on": start}
            )
            tag = province.code
            Stakeholder.objects.bulk_create(
                Stakeholder(
                    province=province,
                    name=f"Organisation {i:03d} de {province.name_fr}",
                    acronym=f"ORG{i}" if i % 3 == 0 else "",
                    kind=rng.choice(Stakeholder.Kind.values),
                )
                for i in range(PER_PROVINCE["stakeholders"])
            )
            institutions = list(Stakeholder.objects.filter(province=province))
            CommitteeMember.objects.bulk_create(
                CommitteeMember(
                    committee=committee,
                    name=f"Membre {i:02d} {tag}",
                    sex=rng.choice([Sex.WOMAN, Sex.MAN]),
                    institution=rng.choice(institutions),
                    start_date=start + datetime.timedelta(days=rng.randrange(span // 2)),
                )
                for i in range(PER_PROVINCE["members"])
            )
            meetings = Meeting.objects.bulk_create(
                Meeting(
                    committee=committee,
                    kind=rng.choice(Meeting.Kind.values),
                    date=start + datetime.timedelta(days=i * span // PER_PROVINCE["meetings"]),
                    subject=f"Séance n° {i + 1} du comité",
                    place="Siège de la Province",
                )
                for i in range(PER_PROVINCE["meetings"])
            )
            recs = []
            for meeting in meetings:
                for j in range(PER_PROVINCE["recommendations per meeting"]):
                    due = meeting.date + datetime.timedelta(days=rng.randrange(30, 240))
                    status = _fate(rng, due, today, "open", "in_progress", "done", "dropped")
                    recs.append(
                        Recommendation(
                            meeting=meeting,
                            text=f"Recommandation {j + 1} de la séance du {meeting.date}",
                            owner=rng.choice(institutions),
                            due_date=due,
                            status=status,
                            done_on=min(due, today) if status == "done" else None,
                            dropped_reason="Sans objet." if status == "dropped" else "",
                        )
                    )
            Recommendation.objects.bulk_create(recs, batch_size=2000)
            activities = []
            for i in range(PER_PROVINCE["activities"]):
                planned_start = start + datetime.timedelta(days=rng.randrange(span + 365))
                planned_end = planned_start + datetime.timedelta(days=rng.randrange(10, 120))
                if planned_start > today:
                    status = "planned"
                else:
                    status = _fate(
                        rng, planned_end, today, "planned", "in_progress", "done", "cancelled"
                    )
                    if status == "done" and planned_end > today:
                        status = "in_progress"
                actual = planned_start if status in ("in_progress", "done") else None
                activities.append(
                    Activity(
                        province=province,
                        category=rng.choice(categories),
                        objective=rng.randint(1, 4),
                        title=f"Activité {i:03d}",
                        planned_start=planned_start,
                        planned_end=planned_end,
                        actual_start=actual,
                        actual_end=planned_end if status == "done" else None,
                        status=status,
                    )
                )
            Activity.objects.bulk_create(activities, batch_size=2000)
            visits = FieldVisit.objects.bulk_create(
                FieldVisit(
                    province=province,
                    kind=rng.choice(FieldVisit.Kind.values),
                    date=start + datetime.timedelta(days=rng.randrange(span)),
                    purpose="Suivi des porteurs de projet",
                )
                for _ in range(PER_PROVINCE["visits"])
            )
            actions = []
            for visit in visits:
                for k in range(PER_PROVINCE["actions per visit"]):
                    due = visit.date + datetime.timedelta(days=rng.randrange(7, 90))
                    done = _fate(rng, due, today, "open", "open", "done", "done") == "done"
                    done = done and due <= today
                    actions.append(
                        FollowUpAction(
                            visit=visit,
                            description=f"Action {k + 1}",
                            due_on=due,
                            status="done" if done else "open",
                            done_on=min(due, today) if done else None,
                        )
                    )
            FollowUpAction.objects.bulk_create(actions, batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return f"{len(provinces)} provinces, {Recommendation.objects.count():,} recommendations"


def _client(username: str) -> Client:
    from targa.core.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(fn, n: int):
    walls, cpus, result = [], [], None
    for _ in range(n):
        w, c = time.perf_counter(), _cpu()
        result = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(_cpu() - c)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000, result


FILTER_FORM = re.compile(rb'<form[^>]*data-testid="filters".*?</form>', re.S)
FILTER_TEMPLATE = Template(
    "{% load targa %}{% for field in filter.form %}{{ field|bootstrap }}{% endfor %}"
)


def _filter_cost(url: str, user) -> float:
    """ms to build and render the filter form of the list at `url`, as its page does."""
    match = resolve(url)
    request = RequestFactory().get(url)
    request.user = user
    view = match.func.view_class(**match.func.view_initkwargs)
    view.setup(request, *match.args, **match.kwargs)
    view.load_scope(request, match.kwargs)

    def build_and_render():
        filterset = view._filterset(None, view.get_queryset()) if view.filterset_class else None
        return FILTER_TEMPLATE.render(Context({"filter": filterset}))

    return _timed(build_and_render, 7)[0]


def list_pages(n: int = 9) -> None:
    from targa.core.models import User

    user = User.objects.get(username="coord.khenifra")
    client = _client("coord.khenifra")
    print(
        f"  {'list page (Khénifra, coordinator)':<36} {'median':>8} {'CPU':>8} "
        f"{'filters':>8} {'share':>6} {'form HTML':>10} {'page':>8}"
    )
    with translation.override("fr"):
        for name, label in LIST_PAGES:
            url = reverse(name, args=[CODE])
            client.get(url)  # warm
            wall, cpu, response = _timed(lambda u=url: client.get(u), n)
            form = FILTER_FORM.search(response.content)
            form_size = len(form.group(0)) if form else 0
            filters = _filter_cost(url, user)
            print(
                f"  {label:<36} {wall:6.1f}ms {cpu:6.1f}ms {filters:6.1f}ms {filters / wall:6.0%} "
                f"{form_size / 1024:8.1f}KB {len(response.content) / 1024:6.0f}KB"
            )


def _plan_nodes(plan: dict) -> list[str]:
    node = plan["Node Type"]
    if "Index Name" in plan:
        node += f" using {plan['Index Name']}"
    if "Relation Name" in plan and "Index Name" not in plan:
        node += f" on {plan['Relation Name']}"
    nodes = [node]
    for child in plan.get("Plans", []):
        nodes += _plan_nodes(child)
    return nodes


def _explain(qs) -> tuple[str, float]:
    import json

    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        raw = cursor.fetchone()[0]
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]
    scans = [n for n in _plan_nodes(plan["Plan"]) if "Scan" in n]
    return ", ".join(dict.fromkeys(scans)), plan["Execution Time"]


# The indexes issue 8 added for the `late` conditions: the plans are printed with them, then
# again with them dropped inside a transaction that is rolled back (the "before").
LATE_INDEXES = (
    "activity_open_end_idx",
    "followupaction_open_due_idx",
    "recommendation_open_due_idx",
)


def _late_queries(ids, khenifra):
    from django.db.models import Count

    from cpde.models import Recommendation
    from provinces.models import Activity, FollowUpAction

    def grouped(qs, path):
        return qs.filter(**{f"{path}__in": ids}).order_by().values(path).annotate(n=Count("id"))

    return [
        ("late activities, all provinces", grouped(Activity.objects.late(), "province_id")),
        (
            "overdue actions, all provinces",
            grouped(FollowUpAction.objects.overdue(), "visit__province_id"),
        ),
        (
            "late recommendations, all provinces",
            grouped(Recommendation.objects.overdue(), "meeting__committee__province_id"),
        ),
        ("late activities, Khénifra", Activity.objects.filter(province=khenifra).late()),
        (
            "late recommendations, Khénifra",
            Recommendation.objects.filter(meeting__committee__province=khenifra).overdue(),
        ),
    ]


def _late_figures(ids, khenifra, n: int, heading: str) -> None:
    from cpde import selectors as cpde_selectors
    from provinces import selectors as province_selectors
    from reports.selectors import province_alerts

    wall, cpu, _ = _timed(lambda: province_alerts(ids), n)
    cards, _cpu_cards, _ = _timed(
        lambda: (
            province_selectors.programme_overview(khenifra),
            cpde_selectors.province_cpde_summary(khenifra),
        ),
        n,
    )
    print(
        f"  {heading}: home page's late counts ({len(ids)} provinces) {wall:.1f} ms median "
        f"({cpu:.1f} ms CPU); Khénifra's page cards {cards:.1f} ms"
    )
    if connection.vendor != "postgresql":
        return
    for label, qs in _late_queries(ids, khenifra):
        scans, ms = _explain(qs)
        print(f"    EXPLAIN {label:<36} {ms:7.2f} ms  {scans}")


def late_counts(n: int = 15) -> None:
    from provinces.models import Province

    ids = list(Province.objects.filter(programme__is_active=True).values_list("pk", flat=True))
    khenifra = Province.objects.get(code=CODE)
    if connection.vendor != "postgresql":
        _late_figures(ids, khenifra, n, "as is")
        print("  (EXPLAIN and the comparison without the indexes: PostgreSQL only)")
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [list(LATE_INDEXES)]
        )
        present = [row[0] for row in cursor.fetchall()]
    if not present:
        _late_figures(ids, khenifra, n, "without the late indexes (not in this database)")
        return
    _late_figures(ids, khenifra, n, "with the late indexes")
    with transaction.atomic():
        with connection.cursor() as cursor:
            for name in present:
                cursor.execute(f'DROP INDEX "{name}"')
        _late_figures(ids, khenifra, n, "without them (dropped, then rolled back)")
        transaction.set_rollback(True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_cookie() -> str:
    client = _client("coord.khenifra")
    return client.cookies["sessionid"].value


def _get(url: str, cookie: str) -> float:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"})
    t = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        assert response.status == 200, response.status
    return time.perf_counter() - t


def _load(url: str, cookie: str, requests_total: int, concurrency: int) -> tuple[list, float]:
    """`concurrency` clients asking `url` in turn; every request's seconds, and the total."""
    times: list[float] = []
    lock = threading.Lock()

    def client():
        for _ in range(requests_total // concurrency):
            elapsed = _get(url, cookie)
            with lock:
                times.append(elapsed)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(times), time.perf_counter() - t0


def load_test(requests_total: int = 300, concurrency: int = 4) -> None:
    """gunicorn (2 sync workers, as on a small server) serving one list page to `concurrency`
    clients at once, with CONN_MAX_AGE=0 (a new connection per request) and 60."""
    from django.conf import settings

    if connection.vendor != "postgresql":
        print("  (load test: PostgreSQL only)")
        return
    cookie = _session_cookie()
    path = reverse("cpde:meeting_list", args=[CODE])
    db = settings.DATABASES["default"]
    database_url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    for age in ("0", "60"):
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
        env |= {
            "DATABASE_URL": database_url,
            "CONN_MAX_AGE": age,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_LOG_LEVEL": "warning",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DEBUG": "off",
        }
        command = [ROOT / ".venv/bin/gunicorn", "-c", ROOT / "deploy/gunicorn.conf.py"]
        command += ["--no-control-socket", "--access-logfile", "/dev/null"]
        server = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/accounts/login/", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            for _ in range(10):
                _get(base + path, cookie)  # warm both workers
            times, total = _load(base + path, cookie, requests_total, concurrency)
            p50 = times[len(times) // 2] * 1000
            p95 = times[int(len(times) * 0.95)] * 1000
            print(
                f"  CONN_MAX_AGE={age:<3} {len(times)} requests, {concurrency} at once: "
                f"{len(times) / total:6.1f} req/s, median {p50:6.1f} ms, p95 {p95:6.1f} ms"
            )
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


def connect_cost(n: int = 50) -> None:
    """What opening a database connection costs, as each request paid it with CONN_MAX_AGE=0."""
    from django.db import connections

    conn = connections.create_connection("default")
    times = []
    for _ in range(n):
        t = time.perf_counter()
        conn.connect()
        conn.ensure_connection()
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
        times.append((time.perf_counter() - t) * 1000)
        conn.close()
    print(f"  opening a connection (and its first query): {statistics.median(times):.1f} ms median")


def scale_report() -> str:
    import logging

    logging.getLogger("axes").setLevel(logging.WARNING)
    note = grow()
    print(
        f"  data: {note}; per province: " + ", ".join(f"{v} {k}" for k, v in PER_PROVINCE.items()),
        flush=True,
    )
    list_pages()
    late_counts()
    connect_cost()
    load_test()
    sys.stdout.flush()
    return note
