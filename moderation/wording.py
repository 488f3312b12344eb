"""What each audit log action code says to a person: one mapping, read by every history and
audit view (the moderation page's history, the brand's audit log, thread histories) through
the `action_wording` filter (templatetags/audit_wording.py).

Each entry is what the actor did, to follow their name ("Aiko hid the answer"). A code the
services write without an entry here fails tests/moderation/test_wording.py, which walks
every `audit_log_record` call in the project; until then the page shows the code itself.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_WORDING = {
    # Moderators on threads and answers (moderation/services/actions.py, flags.py)
    "thread.dismiss": _("dismissed the flags on the thread"),
    "answer.dismiss": _("dismissed the flags on the answer"),
    "thread.hide": _("hid the thread pending review"),
    "answer.hide": _("hid the answer pending review"),
    "thread.restore": _("restored the thread"),
    "answer.restore": _("restored the answer"),
    "thread.delete": _("deleted the thread"),
    "answer.delete": _("deleted the answer"),
    "thread.lock": _("locked the thread"),
    "thread.unlock": _("unlocked the thread"),
    "thread.close_duplicate": _("closed the thread as a duplicate"),
    "thread.move": _("moved the thread"),
    "thread.auto_hide": _("hid the thread after several flags"),
    "answer.auto_hide": _("hid the answer after several flags"),
    "thread.hold": _("held the member's first thread for review"),
    "answer.hold": _("held the member's first answer for review"),
    "brand.first_post_hold": _("changed how many first posts are held for review"),
    "thread.approve": _("approved the held thread"),
    "answer.approve": _("approved the held answer"),
    "thread.edit": _("edited the thread"),
    "answer.edit": _("edited the answer"),
    # Appeals (moderation/services/appeals.py)
    "thread.appeal": _("appealed the thread's removal"),
    "answer.appeal": _("appealed the answer's removal"),
    "thread.appeal_upheld": _("upheld the thread's removal on appeal"),
    "answer.appeal_upheld": _("upheld the answer's removal on appeal"),
    "thread.appeal_reversed": _("reversed the thread's removal on appeal"),
    "answer.appeal_reversed": _("reversed the answer's removal on appeal"),
    # Verification and endorsement
    "answer.verify": _("verified the answer as accurate"),
    "answer.verification_withdrawn": _("withdrew the answer's verification"),
    "answer.verification_declined": _("declined to verify the edited answer again"),
    "answer.endorse": _("endorsed the answer for the brand"),
    "answer.endorsement_withdraw": _("withdrew the brand's endorsement"),
    "answer.endorsement_withdrawn": _("the endorsement was withdrawn after an edit"),
    "answer.endorsement_confirm": _("confirmed the endorsement after an edit"),
    "version.publish": _("published a product version"),
    # Sanctions (moderation/services/sanctions.py)
    "member.suspension": _("suspended the member"),
    "member.ban": _("banned the member"),
    "member.sanction_lifted": _("lifted the member's sanction"),
    "member.two_factor_reset": _("reset the member's two-factor authentication"),
    # Crisis keywords and alerts
    "crisis_keyword.add": _("added a crisis keyword"),
    "crisis_keyword.remove": _("removed a crisis keyword"),
    "crisis_alert.acknowledge": _("acknowledged a crisis alert"),
    "crisis_channel.set": _("changed where crisis alerts go"),
    # Removal requests
    "removal_request.file": _("filed a removal request"),
    "removal_request.remove": _("decided a removal request: removed"),
    "removal_request.keep": _("decided a removal request: kept"),
    "removal_request.partly": _("decided a removal request: partly removed"),
    # Thread ownership and customer notes (brands/services/ownership.py)
    "thread.take": _("took the thread for the brand"),
    "thread.release": _("released the thread"),
    "thread.hand_over": _("handed the thread over"),
    "thread.set_version": _("set the thread's product version"),
    "customer_note.add": _("added a note on the customer"),
    # Brand team, claims and settings
    "brand.start": _("started the brand's community"),
    "brand.response_target": _("changed the response target"),
    "brand.admin_change": _("changed the brand in the admin"),
    "claim.submit": _("submitted a claim for the brand"),
    "claim.approve": _("approved the brand's claim"),
    "claim.reject": _("rejected the brand's claim"),
    "invitation.create": _("invited someone to the team"),
    "invitation.revoke": _("revoked an invitation"),
    "invitation.accept": _("accepted an invitation to the team"),
    "membership.create": _("added a team member"),
    "membership.change_role": _("changed a team member's role"),
    "membership.department": _("changed a team member's department"),
    "membership.revoke": _("removed a team member"),
    "membership.admin_change": _("changed a team member in the admin"),
    "membership.approval": _("changed whether a team member approves drafts"),
    "brand.self_approval": _("changed whether approvers may approve their own drafts"),
    "approval_rule.add": _("added an approval rule"),
    "approval_rule.remove": _("removed an approval rule"),
    "official_draft.submit": _("submitted a draft official answer for approval"),
    "official_draft.approve": _("approved a draft official answer"),
    "official_draft.request_changes": _("asked for changes to a draft official answer"),
    "official_draft.revise": _("revised a draft official answer"),
    "official_draft.withdraw": _("withdrew a draft official answer"),
    "canned_reply.create": _("created a canned reply"),
    "canned_reply.change": _("changed a canned reply"),
    "canned_reply.delete": _("deleted a canned reply"),
    "report.schedule": _("scheduled a report by e-mail"),
    "report.unschedule": _("stopped a scheduled report"),
    "report.cost_per_contact": _("set the cost per contact for reports"),
    "department_request.send": _("sent a department request"),
    "department_request.start": _("started on a department request"),
    "department_request.answer": _("answered a department request"),
    # Look, domains and the widget (themes/services)
    "theme.publish": _("published the brand's look"),
    "domain.add": _("added a domain"),
    "domain.remove": _("removed a domain"),
    "domain.verified": _("the domain's DNS record was found"),
    "domain.unverified": _("the domain's DNS record was not found"),
    "widget_origin.add": _("allowed a site to embed the widget"),
    "widget_origin.remove": _("stopped a site embedding the widget"),
    # Feedback and integrations
    "feedback.create": _("created a feedback item"),
    "feedback.link": _("linked a thread to a feedback item"),
    "feedback.unlink": _("unlinked a thread from a feedback item"),
    "feedback.merge": _("merged feedback items"),
    "feedback.status": _("changed a feedback item's status"),
    "feedback.public_status": _("changed a feedback item's public status"),
    "feedback.label_create": _("created a feedback label"),
    "feedback.label_delete": _("deleted a feedback label"),
    "integrations.secret_create": _("created the integration secret"),
    "integrations.secret_rotate": _("rotated the integration secret"),
    "integrations.endpoint_create": _("added a webhook endpoint"),
    "integrations.endpoint_pause": _("paused a webhook endpoint"),
    "integrations.endpoint_resume": _("resumed a webhook endpoint"),
    "integrations.endpoint_delete": _("deleted a webhook endpoint"),
    "integrations.endpoint_events": _("changed a webhook endpoint's events"),
    # The API's keys
    "api_key.create": _("created an API key"),
    "api_key.revoke": _("revoked an API key"),
    # Private cases (cases/services.py)
    "case.open": _("opened a private case"),
    "case.resolve": _("resolved a private case"),
    "case.summary_propose": _("proposed a public summary of the case"),
    "case.summary_approve": _("approved the case's public summary"),
    "case.summary_decline": _("declined the case's public summary"),
    "case.read": _("read a private case"),
    "case.helpdesk_update": _("the helpdesk updated a private case"),
    # Channels: a brand's e-mail addresses (mailin/) and LINE account (line/)
    "mail_alias.add": _("added an e-mail address for threads by e-mail"),
    "mail_alias.remove": _("removed an e-mail address for threads by e-mail"),
    "line.channel_save": _("changed the brand's LINE official account settings"),
    # Company sign-on (sso/)
    "sso.configure": _("set up the company's single sign-on"),
    "sso.remove": _("turned the company's single sign-on off"),
    "sso.connect": _("connected a company account"),
    "sso.powers_end": _("ended brand powers the company's identity provider no longer vouches for"),
    "membership.end_by_identity_provider": _(
        "ended a team membership: the company's identity provider removed the person"
    ),
    "membership.restore_by_identity_provider": _(
        "restored a team membership on a sign-in through the company's identity provider"
    ),
    # Knowledge articles (knowledge/)
    "thread.knowledge_article": _("made the thread into a knowledge article"),
}


def action_wording(code: str) -> str:
    """The sentence for an action code; the code itself for one not yet worded."""
    wording = ACTION_WORDING.get(code)
    return str(wording) if wording is not None else code
