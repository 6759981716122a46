"""URLs of the value chains' diagnostic pages, under a province: /provinces/<code>/valuechains/…
(joined in valuechains/urls.py, one namespace)."""

urlpatterns = []
