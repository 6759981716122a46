"""URLs of the value chains' selection pages, under a province: /provinces/<code>/valuechains/…
(joined in valuechains/urls.py, one namespace)."""

from django.urls import path

from targa.core import crud
from valuechains.views import selection

base = "<str:code>/valuechains"
urlpatterns = [
    *crud.crud_urls(
        "valuechains/chains",
        "chain",
        list_view=selection.ChainListView,
        create_view=selection.ChainCreateView,
        detail_view=selection.ChainDetailView,
        update_view=selection.ChainUpdateView,
        delete_view=selection.ChainDeleteView,
        history_view=selection.ChainHistoryView,
        transition_view=selection.ChainTransitionView,
    ),
    path(
        f"{base}/chains/<int:pk>/scores/",
        selection.ChainScoresView.as_view(),
        name="chain_scores",
    ),
    path(f"{base}/ranking/", selection.RankingView.as_view(), name="ranking"),
    path(f"{base}/weights/", selection.WeightsView.as_view(), name="weights"),
]
