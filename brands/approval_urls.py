"""Addresses of approvals and canned replies, added to brands/urls.py."""

from django.urls import path

from .views import approvals

urlpatterns = [
    path("b/<slug:brand_slug>/approvals/", approvals.approval_queue, name="approvals"),
    path("b/<slug:brand_slug>/approvals/<int:pk>/", approvals.draft_detail, name="draft"),
    path(
        "b/<slug:brand_slug>/approvals/<int:pk>/approve/",
        approvals.draft_approve,
        name="draft_approve",
    ),
    path(
        "b/<slug:brand_slug>/approvals/<int:pk>/changes/",
        approvals.draft_request_changes,
        name="draft_request_changes",
    ),
    path(
        "b/<slug:brand_slug>/approvals/<int:pk>/revise/",
        approvals.draft_revise,
        name="draft_revise",
    ),
    path(
        "b/<slug:brand_slug>/approvals/<int:pk>/withdraw/",
        approvals.draft_withdraw,
        name="draft_withdraw",
    ),
    path(
        "b/<slug:brand_slug>/team/approval-rules/",
        approvals.approval_rule_add,
        name="approval_rule_add",
    ),
    path(
        "b/<slug:brand_slug>/team/approval-rules/<int:pk>/remove/",
        approvals.approval_rule_remove,
        name="approval_rule_remove",
    ),
    path(
        "b/<slug:brand_slug>/team/members/<int:pk>/approval/",
        approvals.member_approval,
        name="member_approval",
    ),
    path(
        "b/<slug:brand_slug>/team/self-approval/",
        approvals.self_approval,
        name="self_approval",
    ),
    path(
        "b/<slug:brand_slug>/canned-replies/",
        approvals.canned_replies,
        name="canned_replies",
    ),
    path(
        "b/<slug:brand_slug>/canned-replies/<int:pk>/",
        approvals.canned_reply_edit,
        name="canned_reply_edit",
    ),
    path(
        "b/<slug:brand_slug>/canned-replies/<int:pk>/delete/",
        approvals.canned_reply_delete,
        name="canned_reply_delete",
    ),
    path(
        "b/<slug:brand_slug>/canned-replies/<int:pk>/used/",
        approvals.canned_reply_used,
        name="canned_reply_used",
    ),
]
