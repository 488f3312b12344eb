from django.urls import path

from . import views

app_name = "reputation"

urlpatterns = [
    path("b/<slug:brand_slug>/contributors/", views.top_contributors, name="top_contributors"),
]
