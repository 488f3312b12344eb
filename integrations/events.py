"""The event catalogue: every kind of event a brand's endpoint can receive, what it means,
and the builders of its payload.

A payload holds what the brand's team could see on the site anyway: ids, public addresses,
the brand, product and release, titles, public names. No e-mail address, no internal
summary or comment, and never what a private case holds, except in the case.* events,
which reach only the endpoints their admin subscribed to them (`event_emit` refuses a
"case" key in any other kind's data).

Every JSON body has the same envelope (see `envelope`); the builders below give the rest.
The two feedback kinds keep the event names feedback endpoints received before the
catalogue (item.created, item.status_changed, item.threads_linked) in "event" and in the
X-Sodan-Event header, so tools built on them keep working.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from brands.models import Brand, ProductVersion
    from community.models import User
    from feedback.models import FeedbackItem
    from qa.models import Answer, Thread

PING = "ping"
CASE_PREFIX = "case."


@dataclass(frozen=True)
class EventKind:
    """One kind in the catalogue. `fields` documents the payload's keys beyond the
    envelope; `slack` is the one line a Slack endpoint shows, formatted with `slack_values`."""

    kind: str
    label: Promise
    fields: tuple[str, ...]
    slack: Promise

    @property
    def private(self) -> bool:
        """Carries a private case's contents: sent only to endpoints subscribed to it."""
        return self.kind.startswith(CASE_PREFIX)


CATALOGUE: dict[str, EventKind] = {
    kind.kind: kind
    for kind in (
        EventKind(
            "thread.created",
            _("A thread is started"),
            ("thread",),
            _("New thread %(link)s"),
        ),
        EventKind(
            "answer.posted",
            _("An answer is posted"),
            ("thread", "answer"),
            _("New answer by %(person)s in %(link)s"),
        ),
        EventKind(
            "answer.accepted",
            _("An answer is accepted"),
            ("thread", "answer", "accepted_by"),
            _("%(person)s's answer was accepted in %(link)s"),
        ),
        EventKind(
            "answer.verified",
            _("An answer is verified by a moderator"),
            ("thread", "answer", "verified_by"),
            _("%(person)s's answer was verified in %(link)s"),
        ),
        EventKind(
            "thread.taken",
            _("A rep takes a thread"),
            ("thread", "owner"),
            _("%(person)s took %(link)s"),
        ),
        EventKind(
            "thread.handed_over",
            _("A thread is handed over"),
            ("thread", "owner", "previous_owner", "by"),
            _("%(link)s was handed over to %(person)s"),
        ),
        EventKind(
            "response_target.breached",
            _("A response target is breached"),
            ("thread", "target_hours", "due_at"),
            _("No official response in time to %(link)s"),
        ),
        EventKind(
            "crisis.matched",
            _("A crisis keyword is matched"),
            ("thread", "answer", "keywords"),
            _("Crisis keyword matched in %(link)s"),
        ),
        EventKind(
            "feedback_item.created",
            _("A feedback item is created"),
            ("item",),
            _("New feedback item %(link)s"),
        ),
        EventKind(
            "feedback_item.changed",
            _("A feedback item's status or threads change"),
            ("item", "change", "previous_status", "threads", "merged"),
            _("Feedback item %(link)s changed"),
        ),
        EventKind(
            "case.opened",
            _("A private case is opened (carries its contents)"),
            ("case", "thread"),
            _("Private case %(link)s opened"),
        ),
        EventKind(
            "case.resolved",
            _("A private case is resolved (carries its contents)"),
            ("case", "thread"),
            _("Private case %(link)s resolved"),
        ),
    )
}

KINDS: tuple[str, ...] = tuple(CATALOGUE)
PUBLIC_KINDS: tuple[str, ...] = tuple(k for k, kind in CATALOGUE.items() if not kind.private)
CASE_KINDS: tuple[str, ...] = tuple(k for k, kind in CATALOGUE.items() if kind.private)


def choices() -> list[tuple[str, Promise]]:
    """(kind, label) for the endpoint form's checkboxes, in catalogue order."""
    return [(kind.kind, kind.label) for kind in CATALOGUE.values()]


def event_name(kind: str, data: dict[str, Any]) -> str:
    """The name in "event" and in X-Sodan-Event: the kind, except the feedback kinds' names
    from before the catalogue."""
    if kind == "feedback_item.created":
        return "item.created"
    if kind == "feedback_item.changed":
        return f"item.{data.get('change', 'changed')}"
    return kind


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def envelope(*, kind: str, brand: Brand, data: dict[str, Any], occurred_at: datetime) -> dict:
    """The JSON body every event shares: its name, kind, time and brand, then its data."""
    return {
        "event": event_name(kind, data),
        "kind": kind,
        "occurred_at": occurred_at.isoformat(),
        "brand": {"slug": brand.slug, "name": brand.name},
        **data,
    }


# --- Payload builders ------------------------------------------------------------------------


def person_data(user: User | None) -> dict[str, Any] | None:
    """A person as the site shows them: id and public name, never the e-mail address."""
    if user is None:
        return None
    return {"id": user.pk, "name": user.public_name}


def _version_name(version: ProductVersion | None) -> str | None:
    return version.name if version is not None else None


def thread_data(thread: Thread) -> dict[str, Any]:
    """A thread as its public page shows it."""
    product = thread.product
    return {
        "id": thread.pk,
        "title": thread.title,
        "type": thread.type,
        "status": thread.status,
        "url": site_url(thread.get_absolute_url()),
        "product": {"slug": product.slug, "name": product.name} if product else None,
        "version": _version_name(thread.version),
        "author": person_data(thread.author),
        "created_at": thread.created_at.isoformat(),
    }


def answer_data(answer: Answer) -> dict[str, Any]:
    return {
        "id": answer.pk,
        "url": site_url(answer.get_absolute_url()),
        "official": answer.is_official,
        "author": person_data(answer.author),
        "created_at": answer.created_at.isoformat(),
    }


def thread_created(thread: Thread) -> dict[str, Any]:
    return {"thread": thread_data(thread)}


def answer_posted(answer: Answer) -> dict[str, Any]:
    return {"thread": thread_data(answer.thread), "answer": answer_data(answer)}


def answer_accepted(answer: Answer, *, accepted_by: User) -> dict[str, Any]:
    return {**answer_posted(answer), "accepted_by": person_data(accepted_by)}


def answer_verified(answer: Answer, *, verified_by: User) -> dict[str, Any]:
    return {**answer_posted(answer), "verified_by": person_data(verified_by)}


def thread_taken(thread: Thread, *, owner: User) -> dict[str, Any]:
    return {"thread": thread_data(thread), "owner": person_data(owner)}


def thread_handed_over(
    thread: Thread, *, owner: User, previous_owner: User, by: User
) -> dict[str, Any]:
    return {
        "thread": thread_data(thread),
        "owner": person_data(owner),
        "previous_owner": person_data(previous_owner),
        "by": person_data(by),
    }


def response_target_breached(
    thread: Thread, *, target_hours: int, due_at: datetime
) -> dict[str, Any]:
    return {
        "thread": thread_data(thread),
        "target_hours": target_hours,
        "due_at": due_at.isoformat(),
    }


def crisis_matched(thread: Thread, *, answer: Answer | None, keywords: list[str]) -> dict[str, Any]:
    return {
        "thread": thread_data(thread),
        "answer": answer_data(answer) if answer is not None else None,
        "keywords": keywords,
    }


def feedback_item_created(item: FeedbackItem) -> dict[str, Any]:
    from feedback.services.integrations import item_data  # feedback's services import us

    return {"item": item_data(item)}


def feedback_item_changed(item: FeedbackItem, *, change: str, **extra: Any) -> dict[str, Any]:
    """`change` is "status_changed" (with `previous_status`) or "threads_linked" (with
    `threads`, and `merged` when they came from a merged item)."""
    from feedback.services.integrations import item_data

    return {"item": item_data(item), "change": change, **extra}


def ping(*, by: User) -> dict[str, Any]:
    return {"message": str(_("A test event from Sodan.")), "by": person_data(by)}


# The case.* payloads are built by the cases app from its own models, as:
#   {"case": {"id", "url", "status", "opened_at", "resolved_at", "customer": person,
#             "subject", "messages": [...], "outcome"}, "thread": thread_data(thread)}
# and only ever sent with a case.* kind.


# --- Slack ---------------------------------------------------------------------------------


def slack_text(kind: str, *, brand_name: str, data: dict[str, Any]) -> str:
    """One line of Slack mrkdwn: the brand, what happened and a link; no contents."""
    entry = CATALOGUE.get(kind)
    line = entry.slack if entry is not None else _("Test event from Sodan")
    link, title = _slack_link(data)
    person = _first_person(data)
    text = str(line) % {
        "link": f"<{link}|{_slack_escape(title)}>" if link else "",
        "person": person,
    }
    return f"*{_slack_escape(brand_name)}*: {text}"


def _slack_link(data: dict[str, Any]) -> tuple[str, str]:
    """The address to link and its text: a case by number only (its subject stays out of
    chat), an item by number and title, an answer or a thread by the thread's title."""
    case, item, thread, answer = (data.get(key) for key in ("case", "item", "thread", "answer"))
    if isinstance(case, dict):
        return str(case.get("url") or ""), f"#{case.get('id')}"
    if isinstance(item, dict):
        return str(item.get("url") or ""), f"#{item.get('id')} {item.get('title')}"
    if isinstance(thread, dict):
        target = answer if isinstance(answer, dict) else thread
        return str(target.get("url") or ""), str(thread.get("title") or "")
    return "", ""


def _first_person(data: dict[str, Any]) -> str:
    for key in ("owner", "answer"):
        found = data.get(key)
        if isinstance(found, dict):
            person = found.get("author") if key == "answer" else found
            if isinstance(person, dict) and person.get("name"):
                return _slack_escape(person["name"])
    return ""


def _slack_escape(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
