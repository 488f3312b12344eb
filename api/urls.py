"""The API under /api/v1/, its OpenAPI document and docs page, and the credentials' pages."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .views import catalogue, follows, members, pages, team, threads

app_name = "api"

v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    path("brands/", catalogue.BrandList.as_view(), name="brands"),
    path("brands/<slug:slug>/", catalogue.BrandDetail.as_view(), name="brand"),
    path("brands/<slug:slug>/products/", catalogue.ProductList.as_view(), name="products"),
    path("brands/<slug:slug>/threads/", catalogue.BrandThreads.as_view(), name="brand_threads"),
    path("brands/<slug:slug>/inbox/", team.Inbox.as_view(), name="inbox"),
    path("brands/<slug:slug>/feedback/", team.FeedbackItems.as_view(), name="feedback_items"),
    path("threads/<int:pk>/", threads.ThreadDetail.as_view(), name="thread"),
    path("threads/<int:pk>/answers/", threads.ThreadAnswers.as_view(), name="thread_answers"),
    path("threads/<int:pk>/me-too/", threads.ThreadMeToo.as_view(), name="thread_me_too"),
    path("threads/<int:pk>/follow/", follows.ThreadFollow.as_view(), name="thread_follow"),
    path("brands/<slug:slug>/follow/", follows.BrandFollow.as_view(), name="brand_follow"),
    path(
        "brands/<slug:slug>/products/<slug:product_slug>/follow/",
        follows.ProductFollow.as_view(),
        name="product_follow",
    ),
    path("answers/<int:pk>/", threads.AnswerDetail.as_view(), name="answer"),
    path("answers/<int:pk>/accept/", threads.AnswerAccept.as_view(), name="answer_accept"),
    path("answers/<int:pk>/vote/", threads.AnswerVote.as_view(), name="answer_vote"),
    path("feedback/<int:pk>/", team.FeedbackItemDetail.as_view(), name="feedback_item"),
    path("feedback/<int:pk>/status/", team.FeedbackItemStatus.as_view(), name="feedback_status"),
    path("notifications/", members.Notifications.as_view(), name="notifications"),
    path("notifications/read/", members.NotificationsRead.as_view(), name="notifications_read"),
    path("me/", members.Me.as_view(), name="me"),
    # Any other address under /api/v1/ is a problem document too, never the site's page.
    re_path(r"", members.NotFound.as_view(), name="not_found"),
]

urlpatterns = [
    path("api/v1/", include(v1)),
    path("settings/tokens/", pages.tokens, name="tokens"),
    path("settings/tokens/<int:pk>/revoke/", pages.token_revoke, name="token_revoke"),
    path("b/<slug:brand_slug>/api-keys/", pages.brand_keys, name="brand_keys"),
    path(
        "b/<slug:brand_slug>/api-keys/<int:pk>/revoke/",
        pages.brand_key_revoke,
        name="brand_key_revoke",
    ),
]
