"""How lists are ordered for people: what is late first, and words in dictionary order.

`urgency_order` puts late rows first (the most overdue first), then open ones by due date,
then closed ones (the most recently closed first), computed by the database from the app's
own conditions. `Natural` orders text as a dictionary does — "Délégation" before "Division",
whatever the case or the accents — with an ICU collation of the user's language on PostgreSQL
and an equivalent Python collation registered on SQLite; `natural_key` is the same rule for a
list sorted in Python.
"""

import unicodedata

from django.db.backends.signals import connection_created
from django.db.models import Case, F, Func, IntegerField, OrderBy, Q, Value, When
from django.db.models.expressions import Expression
from django.dispatch import receiver
from django.utils.translation import get_language

SQLITE_COLLATION = "targa_natural"
# ICU collations PostgreSQL creates when built with ICU (Debian's is): the language's own
# dictionary order, the root order for any other language.
ICU_COLLATIONS = {"fr": "fr-x-icu", "ar": "ar-x-icu", "en": "en-x-icu"}
ICU_DEFAULT = "und-x-icu"

LATE, OPEN, CLOSED, LAST = 0, 1, 2, 3


def urgency_order(
    *,
    late: Q | None,
    open: Q,
    due: Expression | str,
    closed_on: Expression | str,
    missed: Expression | str | None = None,
    last: Q | None = None,
) -> list[OrderBy]:
    """ORDER BY terms: `late` rows first, the one whose `missed` date (by default its `due`
    date) is oldest first; then the other `open` rows by `due` date (undated last); then the
    rest by `closed_on`, the most recent first; rows matching `last` (e.g. cancelled) at the
    very end. The id breaks ties, so that pages never overlap. A list without a notion of
    lateness passes `late=None`: open rows by due date, then the closed ones."""

    def expr(value):
        return F(value) if isinstance(value, str) else value

    whens, dates = [], []
    if late is not None:
        whens.append(When(late, then=Value(LATE)))
        dates.append(When(late, then=expr(missed if missed is not None else due)))
    whens.append(When(open, then=Value(OPEN)))
    dates.append(When(open, then=expr(due)))
    if last is not None:
        whens.append(When(last, then=Value(LAST)))
    rank = Case(*whens, default=Value(CLOSED), output_field=IntegerField())
    return [
        rank.asc(),
        Case(*dates, default=None).asc(nulls_last=True),
        expr(closed_on).desc(nulls_last=True),
        F("id").asc(),
    ]


def natural_key(text) -> str:
    """A sort key that ignores case and accents ("é" sorts as "e"), for lists sorted in Python."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def search_key(*parts) -> str:
    """Names as they are searched: accents, Arabic short vowels and hamza seats, case and extra
    spaces ignored ("Khenifra" finds "Khénifra", "احمد" finds "أحمد"). A model keeps it in a
    field (e.g. `search_name`) that a list searches with `search_key_field`."""
    text = natural_key(" ".join(str(p or "") for p in parts))
    # Control characters (a NUL pasted in) name no one, and the database refuses them.
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _sqlite_collate(a: str, b: str) -> int:
    ka, kb = natural_key(a), natural_key(b)
    if ka == kb:  # same letters: a stable order (accent-less first), as dictionaries do
        ka, kb = a, b
    return (ka > kb) - (ka < kb)


@receiver(connection_created)
def _register_sqlite_collation(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, _sqlite_collate)


class Natural(Func):
    """`expression` compared in dictionary order in the active language (see the module)."""

    template = "%(expressions)s COLLATE %(collation)s"

    def as_sql(self, compiler, connection, **extra_context):
        if connection.vendor == "postgresql":
            language = (get_language() or "").split("-")[0]
            name = ICU_COLLATIONS.get(language, ICU_DEFAULT)
        elif connection.vendor == "sqlite":
            name = SQLITE_COLLATION
        else:  # another backend: its own default order
            return compiler.compile(self.source_expressions[0])
        extra_context["collation"] = connection.ops.quote_name(name)
        return super().as_sql(compiler, connection, **extra_context)


class NaturalName(Natural):
    """A name kept in two columns (`name_fr`, `name_ar`), ordered by the one the page shows:
    Arabic on Arabic pages, French otherwise, in dictionary order (see `Natural`). The
    column is chosen when the query is written, so a list built once (a filter's choices)
    follows each request's language."""

    def __init__(self, french: str = "name_fr", arabic: str = "name_ar", **extra):
        super().__init__(F(french), F(arabic), **extra)

    def as_sql(self, compiler, connection, **extra_context):
        french, arabic = self.source_expressions
        chosen = arabic if (get_language() or "").startswith("ar") else french
        return Natural(chosen).as_sql(compiler, connection, **extra_context)
