"""Wagtail pages: the community home page, the community guidelines, and each brand's home
page with its knowledge articles.

Each bilingual page keeps an English and a Japanese text and shows the one for the reader's
language (falling back to English). A brand's home page holds blocks, which cannot be
doubled field by field: it uses Wagtail's own localisation (WAGTAIL_I18N_ENABLED), a
Japanese translation of the page in the Japanese tree, made from the admin's "Translate"
action (wagtail.contrib.simple_translation) or `themes.services.brand_page_translate`.
Translated pages keep their slugs, so a page has one address in both languages and the
language switch leaves the reader where they are. The Japanese tree needs only the pages
someone translated: `route` falls back to the English page for anything else.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Page
from wagtail.search import index

from .blocks import BRAND_PAGE_BLOCKS


class FallsBackToSourceRoute:
    """A translated page routes to its own children, and to the default language's page's
    children for those nobody translated (the guidelines, a brand's articles)."""

    def route(self, request: HttpRequest, path_components: list[str]):
        try:
            return super().route(request, path_components)
        except Http404:
            source = self.source_page()
            if source is None:
                raise
            return source.route(request, path_components)

    def source_page(self) -> Page | None:
        """The default language's page of which this is a translation (None for that page)."""
        default = Locale.get_default()
        if self.locale_id == default.pk:
            return None
        source = self.get_translation_or_none(default)
        return source.specific if source is not None else None


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


class HomePage(FallsBackToSourceRoute, BilingualPage):
    """The community's front door: what Sodan is, the busiest brands, recently solved."""

    max_count = 1
    subpage_types = ["themes.GuidelinesPage", "themes.BrandIndexPage"]
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


class BrandIndexPage(FallsBackToSourceRoute, Page):
    """The parent of every brand's home page, at /b/. Visitors are sent to the directory.

    Its slug is "b", so each brand page's Wagtail URL is /b/<brand slug>/: the same address
    as the brand's community page, which shows the brand page's blocks above its threads.
    """

    max_count = 1
    is_creatable = False
    parent_page_types = ["themes.HomePage"]
    subpage_types = ["themes.BrandHomePage"]

    class Meta:
        verbose_name = _("brand pages")

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect("brands:directory")


class BrandHomePage(FallsBackToSourceRoute, Page):
    """A brand's home page, edited by its admins in the Wagtail admin.

    Created by `themes.services.brand_page_ensure`, one per brand, never by hand (the
    brand it belongs to is not editable). Its blocks are shown at the top of the brand's
    community page (/b/<slug>/, or "/" on the brand's own domain); its children are the
    brand's knowledge articles at /b/<slug>/articles/<article>/.
    """

    brand = models.ForeignKey(
        "brands.Brand",
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="home_pages",
        help_text=_(
            "Whose page this is. Set when the page is created; never changes. One page per "
            "brand and language: the translations share it."
        ),
    )
    content = StreamField(
        BRAND_PAGE_BLOCKS,
        blank=True,
        verbose_name=_("content"),
        help_text=_(
            "Shown above the community's threads: a hero, announcements, featured threads, "
            "knowledge articles and product links."
        ),
    )

    content_panels = [*Page.content_panels, FieldPanel("content")]
    is_creatable = False
    parent_page_types = ["themes.BrandIndexPage"]
    subpage_types = ["themes.KnowledgeArticlePage"]

    class Meta:
        verbose_name = _("brand home page")

    def clean(self) -> None:
        """Everything a brand page points at must belong to that brand and be public."""
        super().clean()
        if self.brand_id is None:
            return
        # The page's address is the brand's community page: the slug follows the brand.
        self.slug = self.brand.slug
        errors: list[str] = []
        for block in self.content:
            if block.block_type == "featured_threads":
                errors += _foreign_threads(self.brand, block.value["threads"])
            elif block.block_type == "products":
                errors += [
                    str(_("%(product)s is not a product of %(brand)s."))
                    % {"product": product.name, "brand": self.brand.name}
                    for product in block.value["products"]
                    if product is not None and product.brand_id != self.brand_id
                ]
            elif block.block_type == "knowledge_articles" and self.pk:
                # A translation lists the articles of the page it translates, or its own.
                homes = [self, *filter(None, [self.source_page()])]
                errors += [
                    str(_("“%(title)s” is not one of %(brand)s's knowledge articles."))
                    % {"title": article.title, "brand": self.brand.name}
                    for article in block.value["articles"]
                    if article is not None
                    and not any(article.is_descendant_of(home) for home in homes)
                ]
        if errors:
            raise ValidationError({"content": errors})

    def route(self, request: HttpRequest, path_components: list[str]):
        """Knowledge articles live under articles/: /b/<brand>/articles/<article>/."""
        if not path_components:
            return Page.route(self, request, path_components)
        if path_components[0] == "articles" and len(path_components) > 1:
            try:
                return Page.route(self, request, path_components[1:])
            except Http404:
                source = self.source_page()  # an article not translated: the original
                if source is None:
                    raise
                return source.route(request, path_components)
        raise Http404

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "is_preview", False):
            return super().serve(request, *args, **kwargs)
        if self.brand is None:
            raise Http404
        # The community page (a Q&A view) shows these blocks; it owns the address.
        return redirect(self.brand.get_absolute_url())

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["brand"] = self.brand
        return context


def _foreign_threads(brand, threads) -> list[str]:
    return [
        str(_("“%(title)s” is not a public thread of %(brand)s."))
        % {"title": thread.title, "brand": brand.name}
        for thread in threads
        if thread is not None
        and (
            thread.brand_id != brand.pk
            or thread.visibility != "published"
            or thread.duplicate_of_id is not None
        )
    ]


class KnowledgeArticlePage(BilingualPage):
    """A brand's how-to or reference article; found by search together with the threads."""

    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences, shown in lists, search results and the widget."),
    )

    content_panels = [*BilingualPage.content_panels, FieldPanel("summary")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("title_ja"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("body_ja"),
    ]
    parent_page_types = ["themes.BrandHomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")

    def get_url_parts(self, request: HttpRequest | None = None):
        parts = super().get_url_parts(request=request)
        if not parts or parts[2] is None:
            return parts
        site_id, root_url, page_path = parts
        parent_path, _slash, slug = page_path.rstrip("/").rpartition("/")
        return site_id, root_url, f"{parent_path}/articles/{slug}/"

    def brand_page(self) -> BrandHomePage | None:
        return (
            BrandHomePage.objects.ancestor_of(self).select_related("brand").first()
            if self.pk
            else None
        )

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        brand_page = self.brand_page()
        site = getattr(request, "brand_site", None)
        if brand_page is None or brand_page.brand is None:
            raise Http404
        if site is not None and site.brand.pk != brand_page.brand_id:
            raise Http404  # another brand's article is never served on a brand's domain
        request._sodan_brand_page = brand_page
        return super().serve(request, *args, **kwargs)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict:
        context = super().get_context(request, *args, **kwargs)
        brand_page = getattr(request, "_sodan_brand_page", None) or self.brand_page()
        context["brand_page"] = brand_page
        context["brand"] = brand_page.brand if brand_page else None
        context["ask_url"] = (
            reverse("qa:ask", args=[brand_page.brand.slug])
            if brand_page and brand_page.brand
            else ""
        )
        return context
