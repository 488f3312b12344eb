from django.urls import path

from . import crisis_views, views, volume_views

app_name = "moderation"

urlpatterns = [
    path("moderation/", views.queue, name="queue"),
    path("moderation/batch/", volume_views.queue_batch, name="queue_batch"),
    path("moderation/rechecks/", views.rechecks, name="rechecks"),
    path("moderation/rechecks/<int:pk>/decline/", views.recheck_decline, name="recheck_decline"),
    path("moderation/appeals/", views.appeals, name="appeals"),
    path("moderation/appeals/<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
    path("moderation/keywords/", views.keywords, name="global_keywords"),
    path("moderation/members/<str:username>/", views.member_sanction, name="member_sanction"),
    path("moderation/<str:kind>/<int:pk>/", views.moderate, name="moderate"),
    path("moderation/<str:kind>/<int:pk>/appeal/", views.appeal, name="appeal"),
    path("flag/<str:kind>/<int:pk>/", views.flag, name="flag"),
    path("a/<int:pk>/verify/", views.verify, name="verify"),
    path("b/<slug:brand_slug>/keywords/", views.keywords, name="brand_keywords"),
    path(
        "b/<slug:brand_slug>/first-post-hold/",
        volume_views.first_post_hold,
        name="first_post_hold",
    ),
    path("b/<slug:brand_slug>/crisis/", crisis_views.crisis_alerts, name="crisis_alerts"),
    path(
        "b/<slug:brand_slug>/crisis/<int:pk>/acknowledge/",
        crisis_views.crisis_alert_acknowledge,
        name="crisis_alert_acknowledge",
    ),
]
