"""Arabic number formats: Django's, with thousands grouped (370 240) as on HCP's tables."""

from django.conf.locale.ar.formats import *  # noqa: F403

NUMBER_GROUPING = 3
THOUSAND_SEPARATOR = "\u202f"  # narrow no-break space: never read as a decimal point
