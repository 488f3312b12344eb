"""Solved threads become knowledge articles; releases mark them "may be outdated".

`article_from_thread` makes, in one step, a draft (or published) themes.KnowledgeArticlePage
under the brand's page from the question and its accepted and verified answers: their
stored HTML passes the sanitizer again, everyone whose words it uses is credited by name,
and the thread's product release is carried over so the next release of that product marks
the article as endorsements are marked (brands.services.version_publish calls
`articles_mark_outdated`). The thread page links to the article and the article back.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.html import escape, format_html
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Page

from brands.models import Product, ProductVersion
from community import page_cache
from moderation.sanitize import clean_html
from moderation.services import audit_log_record
from qa.models import Answer, Thread, Visibility
from themes.models import KnowledgeArticlePage
from themes.services import brand_page_ensure

from .models import ThreadArticle
from .permissions import check_can_make_article


def _source_answers(thread: Thread) -> list[Answer]:
    """The accepted answer first, then the other verified ones, as published."""
    answers = list(
        Answer.objects.filter(thread=thread, visibility=Visibility.PUBLISHED)
        .filter(Q(pk=thread.accepted_answer_id) | Q(verified_at__isnull=False))
        .select_related("author")
        .order_by("created_at")
    )
    answers.sort(key=lambda a: a.pk != thread.accepted_answer_id)
    return answers


def _check_ready(thread: Thread, answers: list[Answer]) -> None:
    if hasattr(thread, "knowledge_article"):
        raise ValidationError(_("This thread is already a knowledge article."))
    if thread.visibility != Visibility.PUBLISHED:
        raise ValidationError(_("Only a public thread becomes a knowledge article."))
    if not thread.accepted_answer_id or not any(a.pk == thread.accepted_answer_id for a in answers):
        raise ValidationError(_("The thread needs an accepted answer first."))
    if not any(a.verified_at for a in answers):
        raise ValidationError(_("The thread needs an answer a moderator verified first."))


def _article_body(thread: Thread, answers: list[Answer], contributors: list[Any]) -> str:
    parts = [format_html("<h2>{}</h2>", _("The question")), thread.body_html]
    for answer in answers:
        if answer.pk == thread.accepted_answer_id:
            heading = _("The accepted answer, by %(name)s") % {"name": answer.author.public_name}
        else:
            heading = _("A verified answer, by %(name)s") % {"name": answer.author.public_name}
        parts += [format_html("<h2>{}</h2>", heading), answer.body_html]
    names = ", ".join(escape(person.public_name) for person in contributors)
    parts.append(format_html("<p>{} {}</p>", _("Written with the community:"), names))
    parts.append(
        format_html(
            '<p>{} <a href="{}">{}</a></p>',
            _("From the community thread:"),
            thread.get_absolute_url(),
            thread.title,
        )
    )
    return clean_html("".join(str(part) for part in parts))


@transaction.atomic
def article_from_thread(*, actor: Any, thread: Thread, publish: bool = False) -> ThreadArticle:
    """Make the brand's knowledge article from an accepted and verified thread."""
    check_can_make_article(actor, thread)
    thread = Thread.objects.select_for_update().select_related("brand", "author").get(pk=thread.pk)
    answers = _source_answers(thread)
    _check_ready(thread, answers)
    contributors: list[Any] = []
    for person in [thread.author, *(a.author for a in answers)]:
        if person.pk not in {c.pk for c in contributors}:
            contributors.append(person)
    home = Page.objects.get(pk=brand_page_ensure(thread.brand).pk)
    slug = slugify(thread.slug or thread.title)[:60] or "article"
    slug = f"{slug}-{thread.pk}"
    page = home.add_child(
        instance=KnowledgeArticlePage(
            title=thread.title,
            slug=slug,
            summary=thread.excerpt[:300],
            body=_article_body(thread, answers, contributors),
            live=False,
        )
    )
    revision = page.save_revision(user=actor)
    if publish:
        # Our rule (knowledge.permissions) decided; the brand's Wagtail group may lag it.
        revision.publish(user=actor, skip_permission_checks=True)
    link = ThreadArticle.objects.create(
        thread=thread,
        article=page,
        brand=thread.brand,
        version=thread.version,
        created_by=actor,
    )
    link.contributors.set(contributors)
    audit_log_record(
        actor=actor,
        action="thread.knowledge_article",
        target=thread,
        brand=thread.brand,
        data={"article": page.pk, "published": publish},
    )
    page_cache.thread_changed(thread.pk)  # the thread links to its article
    return link


def articles_mark_outdated(*, product: Product, version: ProductVersion) -> list[int]:
    """A release of `product` came out: articles about an older release of it "may be
    outdated for <release>". Returns the threads whose pages show it, for the caller to
    drop with the release's other pages. Called inside brands.services.version_publish's
    transaction."""
    older = (
        ThreadArticle.objects.filter(version__product=product, outdated_for__isnull=True)
        .exclude(version=version)
        .filter(
            Q(version__released_at__lt=version.released_at) | Q(version__released_at__isnull=True)
        )
    )
    thread_ids = list(older.values_list("thread_id", flat=True))
    ThreadArticle.objects.filter(thread_id__in=thread_ids).update(outdated_for=version)
    return thread_ids
