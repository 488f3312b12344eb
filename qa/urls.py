from django.urls import path

from . import suggested_edit_views, views

app_name = "qa"

urlpatterns = [
    path("b/<slug:brand_slug>/", views.brand_threads, name="brand"),
    path("b/<slug:brand_slug>/ask/", views.thread_ask, name="ask"),
    path("b/<slug:brand_slug>/ask/versions/", views.ask_versions, name="ask_versions"),
    path("t/<int:pk>/", views.thread_detail, name="thread_short"),
    path("t/<int:pk>/<str:slug>/", views.thread_detail, name="thread"),
    path("t/<int:pk>/-/answer/", views.answer_create, name="answer_create"),
    path("t/<int:pk>/-/edit/", views.thread_edit, name="thread_edit"),
    path("t/<int:pk>/-/revisions/", views.thread_revisions, name="thread_revisions"),
    path("t/<int:pk>/-/me-too/", views.thread_me_too, name="me_too"),
    path("a/<int:pk>/", views.answer_short, name="answer_short"),
    path("a/<int:pk>/edit/", views.answer_edit, name="answer_edit"),
    path("a/<int:pk>/revisions/", views.answer_revisions, name="answer_revisions"),
    path("a/<int:pk>/suggest/", suggested_edit_views.suggested_edit_create, name="suggest_edit"),
    path("a/<int:pk>/suggestions/", suggested_edit_views.suggested_edits, name="suggested_edits"),
    path(
        "suggestions/<int:pk>/<str:decision>/",
        suggested_edit_views.suggested_edit_decide,
        name="suggested_edit_decide",
    ),
    path("a/<int:pk>/vote/", views.answer_vote, name="vote"),
    path("a/<int:pk>/accept/", views.answer_accept, name="accept"),
    path("preview/", views.markdown_preview, name="preview"),
    path("take-part/<str:kind>/<int:pk>/", views.take_part_start, name="take_part_start"),
    path("take-part/<str:token>/", views.take_part, name="take_part"),
]
