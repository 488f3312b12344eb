from django.urls import path

from . import account_views, consent_views, views

app_name = "community"

urlpatterns = [
    path("language/<str:code>/", views.language_switch, name="language"),
    path("u/<str:username>/", views.profile, name="profile"),
    path("settings/profile/", views.profile_edit, name="profile_edit"),
    path("notifications/", views.notifications, name="notifications"),
    path(
        "settings/notifications/",
        consent_views.notification_settings,
        name="notification_settings",
    ),
    path("unsubscribe/<str:token>/", consent_views.unsubscribe, name="unsubscribe"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_read"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path(
        "accounts/verification/resend/",
        account_views.verification_resend,
        name="verification_resend",
    ),
    path("two-factor/", account_views.two_factor_required, name="two_factor_required"),
    path(
        "two-factor/reset/<str:username>/",
        account_views.two_factor_reset,
        name="two_factor_reset",
    ),
]
