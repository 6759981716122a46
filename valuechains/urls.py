"""URLs of the value chains, under a province: /provinces/<code>/valuechains/…

Each part of the app keeps its own list (selection, diagnostic, deliverable); they share the
`valuechains` namespace."""

from valuechains import urls_deliverable, urls_diagnostic, urls_selection

app_name = "valuechains"

urlpatterns = [
    *urls_selection.urlpatterns,
    *urls_diagnostic.urlpatterns,
    *urls_deliverable.urlpatterns,
]
