"""Wagtail pages: the community home page and the community guidelines.

Each page keeps an English and a Japanese text and shows the one for the reader's
language (falling back to English), which is all two languages need; Wagtail's full
page-tree localisation would double every page for no gain here.
"""

from __future__ import annotations

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class BilingualPage(Page):
    body = RichTextField(_("text (English)"), blank=True)
    body_ja = RichTextField(_("text (Japanese)"), blank=True)
    title_ja = models.CharField(_("title (Japanese)"), max_length=255, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("body"),
        FieldPanel("title_ja"),
        FieldPanel("body_ja"),
    ]

    class Meta:
        abstract = True

    @property
    def localized_title(self) -> str:
        if (translation.get_language() or "").startswith("ja") and self.title_ja:
            return self.title_ja
        return self.title

    @property
    def localized_body(self) -> str:
        if (translation.get_language() or "").startswith("ja") and self.body_ja:
            return self.body_ja
        return self.body


class HomePage(BilingualPage):
    """The community's front door: what Sodan is, the busiest brands, recently solved."""

    max_count = 1
    subpage_types = ["themes.GuidelinesPage"]
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("community home page")

    def get_context(self, request, *args, **kwargs):
        from brands.models import Brand
        from qa.models import Thread

        context = super().get_context(request, *args, **kwargs)
        context["brands"] = Brand.objects.order_by("-thread_count", "name")[:12]
        context["solved"] = (
            Thread.objects.listed()
            .filter(status=Thread.Status.SOLVED)
            .select_related("brand", "author")
            .order_by("-last_activity_at")[:8]
        )
        context["guidelines"] = GuidelinesPage.objects.live().first()
        return context


class GuidelinesPage(BilingualPage):
    """How we treat each other here; editable by staff in the Wagtail admin."""

    parent_page_types = ["themes.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("community guidelines page")
