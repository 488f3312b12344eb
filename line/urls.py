from django.urls import path

from . import views

app_name = "line"

urlpatterns = [
    path("line/webhook/<slug:brand_slug>/", views.webhook, name="webhook"),
    path("line/ask/<str:token>/", views.ask, name="ask"),
    path("line/case/<str:token>/", views.case, name="case"),
    path("line/link/<str:token>/", views.link, name="link"),
    path("b/<slug:brand_slug>/integrations/line/", views.channel_settings, name="settings"),
    path("b/<slug:brand_slug>/line/requests/", views.requests_page, name="requests"),
    path(
        "b/<slug:brand_slug>/line/requests/<int:pk>/reply/",
        views.request_reply,
        name="request_reply",
    ),
]
