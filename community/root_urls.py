"""Root URLs. Wagtail's page tree serves everything not matched before it (home,
guidelines), so it comes last. The Q&A pages come first: they are most of the traffic,
and none of their patterns overlaps another app's (each of those has a segment more)."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

urlpatterns = [
    path("", include("qa.urls")),  # threads and brand thread lists
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("brands.urls")),  # brands/, b/<slug>/claim/, staff/claims/, …
    path("", include("feedback.urls")),  # b/<slug>/feedback/, integrations, feedback e-mails
    path("", include("line.urls")),  # line/webhook/<slug>/, the chat's links, b/<slug>/line/…
    path("", include("cases.urls")),  # cases/, t/<pk>/-/private-case/, the helpdesk's inbound
    path("", include("mailin.urls")),  # mail/…: replies by e-mail, b/<slug>/integrations/mail/
    path("", include("community.urls")),
    path("", include("privacy.urls")),  # settings/privacy/…, b/<slug>/disclosure/
    path("", include("legal.urls")),  # removal requests, transparency (before moderation's)
    path("", include("moderation.urls")),
    path("", include("search.urls")),
    path("", include("themes.urls")),  # theme, domains, widget, sitemaps
    path("", include("api.urls")),  # /api/v1/, settings/tokens/, b/<slug>/api-keys/
    path("", include("sso.urls")),  # b/<slug>/sso/, accounts/company/: company sign-on
    path("", include("attachments.urls")),  # files/<pk>/: images in posts, by their rule
    path("", include("reputation.urls")),  # b/<slug>/contributors/: top contributors
    path("", include("knowledge.urls")),  # t/<pk>/-/article/: a solved thread's article
    path("", include("follows.urls")),  # follow/…, following/, solved/<token>/: follow-ups
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

if settings.SODAN_BENCH_FLOOR:
    # The benchmark's floor: Django's own cost for a page of the thread page's size.
    from bench.floor import floor

    urlpatterns.insert(0, path("_bench/floor/", floor, name="bench_floor"))

urlpatterns.append(path("", include(wagtail_urls)))

# Sodan's own 500 page, with the request (language, brand look, search): themes/error_pages.py.
handler500 = "themes.error_pages.server_error"
