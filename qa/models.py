"""Threads, answers, helpful votes, me-too, subscriptions and revisions.

Counters (answers, helpful votes, me-too) are denormalised for the pages that list them
and are only ever changed by qa/services.py with F() expressions inside the transaction
that inserts or deletes the row they count; unique constraints make "one per person" a
database fact, not a hope.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from community.addresses import quoted, split_at_marks

if TYPE_CHECKING:
    from brands.models import Brand
    from community.models import User


# --- A thread's address -----------------------------------------------------------------------

_PK_MARK, _SLUG_MARK = 918_273_645, "slug-mark"
# The address around a thread's id and slug, per URLconf (a brand's own domain has its own)
# and script prefix: what reverse("qa:thread") returns with the marks in their place.
_thread_url_around: dict[tuple[str | None, str], tuple[str, ...]] = {}


def thread_url(pk: int, slug: str) -> str:
    """`reverse("qa:thread", kwargs={"pk": pk, "slug": slug})`, the same text, at a fraction
    of its cost: every row of a list and every thread page asks it, and reverse() matches
    and quotes the whole pattern each time (about 30 µs). The pattern is reversed once per
    URLconf and script prefix with marks for the id and the slug (community.addresses);
    the slug is quoted as reverse() quotes it, and kept. A slug reverse() would refuse
    (empty, or with a slash) goes through reverse() itself."""
    if pk is None or not slug or "/" in slug:
        return reverse("qa:thread", kwargs={"pk": pk, "slug": slug})
    key = (get_urlconf(), get_script_prefix())
    around = _thread_url_around.get(key)
    if around is None:
        marks = {"pk": _PK_MARK, "slug": _SLUG_MARK}
        around = _thread_url_around[key] = split_at_marks("qa:thread", marks)
    head, middle, tail = around
    return f"{head}{int(pk)}{middle}{quoted(slug)}{tail}"


@receiver(setting_changed)
def _forget_thread_urls(**kwargs: object) -> None:
    """The URLconf may have changed (tests only: settings are fixed while serving)."""
    _thread_url_around.clear()


class Visibility(models.TextChoices):
    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden pending review")
    DELETED = "deleted", _("Deleted")


class ThreadQuerySet(models.QuerySet["Thread"]):
    def for_brand(self, brand: Brand) -> ThreadQuerySet:
        return self.filter(brand=brand)

    def visible(self) -> ThreadQuerySet:
        return self.filter(visibility=Visibility.PUBLISHED)

    def listed(self) -> ThreadQuerySet:
        """What lists and counts show: published, and not closed as a duplicate."""
        return self.filter(visibility=Visibility.PUBLISHED, duplicate_of__isnull=True)

    def visible_to(self, user: User | None) -> ThreadQuerySet:
        """Published threads, plus the viewer's own hidden ones (they see why)."""
        if user is not None and user.is_authenticated:
            return self.filter(
                models.Q(visibility=Visibility.PUBLISHED)
                | models.Q(author=user, visibility=Visibility.HIDDEN)
            )
        return self.visible()

    def unanswered(self) -> ThreadQuerySet:
        return self.filter(answer_count=0)

    def with_list_relations(self) -> ThreadQuerySet:
        return self.select_related("brand", "product", "author")


class Thread(models.Model):
    class Type(models.TextChoices):
        QUESTION = "question", _("Question")
        PROBLEM = "problem", _("Problem")
        IDEA = "idea", _("Idea")
        PRAISE = "praise", _("Praise")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        SOLVED = "solved", _("Solved")

    class Channel(models.TextChoices):
        WEB = "web", _("Web")
        EMAIL = "email", _("E-mail")
        LINE = "line", _("LINE")
        API = "api", _("API")

    brand = models.ForeignKey(
        "brands.Brand", on_delete=models.PROTECT, related_name="threads", help_text=_("Scope.")
    )
    product = models.ForeignKey(
        "brands.Product",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="threads",
        help_text=_("Optional: which of the brand's products this is about."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="threads"
    )
    type = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.QUESTION)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=200, allow_unicode=True, blank=True)
    body = models.TextField(_("details"), help_text=_("Markdown source, as the author wrote it."))
    body_html = models.TextField(help_text=_("Sanitized HTML rendered from body at save time."))
    excerpt = models.CharField(max_length=300, blank=True, help_text=_("Plain text for lists."))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    channel = models.CharField(
        _("channel"),
        max_length=10,
        choices=Channel.choices,
        default=Channel.WEB,
        help_text=_("Where the thread was started: the brand's reports count by channel."),
    )
    view_count = models.PositiveIntegerField(
        default=0,
        help_text=_(
            "Readers' page views, tallied in memory and added in batches (qa/view_counts.py): "
            "an estimate for the brand's deflection report."
        ),
    )
    version = models.ForeignKey(
        "brands.ProductVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="threads",
        help_text=_("Optional: the product version this is about."),
    )
    accepted_answer = models.ForeignKey(
        "qa.Answer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    locked_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Set by a moderator: no new answers while locked.")
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        help_text=_("Closed as a duplicate of this thread; visitors are redirected there."),
    )
    answer_count = models.PositiveIntegerField(default=0)
    me_too_count = models.PositiveIntegerField(default=0)
    fixed_for_count = models.PositiveIntegerField(
        default=0,
        help_text=_(
            "People who pressed me too and then confirmed an answer fixed it for them "
            '(follows\' follow-ups): shown as "fixed for n of m", m being me_too_count.'
        ),
    )
    follow_up_silent_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_(
            'When the asker left the "is it solved?" follow-up unanswered: the brand\'s '
            "inbox can list these. Never accepts anything by itself."
        ),
    )
    revision_count = models.PositiveIntegerField(default=1)
    has_cases = models.BooleanField(
        default=False,
        help_text=_(
            "Set when a private case is opened on the thread (cases.services.case_open): its "
            "page asks for the cases' markers only then."
        ),
    )
    visibility = models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.PUBLISHED
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(auto_now_add=True)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["brand", "visibility", "-created_at"], name="thread_brand_new"),
            models.Index(
                fields=["brand", "visibility", "-me_too_count"], name="thread_brand_metoo"
            ),
            models.Index(fields=["brand", "visibility", "status"], name="thread_brand_status"),
            models.Index(fields=["author", "-created_at"], name="thread_author"),
            # What a brand's list shows and counts (ThreadQuerySet.listed): the page count
            # becomes an index-only scan instead of reading every thread of a big brand.
            models.Index(
                fields=["brand", "-created_at"],
                condition=models.Q(visibility="published", duplicate_of__isnull=True),
                name="thread_brand_listed",
            ),
        ]
        verbose_name = _("thread")
        verbose_name_plural = _("threads")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.title, allow_unicode=True)[:200] or "thread"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return thread_url(self.pk, self.slug or "thread")

    @property
    def is_solved(self) -> bool:
        return self.status == self.Status.SOLVED


class AnswerQuerySet(models.QuerySet["Answer"]):
    def visible(self) -> AnswerQuerySet:
        return self.filter(visibility=Visibility.PUBLISHED)

    def visible_to(self, user: User | None) -> AnswerQuerySet:
        """Published answers, plus the viewer's own hidden ones (they see why)."""
        if user is not None and user.is_authenticated:
            return self.filter(
                models.Q(visibility=Visibility.PUBLISHED)
                | models.Q(author=user, visibility=Visibility.HIDDEN)
            )
        return self.visible()

    def in_reading_order(self, *, after: tuple = ()) -> AnswerQuerySet:
        """The accepted answer first, then verified ones, then by helpful votes (`after`
        what comes before all of these: qa.selectors.in_page_order's pinned answers)."""
        return self.order_by(
            *after,
            models.F("accepted_at").desc(nulls_last=True),
            models.F("verified_at").desc(nulls_last=True),
            "-helpful_count",
            "created_at",
            "id",
        )


class Answer(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="answers"
    )
    body = models.TextField(_("answer"), help_text=_("Markdown source, as the author wrote it."))
    body_html = models.TextField(help_text=_("Sanitized HTML rendered from body at save time."))
    helpful_count = models.PositiveIntegerField(default=0)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who accepted it: the asker, or a moderator."),
    )
    is_official = models.BooleanField(
        default=False,
        help_text=_(
            "Written by a rep or admin of the thread's brand, as they were when they wrote it; "
            "stays true if they later leave the brand, and follows official_for if a "
            "moderator moves the thread to another brand."
        ),
    )
    official_for = models.ForeignKey(
        "brands.Brand",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "The brand the author spoke for when they wrote it (the badge names it); empty "
            "for a customer's answer. Never changes, not even when the thread is moved."
        ),
    )
    endorsed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("A rep recommended this answer for the brand.")
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(
        null=True, blank=True, help_text=_("A moderator stated that this answer is accurate.")
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revision_count = models.PositiveIntegerField(default=1)
    visibility = models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.PUBLISHED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["thread", "visibility"], name="answer_thread"),
            models.Index(fields=["author", "-created_at"], name="answer_author"),
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"Answer {self.pk} to {self.thread_id}"

    def get_absolute_url(self) -> str:
        """The answer on the page of its thread that shows it (`?page=n` past the first):
        no query for a thread of one page, else one (qa.selectors.answer_page_number)."""
        from .selectors import answer_page_number  # selectors read these models

        page = answer_page_number(self)
        query = f"?page={page}" if page > 1 else ""
        return f"{self.thread.get_absolute_url()}{query}#answer-{self.pk}"

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None

    @property
    def is_endorsed(self) -> bool:
        return self.endorsed_at is not None

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class HelpfulVote(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="helpful_votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helpful_votes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "user"], name="one_helpful_vote_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} found answer {self.answer_id} helpful"


class MeToo(models.Model):
    """ "Me too" on a thread: one per person; the cohort fields are optional."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="me_toos")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="me_toos"
    )
    version = models.CharField(max_length=50, blank=True, help_text=_("Product version used."))
    platform = models.CharField(max_length=50, blank=True, help_text=_("Platform or device."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="one_me_too_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} has thread {self.thread_id} too"


class ThreadSubscription(models.Model):
    """Who hears about new answers in a thread: the asker, me-too-ers, answerers and those
    who pressed Follow; a muted row is someone who asked to hear nothing more (the follows
    app reads and writes these: follows/README.md)."""

    class Reason(models.TextChoices):
        """Why the person follows: the notification e-mails say it."""

        ASKED = "asked", _("you asked this question")
        ME_TOO = "me_too", _("you pressed Me too")
        ANSWERED = "answered", _("you answered")
        FOLLOWED = "followed", _("you follow this thread")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="subscriptions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_subscriptions"
    )
    reason = models.CharField(
        max_length=20,
        choices=Reason.choices,
        default=Reason.FOLLOWED,
        help_text=_("How the person came to follow: the first reason is kept."),
    )
    muted = models.BooleanField(
        default=False,
        help_text=_(
            "Muted: no notification of this thread at all, even for someone who asked or "
            "answered; taking part again does not undo it."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="one_subscription_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows thread {self.thread_id}"


class Revision(models.Model):
    """Every saved version of a thread's question or of an answer, numbered from 1."""

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, null=True, blank=True, related_name="revisions"
    )
    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="revisions"
    )
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200, blank=True, help_text=_("Threads only."))
    body = models.TextField()
    body_html = models.TextField()
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Whose suggested edit this version is, when its editor accepted one."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(thread__isnull=False, answer__isnull=True)
                    | models.Q(thread__isnull=True, answer__isnull=False)
                ),
                name="revision_of_thread_xor_answer",
            ),
            models.UniqueConstraint(
                fields=["thread", "number"],
                condition=models.Q(thread__isnull=False),
                name="thread_revision_number_unique",
            ),
            models.UniqueConstraint(
                fields=["answer", "number"],
                condition=models.Q(answer__isnull=False),
                name="answer_revision_number_unique",
            ),
        ]

    def __str__(self) -> str:
        subject = f"thread {self.thread_id}" if self.thread_id else f"answer {self.answer_id}"
        return f"Version {self.number} of {subject}"


class PostSubmission(models.Model):
    """The post a form submission created, by the form's one-time token.

    A person whose request timed out (or whose worker died) sends the same form again; the
    token it carries was recorded with the post in the transaction that saved it, so the
    retry finds that post instead of making a second one. A token counts only for the
    person who submitted it.
    """

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(
        max_length=64, help_text=_("The random token the form carried when it was shown.")
    )
    thread = models.ForeignKey(
        Thread,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The thread the submission created (ask form)."),
    )
    answer = models.ForeignKey(
        Answer,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The answer the submission created (answer form)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["author", "token"], name="one_post_per_form_token")
        ]
        verbose_name = _("post submission")
        verbose_name_plural = _("post submissions")

    def __str__(self) -> str:
        return f"Submission {self.token[:8]}… by {self.author_id}"

    @property
    def post(self) -> Thread | Answer | None:
        return self.thread if self.thread_id else self.answer


class SuggestedEdit(models.Model):
    """A better text for someone else's answer, offered by a member with standing in the
    thread's brand (reputation level 4), which the answer's author or a neutral moderator
    accepts (a new revision, crediting the suggester) or declines."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, related_name="suggested_edits", help_text=_("The answer.")
    )
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Who suggested the edit."),
    )
    body = models.TextField(help_text=_("The whole suggested text, in Markdown."))
    reason = models.CharField(max_length=200, help_text=_("What the edit improves, in short."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who accepted or declined it."),
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "suggested_by"],
                condition=models.Q(status="pending"),
                name="one_pending_suggested_edit_per_person",
            )
        ]
        verbose_name = _("suggested edit")
        verbose_name_plural = _("suggested edits")

    def __str__(self) -> str:
        return f"Suggested edit of answer {self.answer_id} by {self.suggested_by_id}"
