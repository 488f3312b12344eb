"""Every service that changes what a thread page or a brand's list shows moves its page
version (community.page_cache), so no cached page outlives a change.

The walk finds every public function of the services of qa, brands, moderation, feedback
and themes. Each is either run here on fixture data, its thread's page version (or its
brand list's) checked before and after, or listed with the reason it changes no such page.
A new service that is in neither list fails `test_every_public_service_is_accounted_for`.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from brands.models import Brand, BrandClaim, Membership, ProductVersion
from community import page_cache
from moderation.models import ModeratorAppointment
from qa.models import SuggestedEdit
from tests.brands.factories import BrandFactory, MembershipFactory, ProductFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db

SERVICE_PACKAGES = (
    "qa.services",
    "brands.services",
    "moderation.services",
    "feedback.services",
    "integrations.services",
    "themes.services",
    "cases.services",
    "legal.services",
    "privacy.services",
    "follows.services",
    "sso.services",
    "line.services",
    "reputation.services",
    "knowledge.services",
)


def _public_services() -> Iterator[tuple[str, str]]:
    for package in SERVICE_PACKAGES:
        if importlib.util.find_spec(package.split(".")[0]) is None:
            continue  # an app not there (yet)
        root = importlib.import_module(package)
        modules = [root]
        if hasattr(root, "__path__"):
            modules += [
                importlib.import_module(f"{package}.{info.name}")
                for info in pkgutil.iter_modules(root.__path__)
            ]
        for module in modules:
            for name, function in inspect.getmembers(module, inspect.isfunction):
                if function.__module__ == module.__name__ and not name.startswith("_"):
                    yield module.__name__, name


def _service(name: str) -> Callable:
    for module, found in _public_services():
        if found == name:
            return getattr(importlib.import_module(module), name)
    raise LookupError(name)


# --- Services that change no cached page, and why ----------------------------------------

NOT_ON_CACHED_PAGES = {
    # reputation: points, levels and badges show on profiles and the contributors page only
    "reputation_event": "points show on the profile and the contributors page, never cached",
    "reputation_event_reverse": "as reputation_event",
    "badge_award": "badges show on the profile and the contributors page, never cached",
    "points_for": "a read",
    "level_of": "a read",
    "vote_key": "a read: a name",
    "accepted_key": "a read: a name",
    "verified_key": "a read: a name",
    "fixed_for_me_key": "a read: a name",
    # qa
    "thread_subscribe": "the follow button is the reader's own slot, filled per request",
    "suggested_edit_create": "a suggestion shows only on the answer's suggestions page",
    "suggested_edit_decline": "a declined suggestion leaves the answer as it was",
    # follows
    "follow": "the follow buttons are the reader's own slot, filled per request",
    "unfollow": "the follow buttons are the reader's own slot, filled per request",
    "mute": "the follow buttons are the reader's own slot, filled per request",
    # privacy: a person's own pages and the brands' disclosure pages; no cached page
    "social_account_clean": "a check; writes nothing",
    "social_accounts_update": "shown on the profile and the team's pages, never cached",
    "export_request": "the member's own privacy page",
    "export_prepare": "a file and a notice for the member",
    "exports_expire": "removes export files",
    "disclosure_policy_update": "shown on the member's privacy page only",
    "disclosure_request_create": "the member's and the brand admins' pages",
    "disclosure_request_notify": "a notice to the brand's admins",
    "disclosure_request_answer": "the member's and the brand admins' pages",
    "disclosure_answer_notify": "a notice to the member",
    # brands: the brand's start, claims, team and notices
    "brand_start": "a new community brand has no thread yet",
    "claim_submit": "a pending claim shows only to staff and the claimant",
    "claim_reject": "a rejected claim changes nothing public",
    "verified_address_on_domain": "a read",
    "invitation_create": "invitations show only on the team page",
    "invitation_revoke": "invitations show only on the team page",
    "invitation_accept": "roles show only in each reader's own slots, filled per request",
    "membership_change_role": "roles show only in each reader's own slots",
    "membership_revoke": "roles show only in each reader's own slots; the person's threads "
    "go back through release_all_owned_by, run below",
    "memberships_end_for_identity_provider": "as membership_revoke",
    "memberships_restore_for_identity_provider": "roles show only in each reader's own slots",
    # line: a brand's LINE account; its chat and pushes show on no page
    "line_channel_save": "shown on the brand admin's LINE page only",
    "webhook_receive": "stores LINE's events; answers go to the chat",
    "request_process": "answers in the chat; a question is published by line_question_publish",
    "relay_deliver": "forwards to the brand's own LINE tool",
    "line_link": "a person's LINE link shows on no page",
    "line_case_request": "a private request shows only on the team's LINE requests page",
    "case_request_notify": "a notification",
    "line_case_reply": "a push to the person's LINE",
    "notification_push": "a push to the person's LINE",
    "push_deliver": "a push to the person's LINE",
    # sso: a brand's company sign-on and the people it vouches for
    "sign_on_configure": "shown on the brand admin's sign-on page only",
    "sign_on_remove": "shown on the brand admin's sign-on page only",
    "sign_on_seen": "a sign-in; memberships given back as memberships_restore_…",
    "sign_on_powers_end": "memberships ended as memberships_end_for_identity_provider",
    "sign_on_links_check": "as sign_on_powers_end",
    "brand_response_target_set": "response targets show only in the team's inbox",
    "response_breaches_record": "breaches show only in the team's inbox and reports",
    "response_breach_notify": "a notification",
    "hand_over_notify": "a notification",
    "claim_decision_notify": "a notification",
    "invitation_send": "an e-mail",
    "customer_note_add": "notes show only on the team's customer card",
    # brands: departments, their requests, reports and each member's inbox
    "department_for_label": "departments show only on the team's pages",
    "membership_department_set": "departments show only on the team's pages",
    "department_request_send": "requests show only to the brand's team, on pages rendered for them",
    "department_request_start": "as department_request_send",
    "department_request_answer": "as department_request_send",
    "department_request_notify": "a notification",
    "report_settings_set": "a setting of the team's reports page",
    "report_schedule_create": "scheduled e-mails show only on the team's reports page",
    "report_schedule_delete": "as report_schedule_create",
    "report_emails_queue": "queues e-mails",
    "report_email_send": "an e-mail",
    "finished_period": "a read: dates",
    "period_name": "a read: a period's name",
    "inbox_preferences": "a read",
    "inbox_columns_set": "a member's own inbox",
    "inbox_view_save": "a member's own inbox",
    "inbox_view_delete": "a member's own inbox",
    # brands: approvals and canned replies (a draft is no answer; draft_approve is run below)
    "official_draft_submit": "a draft shows only to the brand's team, on pages rendered for them",
    "draft_request_changes": "as official_draft_submit",
    "draft_revise": "as official_draft_submit",
    "draft_withdraw": "as official_draft_submit",
    "official_draft_notify": "a notification",
    "approval_rule_add": "approval rules show only on the team page",
    "approval_rule_remove": "approval rules show only on the team page",
    "membership_approval_set": "approval roles show only on the team page",
    "brand_self_approval_set": "a brand's setting on the team page",
    "canned_reply_save": "canned replies show only to the team, beside the answer form of "
    "pages rendered for them",
    "canned_reply_delete": "as canned_reply_save",
    "canned_reply_used": "a counter on the team's canned-replies page",
    "endorsement_withdraw_after_edit": "called by answer_edit, in its transaction, after it "
    "cleared the badge and dropped the page",
    # feedback: the team's own pages, notices and integrations
    "feedback_comment_add": "comments show only on the team's item page",
    "feedback_mentions_notify": "a notification",
    "mentioned_team": "a read",
    "feedback_loop_close": "notifications to the people affected; the status they see was "
    "set (and its pages dropped) by feedback_status_set",
    "feedback_email_opt_out_set": "a person's e-mail preference",
    "feedback_emails_opted_out": "a read",
    "opt_out_token": "a read",
    "opt_out_user": "a read",
    "feedback_label_create": "labels are internal triage, shown in the team's own slot",
    "feedback_label_delete": "labels are internal triage, shown in the team's own slot",
    "thread_labels_set": "labels are internal triage, shown in the team's own slot",
    "absolute": "a read: an address",
    "item_data": "a read: a webhook's payload",
    "webhook_backoff_seconds": "a read",
    "signing_secret_rotate": "integration settings, team only",
    "webhook_endpoint_create": "integration settings, team only",
    "webhook_endpoint_set_active": "integration settings, team only",
    "webhook_endpoint_delete": "integration settings, team only",
    # integrations: events for the brand's tools
    "event_emit": "an outgoing webhook",
    "clean_event_kinds": "a read: form cleaning",
    "webhook_endpoint_events_set": "integration settings, team only",
    "webhook_test_send": "an outgoing webhook",
    "webhook_delivery_attempt": "an outgoing webhook",
    "inbound_webhook_receive": "changes an item's status through "
    "feedback_status_set_by_tracker, run below",
    # moderation
    "removal_of": "a read",
    "appeal_create": "an appeal shows only in the moderators' queue",
    "audit_log_record": "the audit log is for moderators and the team",
    "crisis_keyword_add": "keywords are for moderators",
    "crisis_keyword_remove": "keywords are for moderators",
    "keywords_matching": "a read",
    "normalize_for_matching": "a read",
    "crisis_scan": "puts a post in the review queue; it hides nothing",
    "keywords_found": "a read",
    "crisis_alert_raise": "an alert shows only to the team (its inbox marker, filled per "
    "request) and the moderators",
    "crisis_alert_join": "as crisis_alert_raise",
    "crisis_alert_acknowledge": "as crisis_alert_raise",
    "crisis_escalations_record": "as crisis_alert_raise",
    "crisis_alert_notify": "a notification",
    "crisis_alert_escalate_notify": "a notification",
    "crisis_alert_webhook_send": "an outgoing webhook",
    "crisis_channel_set": "crisis settings, admins only",
    "crisis_check": "as crisis_alert_raise",
    "surge_measure": "a read",
    "surge_check": "as crisis_alert_raise",
    "surge_check_thread": "as crisis_alert_raise",
    "surges_check": "as crisis_alert_raise",
    "member_suspend": "a sanction changes what the member may do (their own slots), "
    "not what their posts show",
    "member_ban": "as member_suspend",
    "first_post_hold": "called by thread_create and answer_create before the post is "
    "counted or shown: a held post is on no cached page",
    "first_post_hold_of": "a read",
    "first_post_hold_set": "a brand's setting; it changes no post already written",
    "is_held": "a read",
    # legal: removal requests
    "post_from_url": "a read",
    "removal_clock": "a read",
    "removal_request_file": "a request shows only in the moderators' queue",
    "removal_request_respond": "a response shows only to the moderator deciding",
    "removal_criteria_page_ensure": "the site's own Wagtail page, not thread pages or lists",
    "sanction_lift": "as member_suspend",
    "verification_withdraw_after_edit": "called by answer_edit, in its transaction, after it "
    "cleared the badge and dropped the page; the row shows only in the re-check queue",
    "verification_decline": "a re-check's outcome shows only in the moderators' queue (the "
    "badge went when the answer was edited)",
    # themes
    "theme_contrast_errors": "a read",
    "clean_header_links": "a read: form cleaning",
    "theme_save_draft": "a draft shows only in its preview, which is never cached",
    "normalize_hostname": "a read",
    "normalize_origin": "a read",
    "domain_add": "a new domain is not served until domain_check finds its record",
    "domain_check_request": "queues a check; domain_check, run below, changes the pages",
    "domains_recheck": "queues checks; domain_check, run below, changes the pages",
    "widget_origin_add": "the widget's allowed origins, not a page",
    "widget_origin_remove": "the widget's allowed origins, not a page",
    "site_pages_ensure": "the site's own Wagtail pages, not thread pages or lists",
    "brand_page_ensure": "creates an empty brand page, which shows nothing on the list",
    "brand_editors_sync": "Wagtail permissions",
    "brand_sites_cleanup": "Wagtail sites of brands that are gone",
    # cases: what a case holds shows only on its own page; the thread shows its marker
    "case_message_post": "a case's messages show only on the case's own page",
    "case_summary_propose": "a proposed summary is private until the customer approves it",
    "case_read_record": "an audit-log entry",
    "case_notify": "a notification",
    "helpdesk_update_receive": "a reply shows only on the case's page; a new status goes "
    "through the path case_resolve takes, run below",
}


# --- The fixture -------------------------------------------------------------------------------


@dataclass
class World:
    brand: Brand
    other_brand: Brand
    product: object
    release: ProductVersion
    admin: object
    rep: object
    second_rep: object
    product_member: object
    moderator: object
    second_moderator: object
    staff: object
    customer: object
    helper: object
    thread: object
    answer: object


@pytest.fixture
def world(db) -> World:
    official = {"status": Brand.Status.OFFICIAL, "official_since": timezone.now()}
    brand = BrandFactory(name="Hoshino Camera", slug="hoshino-camera", **official)
    product = ProductFactory(brand=brand)
    release = ProductVersion.objects.create(
        product=product, name="1.0", released_at=timezone.now() - timedelta(days=30)
    )

    def member(role):
        user = UserFactory()
        MembershipFactory(brand=brand, user=user, role=role)
        return user

    def moderator():
        user = UserFactory()
        ModeratorAppointment.objects.create(user=user)
        return user

    customer = UserFactory()
    thread = ThreadFactory(brand=brand, author=customer, product=product)
    helper = UserFactory()
    return World(
        brand=brand,
        other_brand=BrandFactory(slug="kumo-mobile", **official),
        product=product,
        release=release,
        admin=member(Membership.Role.ADMIN),
        rep=member(Membership.Role.REP),
        second_rep=member(Membership.Role.REP),
        product_member=member(Membership.Role.PRODUCT),
        moderator=moderator(),
        second_moderator=moderator(),
        staff=UserFactory(is_staff=True),
        customer=customer,
        helper=helper,
        thread=thread,
        answer=AnswerFactory(thread=thread, author=helper),
    )


# --- Services that change pages: their setup, then the change ----------------------------
# Each returns (what must be dropped: threads and brands, the change itself).

Change = tuple[list, Callable[[], object]]


def _q(name):
    return _service(name)


def _line_question_publish(w):
    from line.models import LineEvent, LineRequest

    request = LineRequest.objects.create(brand=w.brand, body="{}")
    event = LineEvent.objects.create(
        brand=w.brand, request=request, webhook_event_id="01LINE", type="message", payload={}
    )
    return [w.brand], lambda: _q("line_question_publish")(
        actor=w.customer, event=event, title="From LINE", body="Body", product=None, consent=True
    )


def _item(w, threads=True):
    return _q("feedback_item_create")(
        actor=w.product_member,
        brand=w.brand,
        title="Battery drain since 1.0",
        threads=[w.thread] if threads else [],
    )


def _endorsed(w, version=None):
    return _q("answer_endorse")(actor=w.rep, answer=w.answer, version=version)


def _hidden_by_moderator(w):
    _q("post_hide")(actor=w.moderator, post=w.answer, reason="Spam.")
    w.answer.refresh_from_db()


def _solved_and_verified(w) -> None:
    _q("answer_accept")(actor=w.customer, answer=w.answer)
    _q("answer_verify")(moderator=w.moderator, answer=w.answer)


def _article_from_thread(w) -> Change:
    _solved_and_verified(w)
    return [w.thread], lambda: _q("article_from_thread")(actor=w.admin, thread=w.thread)


def _articles_mark_outdated(w) -> Change:
    w.thread.version = w.release
    w.thread.save(update_fields=["version"])
    _solved_and_verified(w)
    _q("article_from_thread")(actor=w.admin, thread=w.thread, publish=True)
    # It runs inside version_publish, which drops the threads it returns with the release's
    # other pages: run it the way it is run.
    return [w.thread], lambda: _q("version_publish")(actor=w.admin, product=w.product, name="9.0")


PAGE_CHANGES: dict[str, Callable[[World], Change]] = {
    # knowledge: the thread links to its article, which may be outdated
    "article_from_thread": _article_from_thread,
    "articles_mark_outdated": _articles_mark_outdated,
    # line: a message from LINE published as its writer's thread (through thread_create)
    "line_question_publish": lambda w: _line_question_publish(w),
    # qa
    "thread_create": lambda w: (
        [w.brand],
        lambda: _q("thread_create")(author=w.customer, brand=w.brand, title="New", body="Body"),
    ),
    "thread_edit": lambda w: (
        [w.thread],
        lambda: _q("thread_edit")(
            actor=w.customer, thread=w.thread, title="A clearer title", body="More detail."
        ),
    ),
    "answer_create": lambda w: (
        [RowOf(w.thread)],  # the thread stays where it is in the plain list
        lambda: _q("answer_create")(author=UserFactory(), thread=w.thread, body="Try this."),
    ),
    "answer_edit": lambda w: (
        [w.thread],
        lambda: _q("answer_edit")(actor=w.helper, answer=w.answer, body="Better advice."),
    ),
    "suggested_edit_accept": lambda w: (
        [w.thread],
        lambda: _q("suggested_edit_accept")(
            actor=w.helper,
            suggestion=SuggestedEdit.objects.create(
                answer=w.answer, suggested_by=w.customer, body="Better advice.", reason="steps"
            ),
        ),
    ),
    "answer_vote_toggle": lambda w: (
        [PageOnly(w.thread)],  # a list's row shows no answer
        lambda: _q("answer_vote_toggle")(user=UserFactory(), answer=w.answer),
    ),
    "thread_me_too_toggle": lambda w: (
        [RowOf(w.thread)],
        lambda: _q("thread_me_too_toggle")(user=UserFactory(), thread=w.thread),
    ),
    "answer_accept": lambda w: (
        [w.thread],
        lambda: _q("answer_accept")(actor=w.customer, answer=w.answer),
    ),
    "answer_unaccept": lambda w: (
        _q("answer_accept")(actor=w.customer, answer=w.answer) and [w.thread],
        lambda: _q("answer_unaccept")(actor=w.customer, answer=w.answer),
    ),
    # brands: claims, endorsements, ownership
    "claim_approve": lambda w: (
        [w.thread],
        lambda: _approve_claim(w),
    ),
    "answer_endorse": lambda w: ([w.thread], lambda: _endorsed(w)),
    "draft_approve": lambda w: _draft_approve(w),
    "endorsement_withdraw": lambda w: (
        [w.thread],
        (
            lambda endorsement: (
                lambda: _q("endorsement_withdraw")(actor=w.rep, endorsement=endorsement)
            )
        )(_endorsed(w)),
    ),
    "version_publish": lambda w: (
        _endorsed(w, version=w.release) and [w.thread],
        lambda: _q("version_publish")(actor=w.admin, product=w.product, name="2.0"),
    ),
    "endorsement_confirm": lambda w: _endorsement_confirm(w),
    "thread_take": lambda w: ([w.thread], lambda: _q("thread_take")(actor=w.rep, thread=w.thread)),
    "thread_release": lambda w: (
        _q("thread_take")(actor=w.rep, thread=w.thread) and [w.thread],
        lambda: _q("thread_release")(actor=w.rep, thread=w.thread),
    ),
    "thread_hand_over": lambda w: (
        _q("thread_take")(actor=w.rep, thread=w.thread) and [w.thread],
        lambda: _q("thread_hand_over")(actor=w.rep, thread=w.thread, to=w.second_rep),
    ),
    "release_all_owned_by": lambda w: (
        _q("thread_take")(actor=w.rep, thread=w.thread) and [w.thread],
        lambda: _q("release_all_owned_by")(
            user=w.rep, brand=w.brand, actor=w.admin, reason="Left the team."
        ),
    ),
    "thread_version_set": lambda w: (
        [w.thread],
        lambda: _q("thread_version_set")(actor=w.rep, thread=w.thread, version=w.release),
    ),
    # feedback: the public status on linked threads
    "feedback_item_create": lambda w: ([w.thread], lambda: _item(w)),
    "feedback_item_edit": lambda w: (
        lambda item: (
            [w.thread],
            lambda: _q("feedback_item_edit")(
                actor=w.product_member,
                item=item,
                title=item.title,
                kind="idea",  # "Available in" rather than "Fixed in"
                summary="",
                issue_url="",
            ),
        )
    )(_item(w)),
    "feedback_threads_link": lambda w: (
        lambda item: (
            [w.thread],
            lambda: _q("feedback_threads_link")(
                actor=w.product_member, item=item, threads=[w.thread]
            ),
        )
    )(_item(w, threads=False)),
    "feedback_thread_unlink": lambda w: (
        _item(w) and [w.thread],
        lambda: _q("feedback_thread_unlink")(actor=w.product_member, thread=w.thread),
    ),
    "feedback_items_merge": lambda w: (
        lambda source, target: (
            [w.thread],
            lambda: _q("feedback_items_merge")(
                actor=w.product_member, source=source, target=target
            ),
        )
    )(_item(w), _item(w, threads=False)),
    "feedback_status_set": lambda w: (
        lambda item: (
            [w.thread],
            lambda: _q("feedback_status_set")(actor=w.product_member, item=item, status="planned"),
        )
    )(_item(w)),
    "feedback_status_set_by_tracker": lambda w: (
        lambda item: (
            [w.thread],
            lambda: _q("feedback_status_set_by_tracker")(item=item, status="planned"),
        )
    )(_item(w)),
    # moderation
    "post_hide": lambda w: (
        [w.thread],
        lambda: _q("post_hide")(actor=w.moderator, post=w.answer, reason="Spam."),
    ),
    "post_restore": lambda w: (
        _hidden_by_moderator(w) or [w.thread],
        lambda: _q("post_restore")(actor=w.second_moderator, post=w.answer, reason="Fine."),
    ),
    "post_delete": lambda w: (
        [w.thread],
        lambda: _q("post_delete")(actor=w.moderator, post=w.answer, reason="Spam."),
    ),
    "post_dismiss_flags": lambda w: (
        _q("flag_create")(flagger=w.moderator, reason="spam", answer=w.answer) and [w.thread],
        lambda: _q("post_dismiss_flags")(
            actor=w.second_moderator, post=_fresh(w.answer), reason="Not spam."
        ),
    ),
    "flag_create": lambda w: (
        [w.thread],
        lambda: _q("flag_create")(flagger=w.moderator, reason="spam", answer=w.answer),
    ),
    "posts_act_in_batch": lambda w: (
        [w.thread],
        lambda: _q("posts_act_in_batch")(
            actor=w.moderator, action="hide", reason="Spam wave.", posts=[(w.answer, None)]
        ),
    ),
    "member_ban_and_remove_posts": lambda w: (
        [w.thread],
        lambda: _q("member_ban_and_remove_posts")(
            moderator=w.moderator, member=w.helper, reason="Spammer."
        ),
    ),
    "post_approve_held": lambda w: _post_approve_held(w),
    "removal_request_decide": lambda w: (
        lambda request: (
            [w.thread],
            lambda: _q("removal_request_decide")(
                moderator=w.moderator, request=request, decision="remove", reason="Address."
            ),
        )
    )(
        _q("removal_request_file")(
            requester=None,
            name="Sato",
            email="sato@example.jp",
            post_url=w.answer.get_absolute_url(),
            right="privacy",
            explanation="My address.",
        )
    ),
    "thread_lock": lambda w: (
        [w.thread],
        lambda: _q("thread_lock")(actor=w.moderator, thread=w.thread, reason="Heated."),
    ),
    "thread_unlock": lambda w: (
        _q("thread_lock")(actor=w.moderator, thread=w.thread, reason="Heated.") and [w.thread],
        lambda: _q("thread_unlock")(actor=w.moderator, thread=_fresh(w.thread), reason="Calm."),
    ),
    "thread_close_as_duplicate": lambda w: (
        lambda original: (
            [w.thread],
            lambda: _q("thread_close_as_duplicate")(
                actor=w.moderator, thread=w.thread, original=original, reason="Asked before."
            ),
        )
    )(ThreadFactory(brand=w.brand)),
    "thread_move": lambda w: (
        [w.thread, w.brand],
        lambda: _q("thread_move")(
            actor=w.moderator,
            thread=w.thread,
            brand=w.other_brand,
            product=None,
            reason="Wrong brand.",
        ),
    ),
    "thread_status_refresh": lambda w: (
        [w.thread],
        lambda: _q("thread_status_refresh")(w.thread),
    ),
    "appeal_decide": lambda w: _appeal_decide(w),
    "answer_verify": lambda w: (
        [w.thread],
        lambda: _q("answer_verify")(moderator=w.moderator, answer=w.answer),
    ),
    # themes: what shows on every page of a brand, and the brand's Wagtail page
    "theme_publish": lambda w: _theme_publish(w),
    "domain_remove": lambda w: _domain_remove(w),
    "domain_check": lambda w: _domain_check(w),
    # cases: the thread's "continued privately" marker and the approved summary
    "case_open": lambda w: (
        [w.thread],
        lambda: _q("case_open")(actor=w.rep, thread=w.thread, body="Your order number?"),
    ),
    "case_resolve": lambda w: (
        lambda case: ([w.thread], lambda: _q("case_resolve")(actor=w.rep, case=case))
    )(_case(w)),
    "case_summary_approve": lambda w: (
        lambda case: ([w.thread], lambda: _q("case_summary_approve")(actor=w.customer, case=case))
    )(_case(w, summary=True)),
    "case_summary_decline": lambda w: (
        lambda case: ([w.thread], lambda: _q("case_summary_decline")(actor=w.customer, case=case))
    )(_case(w, summary=True)),
    "brand_page_cache_bump": lambda w: (
        [w.brand],
        lambda: _q("brand_page_cache_bump")(w.brand.pk),
    ),
    # privacy: the erased member's name leaves every page that showed it
    "account_erase": lambda w: ([w.thread], lambda: _q("account_erase")(user=w.customer)),
    "brand_page_translate": lambda w: (
        lambda page: ([w.brand], lambda: _q("brand_page_translate")(page, language="ja"))
    )(_q("brand_page_ensure")(w.brand)),
}


def _case(w, summary=False):
    case = _q("case_open")(actor=w.rep, thread=w.thread, body="Your order number?")
    if summary:
        _q("case_resolve")(actor=w.rep, case=case)
        _q("case_summary_propose")(actor=w.rep, case=case, body="Fixed in 1.1.")
    return case


def _draft_approve(w) -> Change:
    Membership.objects.filter(user=w.rep, brand=w.brand).update(in_training=True)
    draft = _q("answer_create")(author=w.rep, thread=w.thread, body="Update to 2.1.")
    return [w.thread], lambda: _q("draft_approve")(actor=w.admin, draft=draft)


def _fresh(obj):
    obj.refresh_from_db()
    return obj


def _approve_claim(w):
    Brand.objects.filter(pk=w.brand.pk).update(status=Brand.Status.COMMUNITY)
    claim = BrandClaim.objects.create(brand=w.brand, claimant=UserFactory(), evidence="CEO.")
    return _q("claim_approve")(actor=w.staff, claim=claim, reason="Confirmed by phone.")


def _endorsement_confirm(w) -> Change:
    endorsement = _endorsed(w, version=w.release)
    _q("version_publish")(actor=w.admin, product=w.product, name="2.0")
    endorsement.refresh_from_db()
    return [w.thread], lambda: _q("endorsement_confirm")(actor=w.rep, endorsement=endorsement)


def _appeal_decide(w) -> Change:
    _hidden_by_moderator(w)
    appeal = _q("appeal_create")(author=w.helper, post=w.answer, message="It was advice.")
    return [w.thread], lambda: _q("appeal_decide")(
        moderator=w.second_moderator, appeal=appeal, decision="reversed", reason="It was."
    )


def _post_approve_held(w) -> Change:
    _q("first_post_hold_set")(actor=w.admin, brand=w.brand, posts=1)
    held = AnswerFactory(thread=w.thread, author=UserFactory())
    return [w.thread], lambda: _q("post_approve_held")(actor=w.moderator, post=held)


def _theme_publish(w) -> Change:
    from tests.themes.test_look import GOOD

    _q("theme_save_draft")(actor=w.admin, brand=w.brand, **GOOD)
    return [w.thread], lambda: _q("theme_publish")(actor=w.admin, brand=w.brand)


def _domain_check(w) -> Change:
    domain = _q("domain_add")(actor=w.admin, brand=w.brand, hostname="help.hoshino.example")
    records = {domain.record_name: [domain.record_value]}
    return [w.thread], lambda: _q("domain_check")(
        domain_id=domain.pk, resolver=lambda name: records.get(name, [])
    )


def _domain_remove(w) -> Change:
    _shown, check = _domain_check(w)
    domain = check()
    assert domain.is_served
    return [w.thread], lambda: _q("domain_remove")(actor=w.admin, domain=domain)


# --- The checks ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PageOnly:
    """A thread's page alone: the change shows on it and not in its brand's lists."""

    thread: object


@dataclass(frozen=True)
class RowOf:
    """A thread's page and its row: the brand's lists that pick or order their threads by
    their rows drop, and its plain list drops if it shows the thread (the row's version is
    kept with it: tests/qa/test_page_cache.py)."""

    thread: object


def _stamps(shown: list) -> dict[str, str]:
    """The stamps cached pages are stored under: a thread's page and its brand's list,
    a thread's page alone, a thread's page and row, or a brand's list."""
    keys = []
    for thing in shown:
        if isinstance(thing, PageOnly):
            keys.append(page_cache._thread_version_key(thing.thread.pk))
        elif isinstance(thing, RowOf):
            keys.append(page_cache._thread_version_key(thing.thread.pk))
            keys.append(page_cache._thread_row_key(thing.thread.pk))
            keys.append(page_cache._brand_rows_key(thing.thread.brand_id))
        elif isinstance(thing, Brand):
            keys.append(page_cache._brand_version_key(thing.pk))
        else:
            keys.append(page_cache._thread_version_key(thing.pk))
            keys.append(page_cache._brand_version_key(thing.brand_id))
    return {key: page_cache.lookup(key)[0] for key in keys}


def test_every_public_service_is_accounted_for():
    found = {name for _module, name in _public_services()}
    unaccounted = found - PAGE_CHANGES.keys() - NOT_ON_CACHED_PAGES.keys()
    assert not unaccounted, f"run these here, or say why they change no page: {unaccounted}"
    gone = (PAGE_CHANGES.keys() | NOT_ON_CACHED_PAGES.keys()) - found
    assert not gone, f"these services are gone: {gone}"
    assert not PAGE_CHANGES.keys() & NOT_ON_CACHED_PAGES.keys()


@pytest.mark.parametrize("name", sorted(PAGE_CHANGES))
def test_the_service_drops_the_pages_it_changes(name, world):
    shown, change = PAGE_CHANGES[name](world)
    before = _stamps(shown)
    change()
    after = _stamps(shown)
    still = [key for key in before if before[key] == after[key]]
    assert not still, f"{name} left these pages' versions where they were: {still}"
