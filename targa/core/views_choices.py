"""Suggestions for a search field (`targa.core.choices`): the records of one province that
match what the person typed, 20 at a time, as <option>s for the field's <datalist> or JSON."""

from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse
from django.views import View

from targa.core import choices
from targa.core.access import access_province


class SuggestView(View):
    """GET ?field=NAME&NAME=text (what htmx sends from the field), or ?q=text; ?page=2 for
    the next 20; the source's declared `filters` (e.g. ?date__gte=2025-01-01) narrow them;
    JSON when asked with Accept: application/json or ?format=json. Only the records of the
    URL's province, which the user may open (404 otherwise)."""

    def get(self, request, code: str, source: str):
        province = access_province(user=request.user, code=code)
        found = choices.sources().get(source)
        if found is None:
            raise Http404
        params = request.GET
        text = params.get("q") if "q" in params else params.get(params.get("field", ""), "")
        try:
            page = max(1, min(int(params.get("page", 1)), 1000))
        except ValueError:
            page = 1
        start = (page - 1) * choices.SUGGESTIONS
        qs = found.narrowed(found.queryset(province), params)
        rows = list(found.matching(qs, text or "")[start : start + choices.SUGGESTIONS + 1])
        more = len(rows) > choices.SUGGESTIONS
        options = [(obj.pk, choices.label(obj)) for obj in rows[: choices.SUGGESTIONS]]
        if params.get("format") == "json" or "application/json" in request.headers.get(
            "Accept", ""
        ):
            return JsonResponse(
                {
                    "results": [{"id": pk, "label": text} for pk, text in options],
                    "page": page,
                    "more": more,
                }
            )
        return TemplateResponse(
            request, "forms/widgets/search_options.html", {"options": options, "more": more}
        )
