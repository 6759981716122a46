"""The Gantt chart of a province's chronogram, as plain data for a template (page or PDF).

Months are the unit, all of the same width, as in the chronograms handed to the Province;
a date sits inside its month in proportion to its day. The scale follows the span: months
up to two years, quarters up to five, years beyond (the timeline then runs over whole
quarters or years, so that every year's label has room). Bars are placed in percent of the
timeline, measured from where time starts (the left in French, the right in Arabic), so the
template draws the same data at any width and in either direction, without JavaScript; the
shortest are drawn at least MIN_BAR_PX wide, so that a one-day meeting shows over six years.
"""

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import pgettext

from provinces.models import Activity, Objective

# The scales, by the span of the timeline: (scale, months per tick, up to how many months,
# a month's width on a phone, the narrowest a month gets on a wide screen before the chart
# scrolls). Wide screens fit the whole period; phones scroll, the years' labels sticky.
SCALES = (
    ("months", 1, 24, 40, 10),
    ("quarters", 3, 60, 16, 6),
    ("years", 12, None, 8, 4),
)
# The narrowest a wide screen (Bootstrap's lg, 992 px, and beyond) draws the timeline: its
# 960-px container less the labels' column (gantt.css).
WIDE_TIMELINE_PX = 600
# No bar is drawn narrower than this, however short the activity and long the timeline.
MIN_BAR_PX = 8


def scale_for(n_months: int) -> tuple[str, int, int, int]:
    """The scale of a timeline of `n_months`: its name, months per tick, a month's width on a
    phone and its narrowest on a wide screen."""
    for name, per_tick, up_to, phone_px, wide_px in SCALES:
        if up_to is None or n_months <= up_to:
            return name, per_tick, phone_px, wide_px
    raise AssertionError("unreachable")


def month_label(day: datetime.date, n_months: int) -> str:
    """The month's short name up to a year; its number beyond (the years row says which)."""
    return formats.date_format(day, "N") if n_months <= 12 else str(day.month)


def quarter_label(day: datetime.date) -> str:
    """The quarter `day` begins, e.g. "T2" in French."""
    return pgettext("quarter of a year", "Q%(n)s") % {"n": (day.month - 1) // 3 + 1}


@dataclass(frozen=True)
class Bar:
    offset: float  # percent of the timeline from its start
    width: float  # percent of the timeline
    ongoing: bool = False  # started and not finished: drawn up to today


@dataclass(frozen=True)
class Row:
    activity: Activity
    planned: Bar | None
    actual: Bar | None
    late: bool


@dataclass(frozen=True)
class Group:
    objective: int
    label: str
    rows: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class Month:
    first_day: datetime.date
    label: str


@dataclass(frozen=True)
class Tick:
    """A column of the header's second row: a month or a quarter (none at the years' scale)."""

    first_day: datetime.date
    label: str
    title: str  # the month or quarter with its year
    months: int


@dataclass(frozen=True)
class Year:
    year: int
    width: float  # percent of the timeline
    months: int  # how many of the timeline's months fall in it


@dataclass(frozen=True)
class GanttChart:
    today: datetime.date
    months: list[Month]
    years: list[Year]
    groups: list[Group]
    today_offset: float | None  # None when today is outside the timeline
    month_px: int  # a month's width on a phone
    scale: str = "months"  # "months", "quarters" or "years"
    ticks: list[Tick] = field(default_factory=list)
    wide_month_px: int = 10  # the narrowest a month gets on a wide screen

    @property
    def timeline_px(self) -> int:
        """How wide the timeline is drawn on a phone."""
        return len(self.months) * self.month_px

    @property
    def min_timeline_px(self) -> int:
        """The narrowest the timeline gets on a wide screen before it scrolls."""
        return len(self.months) * self.wide_month_px

    @property
    def month_width(self) -> float:
        """One month, in percent of the timeline."""
        return round(100 / len(self.months), 4)

    @property
    def tick_width(self) -> float:
        """One column of the grid (a month, a quarter or a year), in percent of the timeline."""
        per_tick = {"months": 1, "quarters": 3, "years": 12}[self.scale]
        return round(100 * per_tick / len(self.months), 4)

    @property
    def subtick_width(self) -> float | None:
        """At the years' scale, a quarter (faint lines between the years), else None."""
        return round(300 / len(self.months), 4) if self.scale == "years" else None

    @property
    def today_anchor(self) -> str:
        """Where the "today" flag hangs from its line: inward near either end of the timeline."""
        if self.today_offset is None or 8 <= self.today_offset <= 92:
            return "middle"
        return "start" if self.today_offset < 8 else "end"

    @property
    def rows(self) -> list[Row]:
        return [row for group in self.groups for row in group.rows]

    @property
    def late_count(self) -> int:
        return sum(row.late for row in self.rows)


def _month_number(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def _first_day(month_number: int) -> datetime.date:
    return datetime.date(month_number // 12, month_number % 12 + 1, 1)


class _Axis:
    def __init__(self, first_month: int, n_months: int):
        self.first_month = first_month
        self.n_months = n_months

    def day_width(self, day: datetime.date) -> float:
        """How wide one day of `day`'s month is, in percent of the timeline."""
        return 100 / self.n_months / calendar.monthrange(day.year, day.month)[1]

    def at(self, day: datetime.date) -> float:
        """Where `day` begins, in percent of the timeline (may fall outside 0–100)."""
        days_in_month = calendar.monthrange(day.year, day.month)[1]
        months = _month_number(day) - self.first_month + (day.day - 1) / days_in_month
        return 100 * months / self.n_months

    def bar(
        self, start: datetime.date, end: datetime.date, *, ongoing=False, min_width: float = 0.0
    ) -> Bar | None:
        """The bar from the start of `start` to the end of `end`, cut to the timeline, and at
        least `min_width` percent wide (kept inside the timeline)."""
        begin = max(self.at(start), 0.0)
        finish = min(self.at(end) + self.day_width(end), 100.0)  # no day after 9999-12-31
        if finish <= 0 or begin >= 100 or finish < begin:
            return None
        width = max(finish - begin, min(min_width, 100.0))
        begin = min(begin, 100.0 - width)
        return Bar(offset=round(begin, 3), width=round(width, 3), ongoing=ongoing)


# However far apart the dates, the timeline spans at most this many years on each side of
# today (bars beyond are cut at its edge), so that no date can make the chart huge.
MAX_YEARS_AROUND_TODAY = 10


def window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day a chart may show."""
    return (
        datetime.date(today.year - MAX_YEARS_AROUND_TODAY, 1, 1),
        datetime.date(today.year + MAX_YEARS_AROUND_TODAY, 12, 31),
    )


def _axis(activities: list[Activity], today: datetime.date, year: int | None) -> _Axis:
    if year is not None:
        return _Axis(_month_number(datetime.date(year, 1, 1)), 12)
    first_day, last_day = window(today)
    days = [
        min(max(day, first_day), last_day)
        for a in activities
        for day in (a.planned_start, a.planned_end, a.actual_start, a.actual_end)
        if day is not None
    ]
    open_statuses = {Activity.Status.PLANNED, Activity.Status.IN_PROGRESS}
    if not days or any(a.status in open_statuses for a in activities):
        days.append(today)  # open activities are measured against today
    first, last = _month_number(min(days)), _month_number(max(days))
    # Over two years the timeline runs over whole quarters or years, so that each column of
    # the header, the first and last years' labels included, has its full width.
    _name, per_tick, _phone, _wide = scale_for(last - first + 1)
    if per_tick > 1:
        first -= first % per_tick
        last += per_tick - 1 - last % per_tick
    return _Axis(first, last - first + 1)


def build_gantt(
    activities: Iterable[Activity], *, today: datetime.date, year: int | None = None
) -> GanttChart:
    """The chart of `activities`, which carry `is_late` (`ActivityQuerySet.with_lateness`).

    Without `year` the timeline runs from the month of the earliest date to the month of the
    latest one (today included while activities are open); with it, over that year.
    Planned bars go from the planned start to the planned end; actual bars from the actual
    start to the actual end or, while the activity runs, to today. Rows are grouped by
    specific objective, in the order they come.
    """
    activities = list(activities)
    axis = _axis(activities, today, year)
    scale, per_tick, month_px, wide_month_px = scale_for(axis.n_months)
    months = [
        Month(day, month_label(day, axis.n_months))
        for day in (_first_day(axis.first_month + i) for i in range(axis.n_months))
    ]
    if scale == "months":
        ticks = [
            Tick(m.first_day, m.label, formats.date_format(m.first_day, "F Y"), 1) for m in months
        ]
    elif scale == "quarters":
        ticks = [
            Tick(
                m.first_day,
                quarter_label(m.first_day),
                f"{quarter_label(m.first_day)} {m.first_day.year}",
                3,
            )
            for m in months[::3]
        ]
    else:
        ticks = []
    # The narrowest the timeline is ever drawn: a phone's width of months, or a wide screen's.
    narrowest = min(axis.n_months * month_px, max(axis.n_months * wide_month_px, WIDE_TIMELINE_PX))
    min_width = 100 * MIN_BAR_PX / narrowest
    years: list[Year] = []
    for month in months:
        if years and years[-1].year == month.first_day.year:
            continue
        count = sum(m.first_day.year == month.first_day.year for m in months)
        years.append(Year(month.first_day.year, round(100 * count / axis.n_months, 3), count))

    groups = {value: Group(value, str(label)) for value, label in Objective.choices}
    for a in activities:
        actual = None
        if a.actual_start is not None:
            end = a.actual_end or max(today, a.actual_start)
            actual = axis.bar(
                a.actual_start, end, ongoing=a.actual_end is None, min_width=min_width
            )
        planned = axis.bar(a.planned_start, a.planned_end, min_width=min_width)
        groups[a.objective].rows.append(Row(a, planned, actual, bool(a.is_late)))
    offset = axis.at(today) + axis.day_width(today) / 2  # midday
    return GanttChart(
        today=today,
        months=months,
        years=years,
        groups=[g for g in groups.values() if g.rows],
        today_offset=round(offset, 3) if 0 <= offset <= 100 else None,
        month_px=month_px,
        scale=scale,
        ticks=ticks,
        wide_month_px=wide_month_px,
    )
