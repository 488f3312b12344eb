from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowsConfig(AppConfig):
    name = "follows"
    verbose_name = _("Follows and follow-ups")

    def ready(self) -> None:
        from . import facts  # noqa: F401  (declares the viewer's follow facts)
