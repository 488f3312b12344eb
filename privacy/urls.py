from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("settings/privacy/", views.privacy, name="privacy"),
    path("settings/privacy/social/", views.social_accounts, name="social_accounts"),
    path("settings/privacy/export/", views.export_request, name="export_request"),
    path("settings/privacy/export/<int:pk>/", views.export_download, name="export_download"),
    path("settings/privacy/erase/", views.erase, name="erase"),
    path("settings/privacy/brands/", views.brands_keep, name="brands_keep"),
    path(
        "settings/privacy/brands/<slug:brand_slug>/ask/",
        views.disclosure_request,
        name="disclosure_request",
    ),
    path("b/<slug:brand_slug>/disclosure/", views.disclosure_requests, name="disclosure_requests"),
    path(
        "b/<slug:brand_slug>/disclosure/<int:pk>/answer/",
        views.disclosure_answer,
        name="disclosure_answer",
    ),
]
