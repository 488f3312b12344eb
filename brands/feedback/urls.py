"""Product feedback's pages, included into brands/urls.py (so named "brands:…")."""

from django.urls import path

from ..views import feedback, integrations, reports

urlpatterns = [
    path("b/<slug:brand_slug>/feedback/", feedback.board, name="feedback_board"),
    path("b/<slug:brand_slug>/feedback/new/", feedback.item_create, name="feedback_item_create"),
    path("b/<slug:brand_slug>/feedback/labels/", feedback.labels, name="feedback_labels"),
    path(
        "b/<slug:brand_slug>/feedback/labels/<int:pk>/delete/",
        feedback.label_delete,
        name="feedback_label_delete",
    ),
    path("b/<slug:brand_slug>/feedback/<int:pk>/", feedback.item_detail, name="feedback_item"),
    path(
        "b/<slug:brand_slug>/feedback/<int:pk>/edit/",
        feedback.item_edit,
        name="feedback_item_edit",
    ),
    path(
        "b/<slug:brand_slug>/feedback/<int:pk>/link/",
        feedback.item_link,
        name="feedback_item_link",
    ),
    path(
        "b/<slug:brand_slug>/feedback/<int:pk>/unlink/<int:thread_pk>/",
        feedback.item_unlink,
        name="feedback_item_unlink",
    ),
    path(
        "b/<slug:brand_slug>/feedback/<int:pk>/status/",
        feedback.item_status,
        name="feedback_item_status",
    ),
    path(
        "b/<slug:brand_slug>/feedback/<int:pk>/comments/",
        feedback.item_comment,
        name="feedback_item_comment",
    ),
    path(
        "b/<slug:brand_slug>/feedback/<int:pk>/merge/",
        feedback.item_merge,
        name="feedback_item_merge",
    ),
    path(
        "b/<slug:brand_slug>/feedback/<int:pk>/cohort.csv",
        feedback.item_cohort_csv,
        name="feedback_item_cohort",
    ),
    path("b/<slug:brand_slug>/praise/", feedback.praise, name="praise"),
    path("b/<slug:brand_slug>/complaints/", feedback.complaints, name="complaints"),
    path("b/<slug:brand_slug>/reports/", reports.brand_reports, name="reports"),
    path("b/<slug:brand_slug>/integrations/", integrations.integrations, name="integrations"),
    path(
        "b/<slug:brand_slug>/integrations/secret/",
        integrations.secret_rotate,
        name="integrations_secret",
    ),
    path(
        "b/<slug:brand_slug>/integrations/endpoints/",
        integrations.endpoint_create,
        name="integrations_endpoint_create",
    ),
    path(
        "b/<slug:brand_slug>/integrations/endpoints/<int:pk>/toggle/",
        integrations.endpoint_toggle,
        name="integrations_endpoint_toggle",
    ),
    path(
        "b/<slug:brand_slug>/integrations/endpoints/<int:pk>/delete/",
        integrations.endpoint_delete,
        name="integrations_endpoint_delete",
    ),
    path(
        "b/<slug:brand_slug>/integrations/inbound/",
        integrations.inbound,
        name="integrations_inbound",
    ),
    path("t/<int:pk>/-/feedback/", feedback.thread_item, name="feedback_thread_item"),
    path("t/<int:pk>/-/feedback/unlink/", feedback.thread_unlink, name="feedback_thread_unlink"),
    path("t/<int:pk>/-/labels/", feedback.thread_labels, name="feedback_thread_labels"),
    path("settings/feedback-emails/", feedback.email_settings, name="feedback_email_settings"),
    path(
        "settings/feedback-emails/stop/<str:token>/",
        feedback.email_stop,
        name="feedback_email_stop",
    ),
]
