"""Signed links the chat hands out: finish a question on the web, ask privately, link the
LINE account. They name the LINE event they came from (so the LINE user id is Sodan's own
record, never the link's) and expire after SODAN_LINE_LINK_MAX_AGE_SECONDS."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from feedback.services.integrations import absolute

from .models import LineEvent

SALT = "line.flow"
ACTIONS = ("ask", "case", "link")


def flow_url(action: str, event: LineEvent) -> str:
    token = signing.dumps({"a": action, "e": event.pk, "b": event.brand_id}, salt=SALT)
    return absolute(reverse(f"line:{action}", kwargs={"token": token}))


def flow_event(action: str, token: str) -> LineEvent | None:
    """The event a good, fresh token for `action` names; None for anything else."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.SODAN_LINE_LINK_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("a") != action:
        return None
    return (
        LineEvent.objects.select_related("brand")
        .filter(pk=data.get("e"), brand_id=data.get("b"))
        .first()
    )
