"""Excel and CSV exports of the value-chain lists (django-import-export), in the user's
language; values as they are (numbers, lists), the writer in `targa.core.exports` formats them.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from import_export import fields

from targa.core.exports import StreamingResource
from valuechains import selectors
from valuechains.models import Diagnostic


class ChainResource(StreamingResource):
    """The rows of the chain list (`selectors.with_list_figures` annotates them)."""

    product = fields.Field(attribute="product", column_name=_("Product"))
    product_ar = fields.Field(attribute="product_ar", column_name=_("Product (Arabic)"))
    sector = fields.Field(
        attribute="sector__name_fr", column_name=pgettext_lazy("value chain", "Sector")
    )
    status = fields.Field(attribute="get_status_display", column_name=_("Status"))
    diagnostic = fields.Field(column_name=_("Diagnostic"))
    cercles = fields.Field(column_name=_("Cercles"))
    communes = fields.Field(column_name=_("Communes"))
    n_scored = fields.Field(attribute="n_scored", column_name=_("Criteria scored"))
    points = fields.Field(attribute="points", column_name=_("Weighted points"))
    score = fields.Field(column_name=_("Score out of 100"))

    _max_points: dict

    def prepare(self, queryset):
        self._max_points = {}
        return queryset.prefetch_related("communes")

    def dehydrate_sector(self, obj):
        return obj.sector.name

    def dehydrate_diagnostic(self, obj):
        if not obj.diagnostic_status:
            return None
        return Diagnostic.Status(obj.diagnostic_status).label

    def dehydrate_cercles(self, obj):
        return [c.name for c in obj.cercles.all()]

    def dehydrate_communes(self, obj):
        return [c.name for c in obj.communes.all()]

    def dehydrate_score(self, obj):
        if obj.province_id not in self._max_points:  # one province per list: one query
            self._max_points[obj.province_id] = selectors.max_points_in(obj.province)
        return selectors.out_of_100(obj.points, self._max_points[obj.province_id])
