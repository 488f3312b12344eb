"""Notification e-mails as they leave Sodan: a plain-text part always, an HTML part in the
brand's look (its name, accent colour and footer line) when the message is about a brand,
why it was sent, a link that stops its topic, the RFC 8058 one-click headers, and the
signed reply address for mail about a thread or a private case (mailin/).

The caller renders the words (subject and text, in the recipient's language); this module
wraps them, so every kind of notice and the digests carry the same footer and headers.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .consent import LOCKED, Topic, unsubscribe_token
from .models import User

DEFAULT_ACCENT = "#2563eb"


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_url(recipient: User, topic: Topic | str) -> str:
    return absolute(reverse("community:unsubscribe", args=[unsubscribe_token(recipient, topic)]))


def why_sent(
    recipient: User, topic: Topic | str, *, thread: Any = None, context: dict | None = None
) -> str:
    """One sentence: why this person got this message (a caller's context["why"] wins)."""
    context = context or {}
    if context.get("why"):
        return str(context["why"])
    topic = Topic(topic)
    brand = context.get("brand") or (thread.brand if thread is not None else None)
    if topic == Topic.ANSWERS:
        if context.get("case") is not None:
            return _("You get this e-mail because you take part in this private case.")
        reason = _subscription_reason(recipient, thread)
        if reason:
            return _("You get this e-mail because %(reason)s.") % {"reason": reason}
        return _("You get this e-mail because you took part in this thread.")
    if topic == Topic.FOLLOWED:
        name = context.get("followed_name")
        if name:
            return _("You get this e-mail because you follow %(name)s.") % {"name": name}
        return _("You get this e-mail because you follow threads, products or brands.")
    if topic == Topic.MENTIONS:
        return _("You get this e-mail because a teammate mentioned you.")
    if topic == Topic.LOOP_CLOSING:
        return _("You get this e-mail because you reported this problem, said “me too” or voted.")
    if topic == Topic.FOLLOW_UPS:
        return _("You get this e-mail because you asked this question or said “me too”.")
    if topic == Topic.DIGESTS:
        return _("You get this e-mail because you chose a digest.")
    if topic == Topic.WORK:
        if brand is not None:
            return _("You get this e-mail because you are on %(brand)s's team.") % {
                "brand": brand.name
            }
        return _("You get this e-mail because of your role on Sodan.")
    return _(
        "You get this e-mail because it is about your account; these messages cannot be turned off."
    )


def _subscription_reason(recipient: User, thread: Any) -> str:
    if thread is None:
        return ""
    from qa.models import ThreadSubscription

    reason = (
        ThreadSubscription.objects.filter(thread=thread, user=recipient)
        .values_list("reason", flat=True)
        .first()
    )
    return str(ThreadSubscription.Reason(reason).label) if reason else ""


def _look(brand: Any) -> dict[str, str]:
    if brand is None:
        return {"name": "Sodan", "accent": DEFAULT_ACCENT, "footer": ""}
    from themes.selectors import brand_look

    look = brand_look(brand)
    return {"name": brand.name, "accent": look.accent, "footer": look.footer_text}


def _reply_to(recipient: User, *, thread: Any, case: Any) -> list[str]:
    """The signed address a reply by e-mail goes to: the case for a case's notice (never
    its public thread), else the thread."""
    if thread is None and case is None:
        return []
    try:
        from mailin.addresses import reply_address
    except ImportError:  # mail in is not installed
        return []
    if case is not None:
        return [reply_address(recipient, case=case)]
    return [reply_address(recipient, thread=thread)]


def compose(
    *,
    recipient: User,
    topic: Topic | str,
    subject: str,
    text: str,
    url: str = "",
    brand: Any = None,
    thread: Any = None,
    case: Any = None,
    why: str = "",
    html_body: str = "",
) -> EmailMultiAlternatives:
    """The whole message for one recipient. `html_body` is trusted HTML rendered by a
    template (autoescaped); without it the text is shown, escaped, with its links."""
    topic = Topic(topic)
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        why = why or why_sent(recipient, topic, thread=thread, context={"brand": brand})
        stop_url = "" if topic in LOCKED else unsubscribe_url(recipient, topic)
        preferences_url = absolute(reverse("community:notification_settings"))
        footer = [why]
        if stop_url:
            footer.append(_("Stop e-mails about “%(topic)s”:") % {"topic": topic.label})
            footer.append(stop_url)
        footer.append(_("Choose which e-mails you get:") + " " + preferences_url)
        plain = text.rstrip() + "\n\n-- \n" + "\n".join(footer) + "\n"
        html = render_to_string(
            "community/email/message.html",
            {
                "subject": subject,
                "text": text.strip(),
                "html_body": html_body,
                "url": url,
                "look": _look(brand),
                "why": why,
                "topic_label": topic.label,
                "stop_url": stop_url,
                "preferences_url": preferences_url,
            },
        )
    headers = {}
    if stop_url:
        links = [f"<{stop_url}>"]
        mailto = getattr(settings, "SODAN_UNSUBSCRIBE_MAILTO", "")
        if mailto:
            token = quote(unsubscribe_token(recipient, topic), safe="")
            links.append(f"<mailto:{mailto}?subject=unsubscribe%20{token}>")
        headers["List-Unsubscribe"] = ", ".join(links)
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=plain,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        reply_to=_reply_to(recipient, thread=thread, case=case),
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message
