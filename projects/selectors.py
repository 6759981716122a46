"""Reading the project holders' data: what the pages, the choices and (later) the board and
the funnel ask of the database."""

from django.db.models import QuerySet

from targa.core.ordering import search_key


def named(queryset: QuerySet, text: str) -> QuerySet:
    """Holders or structures whose name holds every typed word, whatever the accents, case
    and script (their `search_name`): the choice fields' suggestions."""
    for word in search_key(text).split():
        queryset = queryset.filter(search_name__contains=word)
    return queryset
