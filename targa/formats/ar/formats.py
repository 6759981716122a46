"""Arabic formats as read in Morocco: day/month/year and a 24-hour clock (Django's Arabic
defaults fall back to US order and a 12-hour clock for dates with times), numbers with
thousands grouped (370 240) as on HCP's tables, no invisible direction marks inside dates
(they end up in exports and copies)."""

from django.conf.locale.ar.formats import *  # noqa: F403

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "j F Y، H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M"]
FIRST_DAY_OF_WEEK = 1  # Monday

NUMBER_GROUPING = 3
THOUSAND_SEPARATOR = "\u202f"  # narrow no-break space: never read as a decimal point
