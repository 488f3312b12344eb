from django.urls import path

from . import views

app_name = "attachments"

urlpatterns = [
    path("files/<int:pk>/", views.attachment_file, name="file"),
    path("files/<int:pk>/thumb/", views.attachment_file, {"variant": "thumb"}, name="thumb"),
]
