from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Members")

    def ready(self) -> None:
        from . import (
            facts,  # noqa: F401 (declares this app's viewer facts)
            pg_timestamps,  # noqa: F401 (reads timestamps with psycopg's parser)
        )
