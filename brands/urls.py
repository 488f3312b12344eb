from django.urls import path

from . import approval_urls
from .views import communities, directory, inbox, reports, requests, team, threads

app_name = "brands"

urlpatterns = [
    path("brands/", directory.brand_directory, name="directory"),
    path("brands/new/", communities.brand_start, name="start"),
    path("b/<slug:brand_slug>/claim/", communities.brand_claim, name="claim"),
    path("b/<slug:brand_slug>/team/", team.team, name="team"),
    path("b/<slug:brand_slug>/team/invite/", team.team_invite, name="invite"),
    path("b/<slug:brand_slug>/team/members/<int:pk>/role/", team.member_role, name="member_role"),
    path(
        "b/<slug:brand_slug>/team/members/<int:pk>/department/",
        team.member_department,
        name="member_department",
    ),
    path(
        "b/<slug:brand_slug>/team/members/<int:pk>/revoke/",
        team.member_revoke,
        name="member_revoke",
    ),
    path(
        "b/<slug:brand_slug>/team/invitations/<int:pk>/revoke/",
        team.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "b/<slug:brand_slug>/team/response-target/",
        team.response_target,
        name="response_target",
    ),
    path("b/<slug:brand_slug>/inbox/", inbox.inbox, name="inbox"),
    path("b/<slug:brand_slug>/inbox/columns/", inbox.inbox_columns, name="inbox_columns"),
    path("b/<slug:brand_slug>/inbox/views/", inbox.inbox_view_save, name="inbox_view_save"),
    path(
        "b/<slug:brand_slug>/inbox/views/<int:pk>/delete/",
        inbox.inbox_view_delete,
        name="inbox_view_delete",
    ),
    path(
        "b/<slug:brand_slug>/customers/<str:username>/",
        inbox.customer_card,
        name="customer_card",
    ),
    path(
        "b/<slug:brand_slug>/products/<slug:product_slug>/versions/",
        threads.versions,
        name="versions",
    ),
    path("b/<slug:brand_slug>/audit/", inbox.audit_log, name="audit_log"),
    path("b/<slug:brand_slug>/reports/", reports.brand_reports, name="reports"),
    path("b/<slug:brand_slug>/reports/settings/", reports.report_settings, name="report_settings"),
    path(
        "b/<slug:brand_slug>/reports/schedules/",
        reports.report_schedule_create,
        name="report_schedule_create",
    ),
    path(
        "b/<slug:brand_slug>/reports/schedules/<int:pk>/delete/",
        reports.report_schedule_delete,
        name="report_schedule_delete",
    ),
    path(
        "b/<slug:brand_slug>/departments/",
        requests.department_requests,
        name="department_requests",
    ),
    path(
        "b/<slug:brand_slug>/departments/requests/new/",
        requests.department_request_send,
        name="department_request_send",
    ),
    path(
        "b/<slug:brand_slug>/departments/requests/<int:pk>/",
        requests.department_request,
        name="department_request",
    ),
    path("invitations/<str:token>/", team.invitation, name="invitation"),
    path("t/<int:pk>/-/own/", threads.thread_take, name="thread_take"),
    path("t/<int:pk>/-/release/", threads.thread_release, name="thread_release"),
    path("t/<int:pk>/-/hand-over/", threads.thread_hand_over, name="thread_hand_over"),
    path("t/<int:pk>/-/version/", threads.thread_version, name="thread_version"),
    path("a/<int:pk>/endorse/", threads.answer_endorse, name="endorse"),
    path(
        "endorsements/<int:pk>/withdraw/", threads.endorsement_withdraw, name="endorsement_withdraw"
    ),
    path("endorsements/<int:pk>/confirm/", threads.endorsement_confirm, name="endorsement_confirm"),
    path("staff/claims/", communities.staff_claims, name="staff_claims"),
    path(
        "staff/claims/<int:pk>/decide/", communities.staff_claim_decide, name="staff_claim_decide"
    ),
]

# Approvals of official answers and canned replies (brands/approval_urls.py).
urlpatterns += approval_urls.urlpatterns
