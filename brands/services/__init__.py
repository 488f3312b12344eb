"""Writes for brands, one module per sub-domain; import them from here.

Each service checks its rule (brands.permissions), validates, writes in one transaction,
records what it did in the audit log, and queues e-mail and notifications after commit.
"""

from .communities import (
    BrandAlreadyHere,
    brand_start,
    claim_approve,
    claim_reject,
    claim_submit,
    verified_address_on_domain,
)
from .endorsements import (
    answer_endorse,
    endorsement_confirm,
    endorsement_withdraw,
    endorsement_withdraw_after_edit,
    version_publish,
)
from .inbox_views import (
    INBOX_COLUMNS,
    inbox_columns_set,
    inbox_preferences,
    inbox_view_delete,
    inbox_view_save,
)
from .notices import (
    claim_decision_notify,
    hand_over_notify,
    invitation_send,
    response_breach_notify,
    response_breaches_record,
)
from .ownership import (
    customer_note_add,
    release_all_owned_by,
    thread_hand_over,
    thread_release,
    thread_take,
    thread_version_set,
)
from .report_schedules import (
    finished_period,
    report_email_send,
    report_emails_queue,
    report_schedule_create,
    report_schedule_delete,
    report_settings_set,
)
from .requests import (
    department_request_answer,
    department_request_notify,
    department_request_send,
    department_request_start,
)
from .team import (
    INVITATION_LIFETIME,
    brand_response_target_set,
    department_for_label,
    invitation_accept,
    invitation_create,
    invitation_revoke,
    membership_change_role,
    membership_department_set,
    membership_revoke,
    memberships_end_for_identity_provider,
    memberships_restore_for_identity_provider,
)

__all__ = [
    "INBOX_COLUMNS",
    "INVITATION_LIFETIME",
    "BrandAlreadyHere",
    "answer_endorse",
    "brand_response_target_set",
    "brand_start",
    "claim_approve",
    "claim_decision_notify",
    "claim_reject",
    "claim_submit",
    "customer_note_add",
    "department_for_label",
    "department_request_answer",
    "department_request_notify",
    "department_request_send",
    "department_request_start",
    "endorsement_confirm",
    "endorsement_withdraw",
    "endorsement_withdraw_after_edit",
    "finished_period",
    "hand_over_notify",
    "inbox_columns_set",
    "inbox_preferences",
    "inbox_view_delete",
    "inbox_view_save",
    "invitation_accept",
    "invitation_create",
    "invitation_revoke",
    "invitation_send",
    "membership_change_role",
    "membership_department_set",
    "membership_revoke",
    "memberships_end_for_identity_provider",
    "memberships_restore_for_identity_provider",
    "release_all_owned_by",
    "report_email_send",
    "report_emails_queue",
    "report_schedule_create",
    "report_schedule_delete",
    "report_settings_set",
    "response_breach_notify",
    "response_breaches_record",
    "thread_hand_over",
    "thread_release",
    "thread_take",
    "thread_version_set",
    "verified_address_on_domain",
    "version_publish",
]
