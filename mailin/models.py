"""Mail that came in: every message is kept as it arrived, with what became of it.

An InboundMessage row is written before anything is decided, so nothing is lost: the raw
message, who sent it, where it was addressed, and then its status and the reason. A mail
that starts a thread waits as a MailThreadDraft until its sender opens the confirmation
link; nothing of it is public before that.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class InboundMessage(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, waiting to be processed")
        POSTED = "posted", _("Posted")
        HELD = "held", _("Waiting for the sender's confirmation")
        REFUSED = "refused", _("Refused")

    class Reason(models.TextChoices):
        NONE = "", _("—")
        BOUNCE = "bounce", _("A bounce (delivery report)")
        AUTO_REPLY = "auto_reply", _("An automatic reply")
        FORGED = "forged", _("The sender is not the person the address was made for")
        AUTH_FAILED = "auth_failed", _("The sender's domain failed SPF or DKIM")
        REPLAY = "replay", _("Already received")
        EXPIRED = "expired", _("The reply address has expired")
        BAD_ADDRESS = "bad_address", _("Not one of our addresses, or altered")
        UNKNOWN_BRAND = "unknown_brand", _("No brand has this address")
        EMPTY = "empty", _("Nothing new was written")
        NOT_ALLOWED = "not_allowed", _("The rules of the web form refuse it")
        RATE_LIMITED = "rate_limited", _("Too many posts for now")
        INVALID = "invalid", _("The text does not pass the web form's checks")

    class Source(models.TextChoices):
        SMTP = "smtp", _("Sodan's SMTP receiver")
        WEBHOOK = "webhook", _("The mail provider's inbound webhook")
        OTHER = "other", _("Other")

    received_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.OTHER)
    provider = models.CharField(
        max_length=40, blank=True, help_text=_("The mail provider that posted it (webhooks).")
    )
    envelope_from = models.CharField(
        max_length=320,
        blank=True,
        help_text=_("The SMTP envelope sender; <> for a bounce, empty when not told."),
    )
    sender = models.EmailField(
        max_length=320, blank=True, help_text=_("The From header's address, lowercased.")
    )
    recipient = models.CharField(
        max_length=320, blank=True, help_text=_("Which of our addresses it was sent to.")
    )
    message_id = models.CharField(max_length=998, blank=True, help_text=_("Message-ID header."))
    subject = models.CharField(max_length=998, blank=True)
    raw = models.BinaryField(help_text=_("The message exactly as it arrived."))
    verdicts = models.JSONField(
        default=dict, blank=True, help_text=_("SPF/DKIM verdicts passed by the provider.")
    )
    token = models.CharField(max_length=100, blank=True, help_text=_("The reply token, if any."))
    body_hash = models.CharField(
        max_length=64, blank=True, help_text=_("SHA-256 of the new text, for replays.")
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    reason = models.CharField(max_length=20, choices=Reason.choices, blank=True)
    detail = models.TextField(blank=True, help_text=_("What the sender is told, or why not."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    thread = models.ForeignKey(
        "qa.Thread", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answer = models.ForeignKey(
        "qa.Answer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    case_message = models.ForeignKey(
        "cases.CaseMessage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    processed_at = models.DateTimeField(null=True, blank=True)
    notice_sent_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the sender was told it was refused.")
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            # One message posts once, however often a provider retries it: the second
            # copy's transaction fails here and is then refused as a replay.
            models.UniqueConstraint(
                fields=["message_id"],
                condition=Q(status__in=["posted", "held"]) & ~Q(message_id=""),
                name="mailin_message_id_once",
            ),
            models.UniqueConstraint(
                fields=["token", "body_hash"],
                condition=Q(status="posted") & ~Q(token=""),
                name="mailin_reply_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender or '?'} → {self.recipient or '?'} ({self.status})"


class MailThreadDraft(models.Model):
    """A thread started by e-mail, waiting for its sender to confirm by the link mailed."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for confirmation")
        PUBLISHED = "published", _("Published")

    brand = models.ForeignKey("brands.Brand", on_delete=models.CASCADE, related_name="+")
    sender = models.EmailField(max_length=320, help_text=_("The address it came from."))
    title = models.CharField(max_length=300)
    body = models.TextField()
    inbound = models.ForeignKey(InboundMessage, on_delete=models.CASCADE, related_name="drafts")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.WAITING)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    thread = models.ForeignKey(
        "qa.Thread", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.sender}: {self.title}"


class BrandMailAlias(models.Model):
    """Another local part at the mail domain that starts threads in a brand (help@…)."""

    brand = models.ForeignKey("brands.Brand", on_delete=models.CASCADE, related_name="mail_aliases")
    local_part = models.CharField(
        _("address"),
        max_length=64,
        unique=True,
        help_text=_("The part before the @, lowercase: hoshino-help."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["local_part"]

    def __str__(self) -> str:
        return self.local_part
