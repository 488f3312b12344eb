from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("search/suggest/", views.suggest, name="suggest"),
    path("b/<slug:brand_slug>/similar/", views.similar, name="similar"),
    path("t/<int:pk>/-/related/", views.related, name="related"),
    path("b/<slug:brand_slug>/settings/synonyms/", views.synonyms, name="synonyms"),
    path(
        "b/<slug:brand_slug>/settings/synonyms/<int:pk>/remove/",
        views.synonym_remove,
        name="synonym_remove",
    ),
]
