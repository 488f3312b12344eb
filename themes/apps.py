from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThemesConfig(AppConfig):
    name = "themes"
    verbose_name = _("Look and pages")

    def ready(self) -> None:
        from wagtail.signals import page_published, page_unpublished

        from .signals import brand_page_changed

        # Cache invalidation only: the rendered blocks on the brand's community page.
        page_published.connect(brand_page_changed, dispatch_uid="themes-brand-page-published")
        page_unpublished.connect(brand_page_changed, dispatch_uid="themes-brand-page-unpublished")
