from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "sso"
    verbose_name = _("Company single sign-on")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 (sign-ins through a brand's provider)
