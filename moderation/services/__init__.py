"""Writes for moderation, one module per sub-domain; import from here.

Every moderator action and every brand power used is recorded with `audit_log_record`
in the same transaction as the change it records, and the author is told (Celery,
after commit).
"""

from .actions import (
    AlreadyDecided,
    post_delete,
    post_dismiss_flags,
    post_hide,
    post_restore,
    thread_close_as_duplicate,
    thread_lock,
    thread_move,
    thread_unlock,
)
from .appeals import appeal_create, appeal_decide
from .audit import audit_log_record
from .batch import posts_act_in_batch
from .crisis import (
    crisis_alert_acknowledge,
    crisis_alert_raise,
    crisis_channel_set,
    crisis_check,
    crisis_escalations_record,
)
from .crisis_surge import surge_check, surges_check
from .flags import flag_create
from .holds import (
    first_post_hold,
    first_post_hold_of,
    first_post_hold_set,
    is_held,
    post_approve_held,
)
from .keywords import crisis_keyword_add, crisis_keyword_remove, crisis_scan, normalize_for_matching
from .sanctions import member_ban, member_ban_and_remove_posts, member_suspend, sanction_lift
from .verification import (
    answer_verify,
    verification_decline,
    verification_withdraw_after_edit,
)

__all__ = [
    "AlreadyDecided",
    "answer_verify",
    "appeal_create",
    "appeal_decide",
    "audit_log_record",
    "crisis_alert_acknowledge",
    "crisis_alert_raise",
    "crisis_channel_set",
    "crisis_check",
    "crisis_escalations_record",
    "crisis_keyword_add",
    "crisis_keyword_remove",
    "crisis_scan",
    "first_post_hold",
    "first_post_hold_of",
    "first_post_hold_set",
    "flag_create",
    "is_held",
    "member_ban",
    "member_ban_and_remove_posts",
    "member_suspend",
    "normalize_for_matching",
    "post_approve_held",
    "post_delete",
    "post_dismiss_flags",
    "post_hide",
    "post_restore",
    "posts_act_in_batch",
    "sanction_lift",
    "surge_check",
    "surges_check",
    "thread_close_as_duplicate",
    "thread_lock",
    "thread_move",
    "thread_unlock",
    "verification_decline",
    "verification_withdraw_after_edit",
]
