"""URLs on a brand's own domain (request.urlconf, set by themes.middleware): the brand's
page at "/", its sitemap and robots.txt, then everything Sodan serves (the middleware
keeps other brands' content out)."""

from django.urls import path

from community.root_urls import handler500  # noqa: F401 - a brand's domain has the same page
from community.root_urls import urlpatterns as root_urlpatterns

from .views import site

urlpatterns = [
    path("", site.brand_site_home, name="brand_site_home"),
    path("sitemap.xml", site.brand_site_sitemap, name="brand_site_sitemap"),
    path("robots.txt", site.robots, name="brand_site_robots"),
    *root_urlpatterns,
]
