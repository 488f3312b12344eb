"""Product feedback's pages, named "feedback:…". The paths are the ones they had under brands
(/b/<slug>/feedback/…, /t/<pk>/-/feedback/, /settings/feedback-emails/…)."""

from django.urls import path

from integrations import views as events

from .views import integrations, items

app_name = "feedback"

urlpatterns = [
    path("b/<slug:brand_slug>/feedback/", items.board, name="board"),
    path("b/<slug:brand_slug>/feedback/new/", items.item_create, name="item_create"),
    path("b/<slug:brand_slug>/feedback/labels/", items.labels, name="labels"),
    path(
        "b/<slug:brand_slug>/feedback/labels/<int:pk>/delete/",
        items.label_delete,
        name="label_delete",
    ),
    path("b/<slug:brand_slug>/feedback/<int:pk>/", items.item_detail, name="item"),
    path(
        "b/<slug:brand_slug>/feedback/<int:pk>/edit/",
        items.item_edit,
        name="item_edit",
    ),
    path(
        "b/<slug:brand_slug>/feedback/<int:pk>/link/",
        items.item_link,
        name="item_link",
    ),
    path(
        "b/<slug:brand_slug>/feedback/<int:pk>/unlink/<int:thread_pk>/",
        items.item_unlink,
        name="item_unlink",
    ),
    path(
        "b/<slug:brand_slug>/feedback/<int:pk>/status/",
        items.item_status,
        name="item_status",
    ),
    path(
        "b/<slug:brand_slug>/feedback/<int:pk>/comments/",
        items.item_comment,
        name="item_comment",
    ),
    path(
        "b/<slug:brand_slug>/feedback/<int:pk>/merge/",
        items.item_merge,
        name="item_merge",
    ),
    path(
        "b/<slug:brand_slug>/feedback/<int:pk>/cohort.csv",
        items.item_cohort_csv,
        name="item_cohort",
    ),
    path("b/<slug:brand_slug>/praise/", items.praise, name="praise"),
    path("b/<slug:brand_slug>/complaints/", items.complaints, name="complaints"),
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
        "b/<slug:brand_slug>/integrations/endpoints/<int:pk>/events/",
        events.endpoint_events,
        name="integrations_endpoint_events",
    ),
    path(
        "b/<slug:brand_slug>/integrations/endpoints/<int:pk>/test/",
        events.endpoint_test,
        name="integrations_endpoint_test",
    ),
    path(
        "b/<slug:brand_slug>/integrations/inbound/",
        integrations.inbound,
        name="integrations_inbound",
    ),
    path("t/<int:pk>/-/feedback/", items.thread_item, name="thread_item"),
    path("t/<int:pk>/-/feedback/unlink/", items.thread_unlink, name="thread_unlink"),
    path("t/<int:pk>/-/labels/", items.thread_labels, name="thread_labels"),
    path("settings/feedback-emails/", items.email_settings, name="email_settings"),
    path(
        "settings/feedback-emails/stop/<str:token>/",
        items.email_stop,
        name="email_stop",
    ),
]
