"""Mail in: a reply to a notification becomes an answer (or a private case message) by
that person; a mail to a brand's address becomes a thread once its sender confirms it.

Every way in (the mail provider's webhook, Sodan's own SMTP receiver) hands the message to
`message_receive`, which keeps it first and processes it through the outbox. Processing
calls the web form's own services (qa.services.answer_create, qa.services.thread_create,
cases.services.case_message_post), so the same rules hold: who may post, rate and link
limits, the sanitizer, the crisis scan, moderation holds and notifications.
"""

from .aliases import mail_alias_add, mail_alias_remove
from .drafts import draft_confirm_token, draft_confirmation_send, draft_from_token, draft_publish
from .inbound import TOLD_REASONS, member_addresses, message_process, message_receive
from .notices import refusal_notify

__all__ = [
    "TOLD_REASONS",
    "draft_confirm_token",
    "draft_confirmation_send",
    "draft_from_token",
    "draft_publish",
    "mail_alias_add",
    "mail_alias_remove",
    "member_addresses",
    "message_process",
    "message_receive",
    "refusal_notify",
]
