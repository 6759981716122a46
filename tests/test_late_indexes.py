"""The indexes that keep the `late` counts flat as years of data pile up (migrations
provinces 0009 and cpde 0005): they exist, only over open records, and on PostgreSQL the
counts of the home page and the province page can be read from them alone."""

import pytest
from django.db import connection
from django.db.models import Count

from cpde.models import Recommendation
from provinces.models import Activity, FollowUpAction

pytestmark = pytest.mark.django_db

INDEXES = {
    "provinces_activity": {
        "activity_open_end_idx": ["province_id", "planned_end"],
    },
    "provinces_followupaction": {"followupaction_open_due_idx": ["visit_id", "due_on"]},
    "cpde_recommendation": {"recommendation_open_due_idx": ["meeting_id", "due_date"]},
}


@pytest.mark.parametrize("table", sorted(INDEXES))
def test_the_late_indexes_exist(table):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    for name, columns in INDEXES[table].items():
        assert name in constraints, f"{name} missing on {table}"
        assert constraints[name]["index"] and constraints[name]["columns"] == columns


def index_sql(name: str) -> str:
    """The index's definition as the database keeps it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [name])
        return cursor.fetchone()[0]


@pytest.mark.parametrize("name", [n for t in INDEXES.values() for n in t])
def test_the_late_indexes_hold_open_records_only(name):
    assert " WHERE " in index_sql(name).upper()


def plan(qs, table: str) -> str:
    """PostgreSQL's plan for `qs` when it may neither scan whole tables nor use the table's
    other indexes (dropped in the test's transaction, so they come back after it): a late
    index appears only if the query's condition lets the planner use it."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
        for name, c in constraints.items():
            if c["index"] and not c["primary_key"] and not c["unique"]:
                if name not in INDEXES[table]:
                    cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        lines = [row[0] for row in cursor.fetchall()]
        cursor.execute("SET LOCAL enable_seqscan = on")
    return "\n".join(lines)


def per_province(qs, path):
    return qs.filter(**{f"{path}__in": [1, 2]}).order_by().values(path).annotate(n=Count("id"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
@pytest.mark.parametrize(
    ("qs", "table", "indexes"),
    [
        (
            lambda: per_province(Activity.objects.late(), "province_id"),
            "provinces_activity",
            ["activity_open_end_idx"],
        ),
        (
            lambda: Activity.objects.filter(province_id=1).late(),
            "provinces_activity",
            ["activity_open_end_idx"],
        ),
        (
            lambda: per_province(FollowUpAction.objects.overdue(), "visit__province_id"),
            "provinces_followupaction",
            ["followupaction_open_due_idx"],
        ),
        (
            lambda: per_province(
                Recommendation.objects.overdue(), "meeting__committee__province_id"
            ),
            "cpde_recommendation",
            ["recommendation_open_due_idx"],
        ),
        (
            lambda: Recommendation.objects.filter(meeting__committee__province_id=1).overdue(),
            "cpde_recommendation",
            ["recommendation_open_due_idx"],
        ),
    ],
    ids=[
        "late activities",
        "one province's late activities",
        "overdue actions",
        "late recommendations",
        "one province's late recommendations",
    ],
)
def test_the_late_rules_fit_their_indexes(qs, table, indexes):
    """If a `late` rule changes so that its partial index no longer applies, this fails:
    change the index (and its migration) with the rule."""
    explained = plan(qs(), table)
    for index in indexes:
        assert index in explained, explained
