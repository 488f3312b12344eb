"""How each field that can hold a person's data is handled when they erase their account.

Reviewed by hand: every foreign key to the member, in every installed app, is listed here
with what erasure does to it, and every text column that may carry their name, username or
e-mail address in free text is scrubbed. tests/privacy/test_erasure_walk.py walks
`apps.get_models()` and fails on a foreign key to the member that is not listed, and on any
column that still holds the erased person's name, username or e-mail after erasure unless
it is listed under KEPT_TEXT with a reason.

The member's own row is kept, anonymised (privacy.services.account_erase): posts that
stay, votes, me-toos and moderation records point at it and read "a former member".

- DELETE: the rows go (they are about the person alone).
- NULL: the column is emptied (someone else's row that only named them).
- KEEP: the row stays and points at the anonymised member; the reason says why.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

DELETE = "delete"
NULL = "null"
KEEP = "keep"


@dataclass(frozen=True)
class Handling:
    action: str
    reason: str = ""


def _keep(reason: str) -> Handling:
    return Handling(KEEP, reason)


_POSTS = "the post stays under 'a former member' (or is removed on request, remove_posts)"
_RECORD = "a moderation or team record others rely on; it names only 'a former member'"
_BRAND_SETUP = "a brand's configuration; the row names only 'a former member'"
_WAGTAIL_HISTORY = "the site's editing history; the row names only 'a former member'"

# "app_label.Model.field" of the model that declares the field -> what erasure does.
USER_FIELDS: dict[str, Handling] = {
    # community
    "community.Notification.recipient": Handling(DELETE),
    "community.Notification.actor": Handling(NULL),
    "community.NotificationConsent.user": Handling(DELETE),
    "community.DigestPreference.user": Handling(DELETE),
    "community.DigestSent.user": Handling(DELETE),
    # brands
    "brands.Brand.created_by": _keep(_BRAND_SETUP),
    "brands.Membership.user": Handling(DELETE),
    "brands.BrandClaim.claimant": _keep("the record of who claimed a brand, for staff"),
    "brands.BrandClaim.decided_by": _keep(_RECORD),
    "brands.Invitation.invited_by": _keep(_RECORD),
    "brands.Invitation.accepted_by": _keep(_RECORD),
    "brands.ThreadOwnership.owner": _keep("the thread's official owner, shown on the thread"),
    "brands.OwnershipEvent.actor": _keep(_RECORD),
    "brands.OwnershipEvent.owner": _keep(_RECORD),
    "brands.OwnershipEvent.previous_owner": _keep(_RECORD),
    "brands.Endorsement.rep": _keep(_RECORD),
    "brands.Endorsement.confirmed_by": _keep(_RECORD),
    "brands.Endorsement.withdrawn_by": _keep(_RECORD),
    "brands.ApprovalRule.created_by": _keep(_BRAND_SETUP),
    "brands.OfficialDraft.author": _keep("a rep's draft of the brand's official answer"),
    "brands.OfficialDraft.decided_by": _keep(_RECORD),
    "brands.AnswerApproval.approved_by": _keep(_RECORD),
    "brands.CannedReply.created_by": _keep(_BRAND_SETUP),
    "brands.ReportSchedule.created_by": _keep(_BRAND_SETUP),
    "brands.InboxView.user": Handling(DELETE),
    "brands.DepartmentRequest.requested_by": _keep(_RECORD),
    "brands.DepartmentRequest.answered_by": _keep(_RECORD),
    "brands.CustomerNote.customer": Handling(DELETE),
    "brands.CustomerNote.author": _keep("a rep's hand-over note about another customer"),
    # qa
    "qa.Thread.author": _keep(_POSTS),
    "qa.Answer.author": _keep(_POSTS),
    "qa.Answer.accepted_by": _keep("the answer's accepted mark, under 'a former member'"),
    "qa.Answer.endorsed_by": _keep(_RECORD),
    "qa.Answer.verified_by": _keep(_RECORD),
    "qa.HelpfulVote.user": _keep("the answer's count stays; who voted reads 'a former member'"),
    "qa.MeToo.user": _keep("the thread's count and cohort stay; nothing in it names anyone"),
    "qa.ThreadSubscription.user": Handling(DELETE),
    # follows: what they follow and the follow-ups they were sent (the thread's count stays)
    "follows.Follow.user": Handling(DELETE),
    "follows.FollowUp.user": Handling(DELETE),
    "qa.Revision.editor": _keep("the post's history, under 'a former member'"),
    "qa.Revision.suggested_by": _keep("the post's history, under 'a former member'"),
    "qa.SuggestedEdit.suggested_by": Handling(DELETE),
    "qa.SuggestedEdit.decided_by": Handling(NULL),
    "qa.PostSubmission.author": Handling(DELETE),
    # feedback and integrations
    "feedback.BrandSigningSecret.created_by": _keep(_BRAND_SETUP),
    "feedback.WebhookEndpoint.created_by": _keep(_BRAND_SETUP),
    "feedback.FeedbackItem.created_by": _keep(_RECORD),
    "feedback.FeedbackLink.linked_by": _keep(_RECORD),
    "feedback.FeedbackStatusChange.actor": _keep(_RECORD),
    "feedback.FeedbackComment.author": _keep("a team member's comment on a feedback item"),
    "feedback.ThreadLabel.added_by": _keep(_RECORD),
    "feedback.FeedbackLoopClosure.user": Handling(DELETE),
    "feedback.FeedbackEmailOptOut.user": Handling(DELETE),
    # moderation
    "moderation.ModeratorAppointment.user": Handling(DELETE),
    "moderation.ModeratorAppointment.appointed_by": _keep(_RECORD),
    "moderation.AuditLogEntry.actor": _keep("the audit log is kept whole; texts are scrubbed"),
    "moderation.Flag.flagger": _keep(_RECORD),
    "moderation.Flag.resolved_by": _keep(_RECORD),
    "moderation.Verification.moderator": _keep(_RECORD),
    "moderation.Verification.rechecked_by": _keep(_RECORD),
    "moderation.Appeal.author": _keep(_RECORD),
    "moderation.Appeal.decided_by": _keep(_RECORD),
    "moderation.Sanction.user": _keep("a sanction's record stays, against ban evasion"),
    "moderation.Sanction.imposed_by": _keep(_RECORD),
    "moderation.Sanction.lifted_by": _keep(_RECORD),
    "moderation.CrisisKeyword.created_by": _keep(_BRAND_SETUP),
    "moderation.CrisisAlert.acknowledged_by": _keep(_RECORD),
    "moderation.FirstPostHold.set_by": _keep(_BRAND_SETUP),
    # legal
    "legal.RemovalRequest.requester": _keep(
        "a record the 2025 platform law's process and transparency report rely on"
    ),
    "legal.RemovalRequest.decided_by": _keep(_RECORD),
    # themes
    "themes.BrandDomain.created_by": _keep(_BRAND_SETUP),
    "themes.WidgetOrigin.created_by": _keep(_BRAND_SETUP),
    "themes.BrandTheme.updated_by": _keep(_BRAND_SETUP),
    "themes.BrandTheme.published_by": _keep(_BRAND_SETUP),
    # api
    "api.PersonalAccessToken.user": Handling(DELETE),
    "api.BrandApiKey.integration_user": _keep(_BRAND_SETUP),
    "api.BrandApiKey.created_by": _keep(_BRAND_SETUP),
    # cases
    "cases.Case.customer": Handling(DELETE),
    "cases.Case.opened_by": _keep(_RECORD),
    "cases.Case.resolved_by": _keep(_RECORD),
    "cases.Case.summary_by": _keep(_RECORD),
    "cases.CaseMessage.author": _keep("a rep's message in another customer's case"),
    # sso
    "sso.SignOnLink.user": Handling(DELETE),
    # mail in: the person's own mails as they came (their address, their words)
    "mailin.InboundMessage.user": Handling(DELETE),
    # line
    "line_channel.LineLink.user": Handling(DELETE),
    "line_channel.LinePush.user": Handling(DELETE),
    "line_channel.LineCaseRequest.requester": Handling(DELETE),
    # attachments: the files first (account_erase calls attachments_erase)
    "attachments.Attachment.uploader": Handling(DELETE),
    # reputation: the person's own standing, points and badges
    "reputation.ReputationEvent.member": Handling(DELETE),
    "reputation.BrandReputation.member": Handling(DELETE),
    "reputation.Badge.member": Handling(DELETE),
    # knowledge: the credit goes (the article's text is scrubbed of the name below)
    "knowledge.ThreadArticle_contributors.user": Handling(DELETE),
    "knowledge.ThreadArticle.created_by": Handling(NULL),
    # search
    "search.BrandSynonym.created_by": Handling(NULL),
    # privacy
    "privacy.SocialAccount.user": Handling(DELETE),
    "privacy.DataExport.user": Handling(DELETE),  # the files first (account_erase)
    "privacy.DisclosurePolicy.updated_by": Handling(NULL),
    "privacy.DisclosureRequest.requester": Handling(DELETE),
    "privacy.DisclosureRequest.answered_by": _keep(_RECORD),
    # accounts, Django and Wagtail
    "community.User_groups.user": Handling(DELETE),
    "community.User_user_permissions.user": Handling(DELETE),
    "brands.ReportSchedule_recipients.user": Handling(DELETE),
    "account.EmailAddress.user": Handling(DELETE),
    "mfa.Authenticator.user": Handling(DELETE),
    "admin.LogEntry.user": _keep("Django's admin history; texts are scrubbed"),
    "wagtailusers.UserProfile.user": Handling(DELETE),
    "wagtaildocs.Document.uploaded_by_user": Handling(NULL),
    "wagtailimages.Image.uploaded_by_user": Handling(NULL),
    "wagtailadmin.EditingSession.user": Handling(DELETE),
    "wagtailadmin.FormState.user": Handling(DELETE),
    "wagtailcore.APIToken.user": Handling(DELETE),
    "wagtailcore.ModelLogEntry.user": _keep(_WAGTAIL_HISTORY),
    "wagtailcore.PageLogEntry.user": _keep(_WAGTAIL_HISTORY),
    "wagtailcore.Revision.user": _keep(_WAGTAIL_HISTORY),
    "wagtailcore.UploadedFile.uploaded_by_user": Handling(DELETE),
    "wagtailcore.WorkflowState.requested_by": _keep(_WAGTAIL_HISTORY),
    "wagtailcore.TaskState.finished_by": _keep(_WAGTAIL_HISTORY),
    "wagtailcore.Page.owner": Handling(NULL),
    "wagtailcore.Page.locked_by": Handling(NULL),
    "wagtailcore.Comment.user": Handling(DELETE),
    "wagtailcore.Comment.resolved_by": Handling(NULL),
    "wagtailcore.CommentReply.user": Handling(DELETE),
    "wagtailcore.PageSubscription.user": Handling(DELETE),
    # Sign-in providers, where the social sign-in app is installed.
    "socialaccount.SocialAccount.user": Handling(DELETE),
}

# Free-text columns where someone may have written the person's name, username or e-mail
# address; erasure replaces each occurrence with "a former member".
SCRUBBED_TEXT: tuple[str, ...] = (
    "community.Notification.message",
    "brands.BrandClaim.evidence",
    "brands.BrandClaim.reason",
    "brands.Invitation.email",
    "brands.Endorsement.withdrawn_reason",
    "brands.CustomerNote.body",
    "qa.Thread.title",
    "qa.Thread.body",
    "qa.Thread.body_html",
    "qa.Thread.excerpt",
    "qa.Answer.body",
    "qa.Answer.body_html",
    "qa.Revision.title",
    "qa.Revision.body",
    "qa.Revision.body_html",
    "qa.SuggestedEdit.body",
    "qa.SuggestedEdit.reason",
    "feedback.WebhookDelivery.payload",
    "feedback.WebhookDelivery.error",
    "feedback.InboundWebhook.reason",
    "feedback.FeedbackItem.title",
    "feedback.FeedbackItem.summary",
    "feedback.FeedbackItem.resolution",
    "feedback.FeedbackItem.decline_reason",
    "feedback.FeedbackStatusChange.note",
    "feedback.FeedbackComment.body",
    "moderation.AuditLogEntry.target_repr",
    "moderation.AuditLogEntry.reason",
    "moderation.AuditLogEntry.data",
    "moderation.Flag.note",
    "moderation.Flag.resolution",
    "moderation.Verification.note",
    "moderation.Verification.recheck_reason",
    "moderation.Appeal.message",
    "moderation.Appeal.decision_reason",
    "moderation.Sanction.reason",
    "outbox.Message.args",
    "outbox.Message.last_error",
    "search.IndexOutbox.last_error",
    "cases.Case.summary_body",
    "cases.CaseMessage.body",
    "cases.CaseMessage.body_html",
    "cases.CaseMessage.helpdesk_author",
    "cases.HelpdeskUpdate.reason",
    "attachments.Attachment.alt_text",
    # a knowledge article credits its contributors by name, and its revisions keep the text
    "themes.KnowledgeArticlePage.body",
    "themes.KnowledgeArticlePage.body_ja",
    "wagtailcore.Revision.content",
    "privacy.DisclosureRequest.message",
    "privacy.DisclosureRequest.answer",
    "admin.LogEntry.object_repr",
    "admin.LogEntry.change_message",
)

# Text columns that may still hold the person's identifiers after erasure, and why.
KEPT_TEXT: dict[str, str] = {
    "community.User.password": "an unusable password hash, never their words",
}


def user_fields() -> list[tuple[type[models.Model], models.Field]]:
    """Every concrete foreign key to the member, once, on the model that declares it;
    many-to-many links too (their through tables)."""
    user_model = get_user_model()
    seen, found = set(), []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is user_model:
                key = (field.model, field.name)
                if key not in seen:
                    seen.add(key)
                    found.append((field.model, field))
    return found


def field_label(model: type[models.Model], field: models.Field) -> str:
    return f"{model._meta.label}.{field.name}"
