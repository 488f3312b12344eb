from django.urls import path

from . import views

app_name = "legal"

urlpatterns = [
    path("removal-request/", views.request_form, name="request"),
    path("removal-request/sent/", views.request_sent, name="request_sent"),
    path("removal-requests/<int:pk>/respond/", views.respond, name="respond"),
    path("moderation/removal-requests/", views.queue, name="queue"),
    path("moderation/removal-requests/<int:pk>/", views.decide, name="decide"),
    path("transparency/", views.transparency, name="transparency"),
]
