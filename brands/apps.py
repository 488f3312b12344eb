from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrandsConfig(AppConfig):
    name = "brands"
    verbose_name = _("Brands")

    def ready(self) -> None:
        from . import facts  # noqa: F401 (declares this app's viewer facts)
