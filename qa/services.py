"""Every write to threads and answers goes through here.

Each service checks the rule (qa.permissions), validates, writes inside one transaction,
keeps the denormalised counters with F() expressions next to the row they count, and
enqueues notifications with on_commit so a task never runs before its row exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attachments.images import PreparedImage
from attachments.services import attachments_store
from brands import permissions as brand_permissions
from brands import services as brand_services
from brands.approval_selectors import approval_needed
from brands.models import ApprovalRule, Brand, OfficialDraft, Product, ProductVersion
from brands.services import approvals
from community import page_cache
from community import tasks as community_tasks
from community.models import User
from integrations import events
from integrations.services import event_emit
from moderation import services as moderation
from moderation import tasks as moderation_tasks
from moderation.ratelimit import links_allowed, rate_limit_hit
from outbox.services import message_send
from reputation import services as reputation
from search import services as search_services

from . import facts, permissions
from .models import (
    Answer,
    HelpfulVote,
    MeToo,
    PostSubmission,
    Revision,
    SuggestedEdit,
    Thread,
    ThreadSubscription,
)
from .rendering import body_html_link_count, post_text, render_markdown, render_plain_excerpt

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

# Reputation earned by the author of an answer, per brand (reputation/, settings
# SODAN_REPUTATION_POINTS); these are the defaults, kept for the demo loader and old readers.
REPUTATION_HELPFUL_VOTE = 10
REPUTATION_ACCEPTED = 15

# An official draft waits for approvers as text (brands.services.approvals keeps no files).
_DRAFT_IMAGES = gettext_lazy(
    "An answer that waits for approval can't carry images yet: post it without them, and "
    "add them in a reply once it is approved."
)


class AlreadySubmitted(Exception):
    """This form (its token) was already submitted by this person: `post` is what it saved.
    Nothing new was written."""

    def __init__(self, post: Thread | Answer | None) -> None:
        super().__init__("already submitted")
        self.post = post


class EditConflict(Exception):
    """Someone saved a version of the post after the one this edit started from. Nothing
    was saved; `revision` is the current version (its text, who saved it and when), for
    the person to compare with their own."""

    def __init__(self, revision: Revision) -> None:
        super().__init__(_("Someone saved another version while you were editing."))
        self.revision = revision


def _claim_submission(*, author: User, token: str) -> PostSubmission | None:
    """Record the form's token before the post is written, in the post's transaction.

    The unique (author, token) row decides between copies of one submission: a concurrent
    copy waits on it until the first commits, then finds the saved post; if the first
    fails, its row goes with it and the copy goes ahead.
    """
    if not token:
        return None
    if len(token) > 64:
        raise ValueError("A submission token is at most 64 characters.")
    try:
        with transaction.atomic():
            return PostSubmission.objects.create(author=author, token=token)
    except IntegrityError:
        pass
    saved = (
        PostSubmission.objects.filter(author=author, token=token)
        .select_related("thread", "answer__thread")
        .first()
    )
    raise AlreadySubmitted(saved.post if saved else None)


def _edit_already_saved(
    *, post: Thread | Answer, base_revision: int | None, actor: User, title: str | None, body: str
) -> bool:
    """Whether this edit may go ahead on `post` (locked by the caller): True when it is the
    same edit sent twice and already saved, False when the post is still as the form
    found it; raises EditConflict when someone saved a version meanwhile."""
    if base_revision is None or post.revision_count == base_revision:
        return False
    later = post.revisions.filter(number__gt=base_revision, editor=actor, body=body)
    if title is not None:
        later = later.filter(title=title)
    if later.exists():
        return True
    raise EditConflict(post.revisions.select_related("editor").order_by("-number").first())


def _validate_text(*, title: str | None = None, body: str) -> tuple[str | None, str]:
    errors: dict[str, list[str]] = {}
    if title is not None:
        title = post_text(title)
        if not title:
            errors["title"] = [_("Give your thread a title.")]
        elif len(title) > settings.SODAN_MAX_TITLE_CHARS:
            errors["title"] = [
                _("The title is %(length)d characters long; the limit is %(limit)d.")
                % {"length": len(title), "limit": settings.SODAN_MAX_TITLE_CHARS}
            ]
    body = post_text(body)
    if not body:
        errors["body"] = [_("Write something here.")]
    elif len(body) > settings.SODAN_MAX_BODY_CHARS:
        errors["body"] = [
            _("The text is %(length)d characters long; the limit is %(limit)d.")
            % {"length": len(body), "limit": settings.SODAN_MAX_BODY_CHARS}
        ]
    if errors:
        raise ValidationError(errors)
    return title, body


def _check_posting_limits(author: User, body: str, brand: Any = None) -> None:
    """New members may carry only a few links per post; everyone has a posting rate. A
    level in `brand` lifts the new-member limits there (reputation.permissions)."""
    allowed = links_allowed(author, brand)
    if allowed is not None:
        links = body_html_link_count(render_markdown(body))
        if links > allowed:
            raise ValidationError(
                {
                    "body": [
                        _(
                            "New members may include up to %(allowed)d links in a post; this "
                            "one has %(links)d. Remove some, or come back once you have "
                            "taken part a little longer."
                        )
                        % {"allowed": allowed, "links": links}
                    ]
                }
            )
    rate_limit_hit(user=author, action="post", brand=brand)


def _thread_changed(thread_id: int) -> None:
    """The thread's page and its search entry must show this change."""
    page_cache.thread_changed(thread_id)
    search_services.thread_changed(thread_id)


def _thread_row_changed(thread: Thread) -> None:
    """`_thread_changed`, for a change that keeps the thread where it is in its brand's
    plain list (a new answer, a me-too): that list is rendered again only if it shows it."""
    page_cache.thread_row_changed(thread.pk, thread.brand_id)
    search_services.thread_changed(thread.pk)


def _on_commit(task: Callable[..., Any], *args: Any) -> None:
    """An outbox message in this transaction; delivered after commit (outbox.services)."""
    message_send(task, *args)


def _record_moderator_edit(*, actor: User, post: Thread | Answer, reason: str) -> None:
    """A moderator editing someone else's post says why; the author is told."""
    if post.author_id == actor.pk:
        return
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why you edit someone else's post.")]})
    kind = "thread" if isinstance(post, Thread) else "answer"
    entry = moderation.audit_log_record(
        actor=actor, action=f"{kind}.edit", target=post, reason=reason
    )
    _on_commit(moderation_tasks.notify_moderation_action, entry.pk)


def thread_subscribe(
    *, user: User, thread: Thread, reason: str = ThreadSubscription.Reason.FOLLOWED
) -> None:
    """Subscribe to new answers; subscribing twice is a no-op (the first reason stays, and a
    person who muted the thread stays muted: follows/README.md)."""
    ThreadSubscription.objects.get_or_create(thread=thread, user=user, defaults={"reason": reason})


@transaction.atomic
def thread_create(
    *,
    author: User,
    brand: Brand,
    title: str,
    body: str,
    type: str = Thread.Type.QUESTION,
    product: Product | None = None,
    version: ProductVersion | None = None,
    submission_token: str = "",
    channel: str = Thread.Channel.WEB,
    attachments: Sequence[PreparedImage] = (),
) -> Thread:
    """Start a thread. With the ask form's `submission_token`, a second submission of the
    same form by the same person raises AlreadySubmitted with the thread the first saved.
    `attachments`: images the ask form prepared (attachments.forms), stored with it."""
    permissions.check_can_ask(author)
    title, body = _validate_text(title=title, body=body)
    if type not in Thread.Type.values:
        raise ValidationError({"type": [_("Choose question, problem, idea or praise.")]})
    if product is not None and product.brand_id != brand.pk:
        raise ValidationError({"product": [_("That product belongs to another brand.")]})
    if version is not None and (product is None or version.product_id != product.pk):
        raise ValidationError(
            {"version": [_("Choose a release of the product this thread is about.")]}
        )
    if version is not None and version.released_at is None:
        raise ValidationError({"version": [_("That release has not been published yet.")]})
    if channel not in Thread.Channel.values:
        raise ValidationError({"channel": [_("Unknown channel.")]})
    submission = _claim_submission(author=author, token=submission_token)
    _check_posting_limits(author, body, brand)
    body_html = render_markdown(body)
    thread = Thread.objects.create(
        brand=brand,
        product=product,
        version=version,
        author=author,
        type=type,
        channel=channel,
        title=title,
        body=body,
        body_html=body_html,
        excerpt=render_plain_excerpt(body),
    )
    Revision.objects.create(
        thread=thread, number=1, title=title, body=body, body_html=body_html, editor=author
    )
    if submission is not None:
        submission.thread = thread
        submission.save(update_fields=["thread"])
    if attachments:
        attachments_store(uploader=author, files=attachments, target=thread)
    thread_subscribe(user=author, thread=thread, reason=ThreadSubscription.Reason.ASKED)
    if moderation.first_post_hold(post=thread):
        return thread  # waits for a moderator: counted, listed and announced on approval
    Brand.objects.filter(pk=brand.pk).update(thread_count=F("thread_count") + 1)
    moderation.crisis_scan(post=thread)
    page_cache.brand_list_changed(brand.pk)
    search_services.thread_changed(thread.pk)
    event_emit(brand=brand, kind="thread.created", data=lambda: events.thread_created(thread))
    return thread


@transaction.atomic
def thread_edit(
    *,
    actor: User,
    thread: Thread,
    title: str,
    body: str,
    reason: str = "",
    base_revision: int | None = None,
) -> Thread:
    """Save a new revision of the question; earlier ones stay viewable.

    `base_revision` is the revision the edit form started from: if someone saved another
    since, nothing is saved and EditConflict carries theirs (the same edit sent twice is
    saved once, without a conflict). Without it, the last writer wins.
    """
    permissions.check_can_edit_thread(actor, thread)
    title, body = _validate_text(title=title, body=body)
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if title == thread.title and body == thread.body:
        return thread
    if _edit_already_saved(
        post=thread, base_revision=base_revision, actor=actor, title=title, body=body
    ):
        return thread
    thread.title = title
    thread.body = body
    thread.body_html = render_markdown(body)
    thread.excerpt = render_plain_excerpt(body)
    thread.edited_at = timezone.now()
    thread.revision_count = F("revision_count") + 1
    thread.save(
        update_fields=["title", "body", "body_html", "excerpt", "edited_at", "revision_count"]
    )
    thread.refresh_from_db(fields=["revision_count"])
    Revision.objects.create(
        thread=thread,
        number=thread.revision_count,
        title=title,
        body=body,
        body_html=thread.body_html,
        editor=actor,
    )
    _thread_changed(thread.pk)
    _record_moderator_edit(actor=actor, post=thread, reason=reason)
    moderation.crisis_scan(post=thread)
    return thread


@transaction.atomic
def answer_create(
    *,
    author: User,
    thread: Thread,
    body: str,
    submission_token: str = "",
    hold_for_approval: bool = True,
    attachments: Sequence[PreparedImage] = (),
) -> Answer | OfficialDraft:
    """Answer a thread. With the answer form's `submission_token`, a second submission of
    the same form by the same person raises AlreadySubmitted with the answer first saved.

    Where the brand's approval rules (or the rep's training) ask for it, a rep's official
    answer is not published: it is held as a draft for the brand's approvers, and the
    draft is returned (brands.services.approvals). Approving it calls this again with
    `hold_for_approval=False`."""
    permissions.check_can_answer(author, thread)
    _, body = _validate_text(body=body)
    submission = _claim_submission(author=author, token=submission_token)
    # Who the author was when they wrote it: stays true if they later leave the brand.
    speaks_for_brand = brand_permissions.is_rep(author, thread.brand)
    if speaks_for_brand and hold_for_approval:
        need = approval_needed(author=author, thread=thread, kind=ApprovalRule.Kind.ANSWER)
        if need is not None:
            if attachments:
                raise ValidationError({"attachments": [_DRAFT_IMAGES]})
            _check_posting_limits(author, body, thread.brand_id)
            return approvals.official_draft_submit(
                author=author, thread=thread, kind=ApprovalRule.Kind.ANSWER, need=need, body=body
            )
    if hold_for_approval:  # an approved draft was limited when it was written
        _check_posting_limits(author, body, thread.brand_id)
    body_html = render_markdown(body)
    answer = Answer.objects.create(
        thread=thread,
        author=author,
        body=body,
        body_html=body_html,
        is_official=speaks_for_brand,
        official_for=thread.brand if speaks_for_brand else None,
    )
    Revision.objects.create(answer=answer, number=1, body=body, body_html=body_html, editor=author)
    if submission is not None:
        submission.answer = answer
        submission.save(update_fields=["answer"])
    if attachments:
        attachments_store(uploader=author, files=attachments, target=answer)
    if moderation.first_post_hold(post=answer):
        return answer  # waits for a moderator: counted and announced on approval
    now = timezone.now()
    Thread.objects.filter(pk=thread.pk).update(
        answer_count=F("answer_count") + 1, last_activity_at=now
    )
    Thread.objects.filter(pk=thread.pk, status=Thread.Status.OPEN).update(
        status=Thread.Status.ANSWERED
    )
    thread_subscribe(user=author, thread=thread, reason=ThreadSubscription.Reason.ANSWERED)
    _thread_row_changed(thread)
    _on_commit(community_tasks.notify_answer_posted, answer.pk)
    moderation.crisis_scan(post=answer)
    event_emit(brand=thread.brand, kind="answer.posted", data=lambda: events.answer_posted(answer))
    return answer


@transaction.atomic
def answer_edit(
    *,
    actor: User,
    answer: Answer,
    body: str,
    reason: str = "",
    base_revision: int | None = None,
    hold_for_approval: bool = True,
    suggested_by: User | None = None,
) -> Answer:
    """Save a new revision of the answer; `base_revision` as for thread_edit; `suggested_by`
    credits an accepted suggested edit's writer in the revision.

    An official answer its author changes where approval is asked for keeps its approved
    text: the change waits as a draft (`answer.held_for_approval`) until an approver
    approves it (brands.services.approvals)."""
    permissions.check_can_edit_answer(actor, answer)
    _, body = _validate_text(body=body)
    answer = Answer.objects.select_for_update().select_related("thread__brand").get(pk=answer.pk)
    if body == answer.body:
        return answer
    thread = answer.thread
    if (
        hold_for_approval
        and actor.pk == answer.author_id
        and answer.official_for_id == thread.brand_id
        and brand_permissions.is_rep(actor, thread.brand)
    ):
        need = approval_needed(author=actor, thread=thread, kind=ApprovalRule.Kind.ANSWER)
        if need is not None:
            answer.held_for_approval = approvals.official_draft_submit(
                author=actor,
                thread=thread,
                kind=ApprovalRule.Kind.ANSWER,
                need=need,
                body=body,
                answer=answer,
            )
            return answer
    if _edit_already_saved(
        post=answer, base_revision=base_revision, actor=actor, title=None, body=body
    ):
        return answer
    was_verified = answer.is_verified
    was_endorsed = answer.is_endorsed
    # An endorsement or a verification vouches for the text as it was: an edit withdraws
    # both at once. (brands and moderation keep their history and re-check queues.)
    answer.body = body
    answer.body_html = render_markdown(body)
    answer.edited_at = timezone.now()
    answer.revision_count = F("revision_count") + 1
    answer.endorsed_at = answer.endorsed_by = None
    answer.verified_at = answer.verified_by = None
    answer.save(
        update_fields=[
            "body",
            "body_html",
            "edited_at",
            "revision_count",
            "endorsed_at",
            "endorsed_by",
            "verified_at",
            "verified_by",
        ]
    )
    answer.refresh_from_db(fields=["revision_count"])
    Revision.objects.create(
        answer=answer,
        number=answer.revision_count,
        body=body,
        body_html=answer.body_html,
        editor=actor,
        suggested_by=suggested_by,
    )
    _thread_changed(answer.thread_id)
    if was_verified:
        moderation.verification_withdraw_after_edit(answer=answer, actor=actor)
    if was_endorsed:
        brand_services.endorsement_withdraw_after_edit(answer=answer, actor=actor)
    _record_moderator_edit(actor=actor, post=answer, reason=reason)
    moderation.crisis_scan(post=answer)
    return answer


@transaction.atomic
def answer_vote_toggle(*, user: User, answer: Answer) -> bool:
    """Vote the answer helpful, or take the vote back. Returns whether a vote stands now.

    The unique constraint decides races: two concurrent votes by one person insert once.
    """
    permissions.check_can_vote(user, answer)
    rate_limit_hit(user=user, action="vote")
    page_cache.thread_page_changed(answer.thread_id)
    facts.forget(user, facts.VOTES, answer.thread_id)
    deleted, _rows = HelpfulVote.objects.filter(answer=answer, user=user).delete()
    if deleted:
        Answer.objects.filter(pk=answer.pk).update(helpful_count=F("helpful_count") - 1)
        reputation.reputation_event_reverse(
            source_key=reputation.vote_key(answer_id=answer.pk, voter_id=user.pk)
        )
        return False
    try:
        with transaction.atomic():
            HelpfulVote.objects.create(answer=answer, user=user)
    except IntegrityError:
        return True  # a concurrent request of the same person voted first
    Answer.objects.filter(pk=answer.pk).update(helpful_count=F("helpful_count") + 1)
    reputation.reputation_event(
        member=answer.author_id,
        brand=answer.thread.brand_id,
        reason=reputation.Reason.HELPFUL_VOTE,
        source_key=reputation.vote_key(answer_id=answer.pk, voter_id=user.pk),
    )
    return True


@transaction.atomic
def thread_me_too_toggle(
    *, user: User, thread: Thread, version: str = "", platform: str = ""
) -> bool:
    """Press or release "me too". Pressing subscribes the person to the thread."""
    permissions.check_can_me_too(user, thread)
    rate_limit_hit(user=user, action="me_too")
    _thread_row_changed(thread)
    facts.forget(user, facts.ME_TOO, thread.pk)
    deleted, _rows = MeToo.objects.filter(thread=thread, user=user).delete()
    if deleted:
        Thread.objects.filter(pk=thread.pk).update(me_too_count=F("me_too_count") - 1)
        return False
    try:
        with transaction.atomic():
            MeToo.objects.create(
                thread=thread, user=user, version=version[:50], platform=platform[:50]
            )
    except IntegrityError:
        return True
    Thread.objects.filter(pk=thread.pk).update(me_too_count=F("me_too_count") + 1)
    thread_subscribe(user=user, thread=thread, reason=ThreadSubscription.Reason.ME_TOO)
    return True


@transaction.atomic
def answer_accept(*, actor: User, answer: Answer) -> Answer:
    """Mark the answer that solved the thread; any earlier accepted answer steps down."""
    permissions.check_can_accept(actor, answer)
    _thread_changed(answer.thread_id)
    thread = Thread.objects.select_for_update().get(pk=answer.thread_id)
    if thread.accepted_answer_id == answer.pk:
        return answer
    previous_id = thread.accepted_answer_id
    if previous_id:
        Answer.objects.filter(pk=previous_id).update(accepted_at=None, accepted_by=None)
        reputation.reputation_event_reverse(
            source_key=reputation.accepted_key(answer_id=previous_id)
        )
    now = timezone.now()
    Answer.objects.filter(pk=answer.pk).update(accepted_at=now, accepted_by=actor)
    thread.accepted_answer = answer
    thread.status = Thread.Status.SOLVED
    thread.last_activity_at = now
    thread.save(update_fields=["accepted_answer", "status", "last_activity_at"])
    reputation.reputation_event(
        member=answer.author_id,
        brand=thread.brand_id,
        reason=reputation.Reason.ACCEPTED,
        source_key=reputation.accepted_key(answer_id=answer.pk),
    )
    answer.accepted_at, answer.accepted_by = now, actor
    if answer.author_id != actor.pk:
        _on_commit(community_tasks.notify_answer_accepted, answer.pk)
    event_emit(
        brand=thread.brand_id,
        kind="answer.accepted",
        data=lambda: events.answer_accepted(answer, accepted_by=actor),
    )
    return answer


@transaction.atomic
def answer_unaccept(*, actor: User, answer: Answer) -> Answer:
    """Undo an acceptance: the thread goes back to answered."""
    permissions.check_can_accept(actor, answer)
    _thread_changed(answer.thread_id)
    thread = Thread.objects.select_for_update().get(pk=answer.thread_id)
    if thread.accepted_answer_id != answer.pk:
        return answer
    Answer.objects.filter(pk=answer.pk).update(accepted_at=None, accepted_by=None)
    thread.accepted_answer = None
    thread.status = Thread.Status.ANSWERED if thread.answer_count else Thread.Status.OPEN
    thread.save(update_fields=["accepted_answer", "status"])
    reputation.reputation_event_reverse(source_key=reputation.accepted_key(answer_id=answer.pk))
    answer.accepted_at, answer.accepted_by = None, None
    return answer


# --- Suggested edits: a level-4 member's better text for someone else's answer -------------


@transaction.atomic
def suggested_edit_create(*, author: User, answer: Answer, body: str, reason: str) -> SuggestedEdit:
    """Offer a new text for the answer; its author is told. One waiting suggestion per
    person per answer (a database constraint): a second one says so."""
    permissions.check_can_suggest_edit(author, answer)
    body = _validate_text(body=body)[1]
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say in a few words what your edit improves.")]})
    if body == answer.body:
        raise ValidationError({"body": [_("The text is the same as the answer's.")]})
    _check_posting_limits(author, body, answer.thread.brand_id)
    try:
        with transaction.atomic():
            suggestion = SuggestedEdit.objects.create(
                answer=answer, suggested_by=author, body=body, reason=reason[:200]
            )
    except IntegrityError:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _("You already suggested an edit to this answer; wait until it is decided.")
                ]
            }
        ) from None
    _on_commit(community_tasks.notify_edit_suggested, suggestion.pk)
    return suggestion


def _pending(suggestion: SuggestedEdit) -> SuggestedEdit:
    locked = (
        SuggestedEdit.objects.select_for_update()
        .select_related("answer__thread__brand", "suggested_by")
        .get(pk=suggestion.pk)
    )
    if locked.status != SuggestedEdit.Status.PENDING:
        raise ValidationError({NON_FIELD_ERRORS: [_("This suggestion was already decided.")]})
    return locked


@transaction.atomic
def suggested_edit_accept(*, actor: User, suggestion: SuggestedEdit) -> SuggestedEdit:
    """Apply the suggested text through answer_edit, so it is a revision like any other
    (sanitized, the page dropped, verification and endorsement withdrawn), crediting the
    suggester."""
    permissions.check_can_decide_suggestion(actor, suggestion)
    suggestion = _pending(suggestion)
    answer_edit(
        actor=actor,
        answer=suggestion.answer,
        body=suggestion.body,
        reason=_("Accepted a suggested edit by %(name)s: %(reason)s")
        % {"name": suggestion.suggested_by.public_name, "reason": suggestion.reason},
        suggested_by=suggestion.suggested_by,
    )
    return _decide(suggestion, actor, SuggestedEdit.Status.ACCEPTED)


@transaction.atomic
def suggested_edit_decline(*, actor: User, suggestion: SuggestedEdit) -> SuggestedEdit:
    """Leave the answer as it is; the suggestion is kept, marked declined."""
    permissions.check_can_decide_suggestion(actor, suggestion)
    return _decide(_pending(suggestion), actor, SuggestedEdit.Status.DECLINED)


def _decide(suggestion: SuggestedEdit, actor: User, status: str) -> SuggestedEdit:
    suggestion.status = status
    suggestion.decided_by = actor
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "decided_by", "decided_at"])
    return suggestion
