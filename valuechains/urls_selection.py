"""URLs of the value chains' selection pages, under a province: /provinces/<code>/valuechains/…
(joined in valuechains/urls.py, one namespace)."""

urlpatterns = []
