"""Per-topic consent: which messages a person agreed to receive, on which channel.

Every notification kind belongs to one topic (`topic_of`); `notification_deliver` asks
`consent_allows` for each recipient before an e-mail (or a LINE push) goes out. The in-app
notice is always kept: consent is about being pushed, not about being told.

A choice the person made is a `NotificationConsent` row; without one, the topic's default
(`DEFAULTS`, one table with its reasons) applies. Customers do not want to be pushed, so
anything they did not ask for is off until they choose it.

Two older switches are read through rather than copied:
- `User.email_notifications` (the profile page's and the API's "e-mail me" box) is the
  master switch for e-mail: off means every topic but ACCOUNT is off by e-mail, whatever
  the rows say; on again, the rows and defaults apply.
- `feedback.FeedbackEmailOptOut` (the loop-closing e-mails' own link and page) means
  LOOP_CLOSING is off by e-mail for a person who made no choice here; `consent_set` keeps
  it in step, so the feedback pages and the data export still read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Notification, NotificationConsent, User

EMAIL = "email"
LINE = "line"
CHANNELS = (EMAIL, LINE)


class Topic(models.TextChoices):
    ANSWERS = "answers", _("Answers and comments on my threads and cases")
    FOLLOWED = "followed", _("Activity on what I follow")
    MENTIONS = "mentions", _("Mentions of me")
    LOOP_CLOSING = "loop_closing", _("News that a problem I reported was fixed")
    FOLLOW_UPS = "follow_ups", _("“Is it solved?” questions about my threads")
    DIGESTS = "digests", _("Digests")
    WORK = "work", _("Brand work: inbox, response targets, requests")
    ACCOUNT = "account", _("My account: security, moderation, exports")


@dataclass(frozen=True)
class Default:
    allowed: bool
    reason: str


# What each topic is before the person chooses, on every channel, and why.
DEFAULTS: dict[Topic, Default] = {
    Topic.ANSWERS: Default(True, "they asked or took part; the answer is what they came for"),
    Topic.FOLLOWED: Default(True, "only sent for what they follow: following is asking"),
    Topic.MENTIONS: Default(True, "a teammate named them to get their attention"),
    Topic.LOOP_CLOSING: Default(True, "they pressed me-too or voted: they asked to know"),
    Topic.FOLLOW_UPS: Default(True, "one message per thread, about their own thread"),
    Topic.DIGESTS: Default(False, "nobody asked for a digest until they choose one"),
    Topic.WORK: Default(True, "staff work the brand relies on them to see"),
    Topic.ACCOUNT: Default(True, "security, moderation and legal notices: cannot be off"),
}

# Topics the person cannot switch off.
LOCKED = frozenset({Topic.ACCOUNT})

# Each notification kind's topic. A part that adds a Notification.Kind adds its line here
# (tests/community/test_consent.py fails on a kind without one) or passes `topic=` to
# notification_deliver.
KIND_TOPICS: dict[str, Topic] = {
    Notification.Kind.ANSWER_POSTED: Topic.ANSWERS,
    Notification.Kind.ANSWER_ACCEPTED: Topic.ANSWERS,
    Notification.Kind.EDIT_SUGGESTED: Topic.ANSWERS,
    Notification.Kind.PRIVATE_CASE: Topic.ANSWERS,
    Notification.Kind.FEEDBACK_SHIPPED: Topic.LOOP_CLOSING,
    Notification.Kind.FEEDBACK_MENTION: Topic.MENTIONS,
    Notification.Kind.CRISIS_ALERT: Topic.WORK,
    Notification.Kind.RESPONSE_OVERDUE: Topic.WORK,
    Notification.Kind.THREAD_HANDED_OVER: Topic.WORK,
    Notification.Kind.DISCLOSURE_REQUEST: Topic.WORK,
    Notification.Kind.OFFICIAL_DRAFT: Topic.WORK,
    Notification.Kind.DEPARTMENT_REQUEST: Topic.WORK,
    Notification.Kind.MODERATION_ACTION: Topic.ACCOUNT,
    Notification.Kind.APPEAL_DECIDED: Topic.ACCOUNT,
    Notification.Kind.SANCTION: Topic.ACCOUNT,
    Notification.Kind.CLAIM_DECIDED: Topic.ACCOUNT,
    Notification.Kind.DATA_EXPORT_READY: Topic.ACCOUNT,
    Notification.Kind.DISCLOSURE_ANSWERED: Topic.ACCOUNT,
    # Kinds of the line and follows apps, by value.
    "line_case_request": Topic.WORK,
    "follow_up": Topic.FOLLOW_UPS,
    "followed_threads": Topic.FOLLOWED,
}


def topic_of(kind: str) -> Topic:
    """The topic a notification kind belongs to. An unknown kind counts as ANSWERS: a
    message about the person's own threads, which they can switch off."""
    return KIND_TOPICS.get(kind, Topic.ANSWERS)


def consent_allows(user: User, topic: Topic | str, channel: str = EMAIL) -> bool:
    """May a message on `topic` be pushed to `user` on `channel`?"""
    topic = Topic(topic)
    if topic in LOCKED:
        return True
    if channel == EMAIL and not user.email_notifications:
        return False
    row = (
        NotificationConsent.objects.filter(user=user, topic=topic, channel=channel)
        .values_list("allowed", flat=True)
        .first()
    )
    if row is not None:
        return row
    if topic == Topic.LOOP_CLOSING and channel == EMAIL and _feedback_opted_out(user):
        return False
    return DEFAULTS[topic].allowed


def consents_of(user: User) -> dict[tuple[str, str], bool]:
    """Every (topic, channel) as it stands for `user`, in two queries: the preferences page.
    The master e-mail switch is not folded in, so the page shows what comes back when it
    is turned on again."""
    rows = {
        (topic, channel): allowed
        for topic, channel, allowed in NotificationConsent.objects.filter(user=user).values_list(
            "topic", "channel", "allowed"
        )
    }
    stopped = _feedback_opted_out(user)
    table = {}
    for topic in Topic:
        for channel in CHANNELS:
            if topic in LOCKED:
                table[(topic.value, channel)] = True
            elif (topic.value, channel) in rows:
                table[(topic.value, channel)] = rows[(topic.value, channel)]
            elif topic == Topic.LOOP_CLOSING and channel == EMAIL and stopped:
                table[(topic.value, channel)] = False
            else:
                table[(topic.value, channel)] = DEFAULTS[topic].allowed
    return table


@transaction.atomic
def consent_set(
    *, user: User, topic: Topic | str, allowed: bool, channel: str = EMAIL, source: str
) -> NotificationConsent | None:
    """Record the person's choice for one topic on one channel; `source` says where it was
    made (settings, one-click, feedback, api). ACCOUNT cannot be switched off. Returns the
    row, or None when nothing needed recording (ACCOUNT left on)."""
    try:
        topic = Topic(topic)
    except ValueError:
        raise ValidationError({"topic": [gettext("There is no such kind of message.")]}) from None
    if channel not in CHANNELS:
        raise ValidationError({"channel": [gettext("Choose e-mail or LINE.")]})
    if topic in LOCKED:
        if not allowed:
            raise ValidationError(
                {
                    "topic": [
                        gettext(
                            "Messages about your account's security, moderation and data "
                            "cannot be turned off."
                        )
                    ]
                }
            )
        return None
    row, _created = NotificationConsent.objects.update_or_create(
        user=user,
        topic=topic,
        channel=channel,
        defaults={"allowed": allowed, "changed_at": timezone.now(), "source": source[:30]},
    )
    if topic == Topic.LOOP_CLOSING and channel == EMAIL:
        from feedback.models import FeedbackEmailOptOut

        if allowed:
            FeedbackEmailOptOut.objects.filter(user=user).delete()
        else:
            FeedbackEmailOptOut.objects.get_or_create(user=user)
    return row


def _feedback_opted_out(user: User) -> bool:
    from feedback.models import FeedbackEmailOptOut

    return FeedbackEmailOptOut.objects.filter(user=user).exists()


# --- One-click unsubscribe (RFC 8058) -----------------------------------------------------
# The link in an e-mail's List-Unsubscribe header names one person and one topic, signed;
# the signature is the only authority (no log-in, no CSRF token: mail providers post to it).

UNSUBSCRIBE_SALT = "community.consent.unsubscribe"


@dataclass(frozen=True)
class Unsubscribe:
    """What a genuine unsubscribe link says; `user` is None for a bad or expired link."""

    user: User | None
    topic: Topic | None = None
    channel: str = EMAIL
    expired: bool = False


def unsubscribe_token(user: User, topic: Topic | str, channel: str = EMAIL) -> str:
    return signing.dumps([user.pk, str(Topic(topic)), channel], salt=UNSUBSCRIBE_SALT)


def unsubscribe_read(token: str) -> Unsubscribe:
    """Check a link's token: who and which topic, or why not (never raises)."""
    max_age = timedelta(days=getattr(settings, "SODAN_UNSUBSCRIBE_LINK_DAYS", 365))
    try:
        user_id, topic, channel = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=max_age)
        topic = Topic(topic)
    except signing.SignatureExpired:
        return Unsubscribe(user=None, expired=True)
    except (signing.BadSignature, ValueError, TypeError):
        return Unsubscribe(user=None)
    if channel not in CHANNELS or topic in LOCKED:
        return Unsubscribe(user=None)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    return Unsubscribe(user=user, topic=topic if user else None, channel=channel)


@transaction.atomic
def consents_save(*, user: User, choices: dict[tuple[str, str], bool], source: str) -> int:
    """Save the preferences page: only the topics whose state changed get a row, so a
    default the person never touched stays a default. Returns how many changed."""
    table = consents_of(user)
    changed = 0
    for (topic, channel), allowed in choices.items():
        if table.get((topic, channel)) != allowed:
            consent_set(user=user, topic=topic, channel=channel, allowed=allowed, source=source)
            changed += 1
    return changed
