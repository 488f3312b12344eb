"""Reads for the thread page, the article page and the search page's knowledge box."""

from __future__ import annotations

from typing import Any

from django.db import connections, router

from .models import ThreadArticle


def article_of_thread(thread: Any) -> ThreadArticle | None:
    """The live article made from this thread, for its link. Only a solved thread with a
    verified answer can have one, so other threads' pages never ask (query counts stay)."""
    if not thread.accepted_answer_id:
        return None
    return (
        ThreadArticle.objects.filter(thread_id=thread.pk, article__live=True)
        .select_related("article", "outdated_for")
        .first()
    )


def source_of_article(page: Any) -> ThreadArticle | None:
    """The thread an article came from, its credits and its "may be outdated" mark."""
    return (
        ThreadArticle.objects.filter(article_id=page.pk)
        .select_related("thread", "version__product", "outdated_for")
        .prefetch_related("contributors")
        .first()
    )


def articles_may_match(brand_id: int | None) -> bool:
    """Whether any live knowledge article is in the search page's scope: anywhere, or under
    the brand's home page. One indexed query; when it says no, the knowledge box's own
    search (themes.selectors.knowledge_search, which asks for the brand's home page, builds
    Wagtail's queryset and then asks whether it holds anything) would find nothing, so the
    search page leaves the box out. Most brands have no articles (at tier M none has), and
    that box was about 1.3 ms of every search. Never no when the box could show one: any
    live article of the scope is enough, its words are not looked at."""
    from wagtail.models import Page

    from themes.models import BrandHomePage, KnowledgeArticlePage

    alias = router.db_for_read(Page)
    quote = connections[alias].ops.quote_name
    pages = quote(Page._meta.db_table)
    articles = quote(KnowledgeArticlePage._meta.db_table)
    # The models' table names are written in; the brand's id is a parameter.
    sql = (
        f"SELECT 1 FROM {pages} p JOIN {articles} k"  # noqa: S608
        " ON k.page_ptr_id = p.id WHERE p.live"
    )
    params: list[Any] = []
    if brand_id is not None:
        # The brand's home page as knowledge_search finds it (the first by path); a path
        # holds only letters and digits, so it is a plain prefix for LIKE.
        sql += (
            f" AND p.path LIKE (SELECT h.path || '%%' FROM {pages} h"  # noqa: S608
            f" JOIN {quote(BrandHomePage._meta.db_table)} b ON b.page_ptr_id = h.id"
            " WHERE b.brand_id = %s ORDER BY h.path LIMIT 1)"
        )
        params.append(brand_id)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql + " LIMIT 1", params)
        return cursor.fetchone() is not None
