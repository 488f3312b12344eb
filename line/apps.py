from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LineConfig(AppConfig):
    name = "line"
    # allauth's LINE sign-in provider already holds the label "line".
    label = "line_channel"
    verbose_name = _("LINE")
