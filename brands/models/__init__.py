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
from .reporting import InboxView, ReportSchedule, ReportSettings
from .requests import Department, DepartmentRequest

__all__ = [
    "MAX_RESPONSE_TARGET_HOURS",
    "AnswerApproval",
    "ApprovalRule",
    "Brand",
    "BrandClaim",
    "CannedReply",
    "CustomerNote",
    "Department",
    "DepartmentRequest",
    "Endorsement",
    "InboxView",
    "Invitation",
    "Membership",
    "OfficialDraft",
    "OwnershipEvent",
    "Product",
    "ProductVersion",
    "ReportSchedule",
    "ReportSettings",
    "ResponseTargetBreach",
    "ThreadOwnership",
    "hash_invitation_token",
    "hex_colour",
]
