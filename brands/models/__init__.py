"""Brands' models, one module per sub-domain; import them from here."""

from .approvals import AnswerApproval, ApprovalRule, CannedReply, OfficialDraft
from .claims import BrandClaim, Invitation, hash_invitation_token
from .core import (
    MAX_RESPONSE_TARGET_HOURS,
    Brand,
    Membership,
    Product,
    ProductVersion,
    hex_colour,
)
from .ownership import (
    CustomerNote,
    Endorsement,
    OwnershipEvent,
    ResponseTargetBreach,
    ThreadOwnership,
)

__all__ = [
    "MAX_RESPONSE_TARGET_HOURS",
    "AnswerApproval",
    "ApprovalRule",
    "Brand",
    "BrandClaim",
    "CannedReply",
    "CustomerNote",
    "Endorsement",
    "Invitation",
    "Membership",
    "OfficialDraft",
    "OwnershipEvent",
    "Product",
    "ProductVersion",
    "ResponseTargetBreach",
    "ThreadOwnership",
    "hash_invitation_token",
    "hex_colour",
]
