from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("search/suggest/", views.suggest, name="suggest"),
    path("b/<slug:brand_slug>/similar/", views.similar, name="similar"),
    path("t/<int:pk>/-/related/", views.related, name="related"),
]
