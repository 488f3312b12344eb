"""The blocks of a brand's home page (a Wagtail StreamField).

Featured threads and product links store ids of Sodan's own Q&A rows, picked with choosers
that list only the editor's own brands (`themes/choosers.py`); the page refuses, on save,
anything that belongs to another brand or is not public (`BrandHomePage.clean`), and the
page shows only threads that are still public when it is rendered.
"""

from __future__ import annotations

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

# Rich text in announcements: enough to say what changed and link to it.
ANNOUNCEMENT_FEATURES = ["bold", "italic", "link", "ul", "ol"]


class ThreadChooserBlock(blocks.ChooserBlock):
    target_model = "qa.Thread"

    @cached_property
    def widget(self):
        from themes.choosers import thread_chooser_viewset

        return thread_chooser_viewset.widget_class()

    def bulk_to_python(self, values):
        # The brand page shows title, status and answers; one query for the whole list.
        from qa.models import Thread

        found = Thread.objects.only(
            "id", "brand_id", "title", "slug", "status", "answer_count", "visibility",
            "duplicate_of_id",
        ).in_bulk(values)  # fmt: skip
        return [found.get(value) for value in values]

    class Meta:
        icon = "help"


class ProductChooserBlock(blocks.ChooserBlock):
    target_model = "brands.Product"

    @cached_property
    def widget(self):
        from themes.choosers import product_chooser_viewset

        return product_chooser_viewset.widget_class()

    class Meta:
        icon = "tag"


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=120)
    text = blocks.TextBlock(label=_("text"), required=False, max_length=400)
    image = ImageChooserBlock(label=_("image"), required=False)
    button_label = blocks.CharBlock(label=_("button label"), required=False, max_length=40)
    button_url = blocks.URLBlock(
        label=_("button link"),
        required=False,
        help_text=_("Leave empty to link the button to “Ask the community”."),
    )

    class Meta:
        icon = "title"
        label = _("Hero")
        template = "themes/blocks/hero.html"


class AnnouncementBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=120)
    text = blocks.RichTextBlock(label=_("text"), features=ANNOUNCEMENT_FEATURES)
    date = blocks.DateBlock(label=_("date"), required=False)
    important = blocks.BooleanBlock(
        label=_("important"), required=False, help_text=_("Shown highlighted, e.g. an outage.")
    )

    class Meta:
        icon = "warning"
        label = _("Announcement")
        template = "themes/blocks/announcement.html"


class FeaturedThreadsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=80, default=_("Featured threads"))
    threads = blocks.ListBlock(
        ThreadChooserBlock(label=_("thread")), label=_("threads"), min_num=1, max_num=10
    )

    class Meta:
        icon = "list-ul"
        label = _("Featured threads")
        template = "themes/blocks/featured_threads.html"


class KnowledgeArticlesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=80, default=_("Knowledge base"))
    articles = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="themes.KnowledgeArticlePage", label=_("article")),
        label=_("articles"),
        min_num=1,
        max_num=12,
    )

    class Meta:
        icon = "doc-full"
        label = _("Knowledge articles")
        template = "themes/blocks/knowledge_articles.html"


class ProductLinksBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=80, default=_("Products"))
    products = blocks.ListBlock(
        ProductChooserBlock(label=_("product")), label=_("products"), min_num=1, max_num=20
    )

    class Meta:
        icon = "tag"
        label = _("Product links")
        template = "themes/blocks/products.html"


BRAND_PAGE_BLOCKS = [
    ("hero", HeroBlock()),
    ("announcement", AnnouncementBlock()),
    ("featured_threads", FeaturedThreadsBlock()),
    ("knowledge_articles", KnowledgeArticlesBlock()),
    ("products", ProductLinksBlock()),
]
