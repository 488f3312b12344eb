"""Product feedback's models, one module per sub-domain; import them from here.

They lived in brands until the feedback app was split out; each keeps its table
(`db_table = "brands_…"`), so the move changed Django's bookkeeping and no data.
"""

from .integrations import BrandSigningSecret, InboundWebhook, WebhookDelivery, WebhookEndpoint
from .items import (
    FeedbackComment,
    FeedbackEmailOptOut,
    FeedbackItem,
    FeedbackLabel,
    FeedbackLink,
    FeedbackLoopClosure,
    FeedbackStatusChange,
    ThreadLabel,
)

__all__ = [
    "BrandSigningSecret",
    "FeedbackComment",
    "FeedbackEmailOptOut",
    "FeedbackItem",
    "FeedbackLabel",
    "FeedbackLink",
    "FeedbackLoopClosure",
    "FeedbackStatusChange",
    "InboundWebhook",
    "ThreadLabel",
    "WebhookDelivery",
    "WebhookEndpoint",
]
