"""django-anymail's `inbound` signal: a provider's webhook, checked and parsed by anymail,
hands its message to the one way in (mailin.services.message_receive)."""

from __future__ import annotations

from typing import Any

from anymail.signals import inbound
from django.dispatch import receiver

from .models import InboundMessage


@receiver(inbound, dispatch_uid="mailin.inbound")
def inbound_received(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    from .services import message_receive

    message = event.message
    recipient = getattr(message, "envelope_recipient", None)
    message_receive(
        message.as_bytes(),
        source=InboundMessage.Source.WEBHOOK,
        provider=esp_name.lower(),
        envelope_from=getattr(message, "envelope_sender", None),
        recipients=[recipient] if recipient else [],
    )
