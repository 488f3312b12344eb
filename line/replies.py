"""The messages Sodan sends in the chat, in LINE's message objects (text, a buttons
template with postback actions, quick replies), in the person's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from feedback.services.integrations import absolute

POSTBACK_PREFIX = "sodan:"


def postback(action: str, event_id: int) -> str:
    return f"{POSTBACK_PREFIX}{action}:{event_id}"


def read_postback(data: str) -> tuple[str, int] | None:
    """("ask" | "case" | "link", event id) for Sodan's own postbacks; None for the brand's
    other tools' (those go on to the relay)."""
    if not data.startswith(POSTBACK_PREFIX):
        return None
    action, _sep, number = data[len(POSTBACK_PREFIX) :].partition(":")
    if action not in ("ask", "case", "link") or not number.isdigit():
        return None
    return action, int(number)


def _text(text: str, **extra: Any) -> dict:
    return {"type": "text", "text": text[:5000], **extra}


def answers(*, brand: Any, threads: list[Any], event_id: int) -> list[dict]:
    """The solved threads first, then the choices: ask the community, ask privately; a quick
    reply offers to get notifications in LINE."""
    if threads:
        lines = [_("Solved in %(brand)s's community:") % {"brand": brand.name}]
        for number, thread in enumerate(threads, start=1):
            lines.append(f"{number}. {thread.title}\n{absolute(thread.get_absolute_url())}")
        found = _text("\n\n".join(lines))
    else:
        found = _text(
            _("No solved thread in %(brand)s's community matches this yet.") % {"brand": brand.name}
        )
    choices = {
        "type": "template",
        "altText": _("Ask the community, or ask %(brand)s privately") % {"brand": brand.name},
        "template": {
            "type": "buttons",
            "text": _("Not answered? Ask the community in public, or the team privately.")[:160],
            "actions": [
                {
                    "type": "postback",
                    "label": _("Ask in public")[:20],
                    "data": postback("ask", event_id),
                    "displayText": _("Ask in public"),
                },
                {
                    "type": "postback",
                    "label": _("Ask privately")[:20],
                    "data": postback("case", event_id),
                    "displayText": _("Ask privately"),
                },
            ],
        },
        "quickReply": {
            "items": [
                {
                    "type": "action",
                    "action": {
                        "type": "postback",
                        "label": _("Notify me here")[:20],
                        "data": postback("link", event_id),
                        "displayText": _("Notify me here"),
                    },
                }
            ]
        },
    }
    return [found, choices]


def flow_link(*, action: str, brand: Any, url: str) -> list[dict]:
    if action == "ask":
        text = _(
            "Your question would be public in %(brand)s's community, under your name. Sign "
            "in, check it and publish it here (nothing is posted until you confirm): %(url)s"
        )
    elif action == "case":
        text = _(
            "Only %(brand)s's team will read this. Sign in and confirm here, and the team "
            "answers you privately (in LINE too): %(url)s"
        )
    else:
        text = _(
            "Link LINE to your account to get your notifications here (you choose which on "
            "your notification settings): %(url)s"
        )
    return [_text(text % {"brand": brand.name, "url": url})]


def greeting(*, brand: Any) -> list[dict]:
    return [
        _text(
            _(
                "Thanks for adding %(brand)s. Write your question: answers from the community's "
                "solved threads come first."
            )
            % {"brand": brand.name}
        )
    ]
