"""The link between a solved thread and the knowledge article made from it.

The article itself is the brand's Wagtail page (themes.KnowledgeArticlePage, under the
brand's home page, bilingual as every brand page is); this row says which thread it came
from, who is credited, which product release it speaks of, and whether a newer release
may have made it outdated, as endorsed answers are marked."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ThreadArticleQuerySet(models.QuerySet):
    def for_brand(self, brand: object) -> ThreadArticleQuerySet:
        return self.filter(brand=brand)


class ThreadArticle(models.Model):
    thread = models.OneToOneField(
        "qa.Thread",
        on_delete=models.CASCADE,
        related_name="knowledge_article",
        help_text=_("The accepted and verified thread the article was made from."),
    )
    article = models.OneToOneField(
        "themes.KnowledgeArticlePage",
        on_delete=models.CASCADE,
        related_name="source",
        help_text=_("The brand's knowledge article (a Wagtail page)."),
    )
    brand = models.ForeignKey(
        "brands.Brand", on_delete=models.CASCADE, related_name="+", help_text=_("Scope.")
    )
    version = models.ForeignKey(
        "brands.ProductVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The product release the thread was about, carried over."),
    )
    outdated_for = models.ForeignKey(
        "brands.ProductVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A newer release since the article was written: it may be outdated."),
    )
    contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="knowledge_credits",
        blank=True,
        help_text=_("The asker and the authors of the answers it was made from."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        help_text=_("The brand editor who made it."),
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text=_("When."))

    objects = ThreadArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article from a thread")
        verbose_name_plural = _("articles from threads")

    def __str__(self) -> str:
        return f"thread {self.thread_id} → page {self.article_id}"
