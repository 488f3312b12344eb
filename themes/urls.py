from django.urls import path

from .views import app, settings, site, widget

app_name = "themes"

urlpatterns = [
    path("b/<slug:brand_slug>/theme/", settings.theme_edit, name="theme"),
    path("b/<slug:brand_slug>/theme/publish/", settings.theme_publish, name="theme_publish"),
    path("b/<slug:brand_slug>/theme/page/", settings.brand_page_setup, name="brand_page_setup"),
    path("b/<slug:brand_slug>/domains/", settings.domains, name="domains"),
    path("b/<slug:brand_slug>/domains/<int:pk>/check/", settings.domain_check, name="domain_check"),
    path(
        "b/<slug:brand_slug>/domains/<int:pk>/remove/",
        settings.domain_remove,
        name="domain_remove",
    ),
    path("b/<slug:brand_slug>/widget/", settings.widget_settings, name="widget_settings"),
    path(
        "b/<slug:brand_slug>/widget/sites/<int:pk>/remove/",
        settings.widget_origin_remove,
        name="widget_origin_remove",
    ),
    path("b/<slug:brand_slug>/sitemap.xml", site.brand_sitemap, name="brand_sitemap"),
    path("widget/<slug:brand_slug>.js", widget.widget_script, name="widget_script"),
    path("widget/<slug:brand_slug>/data.json", widget.widget_data, name="widget_data"),
    path("sitemap.xml", site.sitemap_index, name="sitemap_index"),
    path("robots.txt", site.robots, name="robots"),
    # The installable app, from the root: a service worker controls only what is under it.
    path("favicon.ico", app.favicon, name="favicon"),
    path("manifest.webmanifest", app.manifest, name="manifest"),
    path("sw.js", app.service_worker, name="service_worker"),
    path("offline/", app.offline, name="offline"),
]
