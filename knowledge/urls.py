from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("t/<int:pk>/-/article/", views.article_from_thread, name="from_thread"),
]
