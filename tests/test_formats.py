"""Dates read day/month/year with a 24-hour clock in French, Arabic and English, as in
Morocco; no invisible direction marks inside them."""

import datetime

import pytest
from django.utils import formats, translation

WHEN = datetime.datetime(2026, 12, 1, 20, 16)


@pytest.mark.parametrize(
    ("language", "short", "long_"),
    [
        ("fr", "01/12/2026 20:16", "1 décembre 2026 20:16"),
        ("ar", "01/12/2026 20:16", "1 دجنبر 2026، 20:16"),
        ("en", "01/12/2026 20:16", "1 December 2026, 20:16"),
    ],
)
def test_dates_and_times_read_day_first_on_a_24_hour_clock(language, short, long_):
    with translation.override(language):
        assert formats.date_format(WHEN, "SHORT_DATETIME_FORMAT") == short
        assert formats.date_format(WHEN, "DATETIME_FORMAT") == long_
        assert formats.date_format(WHEN.date(), "SHORT_DATE_FORMAT") == "01/12/2026"
        assert formats.time_format(WHEN.time()) == "20:16"
        assert "\u200f" not in formats.date_format(WHEN.date(), "SHORT_DATE_FORMAT")
