from django.urls import path

from . import views

app_name = "follows"

urlpatterns = [
    path("follow/<str:kind>/<int:pk>/<str:action>/", views.follow_change, name="change"),
    path("following/", views.following, name="following"),
    path("solved/<str:token>/", views.follow_up, name="follow_up"),
]
