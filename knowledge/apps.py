from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Knowledge articles from solved threads")

    def ready(self) -> None:
        from wagtail.signals import page_published, page_unpublished

        from themes.models import KnowledgeArticlePage

        from .signals import article_published_or_unpublished

        for signal in (page_published, page_unpublished):
            signal.connect(
                article_published_or_unpublished,
                sender=KnowledgeArticlePage,
                dispatch_uid=f"knowledge-thread-link-{signal is page_published}",
            )
