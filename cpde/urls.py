"""URLs of the CPDE, under a province: /provinces/<code>/cpde/…"""

app_name = "cpde"

urlpatterns: list = []
