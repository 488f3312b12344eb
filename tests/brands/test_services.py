"""brands.services: every rule, every refusal, every bad input, and the audit trail."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from brands import permissions, services
from brands.models import (
    Brand,
    BrandClaim,
    CustomerNote,
    Endorsement,
    Invitation,
    Membership,
    OwnershipEvent,
    ProductVersion,
    ThreadOwnership,
)
from community.models import Notification
from moderation import services as moderation_services
from moderation.models import AuditLogEntry
from qa import services as qa_services
from qa.models import Thread
from tests.brands.conftest import fresh
from tests.brands.factories import BrandFactory, ProductFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def _actions(**filters):
    return list(
        AuditLogEntry.objects.filter(**filters).order_by("id").values_list("action", flat=True)
    )


# --- Starting a community -------------------------------------------------------------------


def test_a_verified_customer_starts_a_community_run_brand(customer):
    brand = services.brand_start(
        actor=customer,
        name="  Tsubame   Kitchen ",
        domain="https://www.Tsubame-Kitchen.example/about",
        product_name="Rice Cooker RC-10",
    )
    assert brand.name == "Tsubame Kitchen"
    assert brand.slug == "tsubame-kitchen"
    assert brand.domain == "tsubame-kitchen.example"
    assert brand.status == Brand.Status.COMMUNITY
    assert brand.created_by == customer
    assert list(brand.products.values_list("name", flat=True)) == ["Rice Cooker RC-10"]
    assert _actions(brand=brand) == ["brand.start"]


def test_an_unverified_member_cannot_start_a_community(unverified):
    with pytest.raises(PermissionDenied, match="Confirm your e-mail"):
        services.brand_start(
            actor=unverified, name="Tsubame", domain="tsubame.example", product_name="K-2"
        )
    assert not Brand.objects.exists()


@pytest.mark.parametrize(
    ("name", "domain"),
    [
        ("hoshino camera!!", "another.example"),  # same name, ignoring case and punctuation
        ("HOSHINO-CAMERA", "another.example"),
        ("Ｈｏｓｈｉｎｏ　Camera", "another.example"),  # full-width letters and space
        ("Totally Different", "hoshino-camera.example"),  # same domain
        ("Totally Different", "shop.hoshino-camera.example"),  # a subdomain of it
        ("Totally Different", "HTTPS://WWW.Hoshino-Camera.example/"),
    ],
)
def test_near_duplicates_are_refused_naming_the_existing_brand(customer, official, name, domain):
    with pytest.raises(services.BrandAlreadyHere) as refused:
        services.brand_start(actor=customer, name=name, domain=domain, product_name="Z5")
    assert refused.value.brands == [official]
    assert "Hoshino Camera is already on Sodan" in refused.value.messages[0]
    assert Brand.objects.count() == 1


def test_registrable_domains_understand_second_level_suffixes(customer):
    BrandFactory(name="Suzuki Denki", domain="suzuki-denki.co.jp")
    with pytest.raises(services.BrandAlreadyHere):
        services.brand_start(
            actor=customer, name="Suzuki Shop", domain="shop.suzuki-denki.co.jp", product_name="X"
        )
    # Another company under co.jp is not a near-duplicate.
    brand = services.brand_start(
        actor=customer, name="Tanaka Denki", domain="tanaka-denki.co.jp", product_name="X"
    )
    assert brand.domain == "tanaka-denki.co.jp"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": " "}, "name", "Give the brand's name."),
        ({"name": "x" * 101}, "name", "Keep it to 100 characters"),
        ({"domain": "not a domain"}, "domain", "website domain"),
        ({"domain": "192.168.0.1"}, "domain", "website domain"),
        ({"domain": "gmail.com"}, "domain", "e-mail provider"),
        ({"product_name": ""}, "product_name", "Name one of its products"),
    ],
)
def test_bad_input_starting_a_community_changes_nothing(customer, fields, field, message):
    values = {"name": "Velora Bikes", "domain": "velora.example", "product_name": "E2", **fields}
    with pytest.raises(ValidationError) as refused:
        services.brand_start(actor=customer, **values)
    assert message in " ".join(refused.value.message_dict[field])
    assert not Brand.objects.exists()
    assert not AuditLogEntry.objects.exists()


def test_a_name_without_latin_letters_gets_a_slug_from_the_domain(customer):
    brand = services.brand_start(
        actor=customer, name="星野カメラ", domain="hoshino.example", product_name="Z5"
    )
    assert brand.slug == "hoshino"


# --- Claims -------------------------------------------------------------------------------


@pytest.fixture
def community_brand(db):
    return BrandFactory(name="Velora Bikes", slug="velora", domain="velora-bikes.example")


def _verified_address(user, email, verified=True):
    EmailAddress.objects.create(user=user, email=email, verified=verified)


@pytest.mark.parametrize("email", ["mika@velora-bikes.example", "Mika@EU.Velora-Bikes.EXAMPLE"])
def test_a_claim_from_a_verified_address_on_the_domain_is_approved_at_once(
    customer, community_brand, email, committed
):
    thread = ThreadFactory(brand=community_brand, title="Battery rattles")
    _verified_address(customer, email)
    with committed():
        claim = services.claim_submit(claimant=customer, brand=community_brand)
    community_brand.refresh_from_db()
    assert claim.status == BrandClaim.Status.APPROVED
    assert claim.auto_approved and claim.decided_by is None
    assert community_brand.is_official and community_brand.official_since
    membership = Membership.objects.get(brand=community_brand, user=customer)
    assert membership.role == Membership.Role.ADMIN
    assert permissions.is_brand_admin(customer, community_brand)
    assert _actions(brand=community_brand) == ["claim.submit", "claim.approve", "membership.create"]
    # Claiming is consent, not capture: the thread is untouched.
    unchanged = Thread.objects.get(pk=thread.pk)
    assert (unchanged.brand_id, unchanged.author_id, unchanged.title) == (
        thread.brand_id,
        thread.author_id,
        thread.title,
    )


@pytest.mark.parametrize(
    ("email", "verified"),
    [
        ("mika@velora-bikes.example", False),  # not verified
        ("mika@evilvelora-bikes.example", True),  # only looks similar
        ("mika@velora-bikes.example.attacker.example", True),
    ],
)
def test_addresses_that_do_not_prove_the_domain_leave_the_claim_to_staff(
    customer, community_brand, email, verified
):
    _verified_address(customer, email, verified=verified)
    claim = services.claim_submit(
        claimant=customer, brand=community_brand, evidence="I run support at Velora."
    )
    assert claim.status == BrandClaim.Status.PENDING
    community_brand.refresh_from_db()
    assert not community_brand.is_official


def test_a_brand_on_a_shared_mail_domain_never_approves_by_address(customer):
    brand = BrandFactory(name="Odd One", domain="gmail.com")
    _verified_address(customer, "someone@gmail.com")
    with pytest.raises(ValidationError, match="staff decide"):
        services.claim_submit(claimant=customer, brand=brand)


def test_a_claim_without_a_domain_address_needs_evidence(customer, community_brand):
    with pytest.raises(ValidationError) as refused:
        services.claim_submit(claimant=customer, brand=community_brand, evidence="  ")
    assert "staff decide" in refused.value.message_dict["evidence"][0]
    assert not BrandClaim.objects.exists()


def test_evidence_has_a_limit(customer, community_brand):
    with pytest.raises(ValidationError, match="2000"):
        services.claim_submit(claimant=customer, brand=community_brand, evidence="x" * 2001)


def test_one_pending_claim_per_person_and_brand(customer, community_brand):
    services.claim_submit(claimant=customer, brand=community_brand, evidence="I work there.")
    with pytest.raises(ValidationError, match="already waiting"):
        services.claim_submit(claimant=customer, brand=community_brand, evidence="Really.")
    assert BrandClaim.objects.count() == 1


def test_an_official_brand_cannot_be_claimed(customer, official):
    with pytest.raises(PermissionDenied, match="already official"):
        services.claim_submit(claimant=customer, brand=official, evidence="Me!")


def test_a_member_of_another_brand_cannot_claim(rival_rep, community_brand):
    """Cross-brand: a rep of Kumo Mobile claiming Velora is refused, with why."""
    with pytest.raises(PermissionDenied) as refused:
        services.claim_submit(claimant=rival_rep, brand=community_brand, evidence="Trust me.")
    assert "must come from someone at that company" in str(refused.value)
    assert "You work for Kumo Mobile, not for Velora Bikes" in str(refused.value)


def test_staff_approve_a_claim_and_the_claimant_hears_of_it(
    customer, other_customer, community_brand, staff, committed
):
    claim = services.claim_submit(claimant=customer, brand=community_brand, evidence="CEO.")
    rival_claim = services.claim_submit(
        claimant=other_customer, brand=community_brand, evidence="Also me."
    )
    with committed():
        services.claim_approve(actor=staff, claim=claim, reason="Confirmed by phone.")
    claim.refresh_from_db()
    rival_claim.refresh_from_db()
    community_brand.refresh_from_db()
    assert claim.status == BrandClaim.Status.APPROVED and claim.decided_by == staff
    assert rival_claim.status == BrandClaim.Status.REJECTED
    assert community_brand.is_official
    assert Membership.objects.get(brand=community_brand).user == customer
    entries = AuditLogEntry.objects.filter(action="claim.approve").get()
    assert (entries.actor, entries.reason) == (staff, "Confirmed by phone.")
    notice = Notification.objects.get(recipient=customer)
    assert notice.kind == Notification.Kind.CLAIM_DECIDED
    assert notice.message == "Confirmed by phone."
    assert Notification.objects.filter(
        recipient=other_customer, kind=Notification.Kind.CLAIM_DECIDED
    ).exists()
    assert any("is approved" in message.subject for message in mail.outbox)


def test_only_staff_decide_claims(customer, community_brand, brand_admin):
    claim = services.claim_submit(claimant=customer, brand=community_brand, evidence="CEO.")
    for actor in (customer, brand_admin):
        with pytest.raises(PermissionDenied, match="Only Sodan staff"):
            services.claim_approve(actor=actor, claim=claim)
        with pytest.raises(PermissionDenied, match="Only Sodan staff"):
            services.claim_reject(actor=actor, claim=claim, reason="No.")


def test_rejecting_needs_a_reason_and_a_decided_claim_stays_decided(
    customer, community_brand, staff
):
    claim = services.claim_submit(claimant=customer, brand=community_brand, evidence="CEO.")
    with pytest.raises(ValidationError, match="why"):
        services.claim_reject(actor=staff, claim=claim, reason=" ")
    services.claim_reject(actor=staff, claim=claim, reason="No proof.")
    with pytest.raises(ValidationError, match="already decided"):
        services.claim_approve(actor=staff, claim=claim)
    assert _actions(action__startswith="claim.") == ["claim.submit", "claim.reject"]


# --- Invitations and roles ----------------------------------------------------------------


def test_an_admin_invites_by_email_and_the_invited_person_accepts(official, brand_admin, committed):
    newcomer = UserFactory(username="sora", email="sora@hoshino-camera.example")
    with committed():
        invitation = services.invitation_create(
            actor=brand_admin, brand=official, email="Sora@hoshino-camera.example", role="rep"
        )
    assert invitation.token not in invitation.token_hash  # only the hash is stored
    assert invitation.expires_at > timezone.now() + timedelta(days=6)
    (message,) = mail.outbox
    assert message.to == ["Sora@hoshino-camera.example"]
    assert f"/invitations/{invitation.token}/" in message.body
    membership = services.invitation_accept(user=newcomer, invitation=invitation)
    assert (membership.brand, membership.role) == (official, "rep")
    assert permissions.is_rep(fresh(newcomer), official)
    invitation.refresh_from_db()
    assert invitation.accepted_by == newcomer
    assert _actions(brand=official) == [
        "invitation.create",
        "invitation.accept",
        "membership.create",
    ]


@pytest.mark.parametrize("role", ["rep", "admin"])
def test_only_the_brands_admins_invite(official, rival_admin, rep, customer, role):
    for actor in (rep, customer):
        with pytest.raises(PermissionDenied, match="Only Hoshino Camera's admins"):
            services.invitation_create(
                actor=actor, brand=official, email="x@hoshino-camera.example", role=role
            )
    # Cross-brand: Kumo Mobile's admin has no power over Hoshino's team.
    with pytest.raises(PermissionDenied) as refused:
        services.invitation_create(
            actor=rival_admin, brand=official, email="x@hoshino-camera.example", role=role
        )
    assert "You work for Kumo Mobile, not for Hoshino Camera" in str(refused.value)
    assert not Invitation.objects.exists()


def test_a_community_run_brand_has_no_team_to_invite_to(staff):
    brand = BrandFactory(name="Velora")
    with pytest.raises(PermissionDenied, match="community-run"):
        services.invitation_create(actor=staff, brand=brand, email="a@b.example", role="rep")


@pytest.mark.parametrize(
    ("email", "role", "field"),
    [("not-an-email", "rep", "email"), ("a@b.example", "owner", "role")],
)
def test_bad_invitations_are_refused(official, brand_admin, email, role, field):
    with pytest.raises(ValidationError) as refused:
        services.invitation_create(actor=brand_admin, brand=official, email=email, role=role)
    assert field in refused.value.message_dict
    assert not Invitation.objects.exists()


def test_inviting_a_team_member_again_is_refused(official, brand_admin, rep):
    with pytest.raises(ValidationError, match="already on the team"):
        services.invitation_create(actor=brand_admin, brand=official, email=rep.email, role="admin")


def test_inviting_the_same_address_again_replaces_the_waiting_invitation(official, brand_admin):
    first = services.invitation_create(
        actor=brand_admin, brand=official, email="a@hoshino-camera.example", role="rep"
    )
    second = services.invitation_create(
        actor=brand_admin, brand=official, email="A@hoshino-camera.example", role="product"
    )
    first.refresh_from_db()
    assert first.state() == Invitation.State.REVOKED
    assert second.state() == Invitation.State.PENDING


def _invite(official, brand_admin, email="sora@hoshino-camera.example", role="rep"):
    return services.invitation_create(actor=brand_admin, brand=official, email=email, role=role)


def test_expired_revoked_and_used_invitations_are_refused_with_a_sentence(official, brand_admin):
    newcomer = UserFactory(username="sora", email="sora@hoshino-camera.example")
    expired = _invite(official, brand_admin)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(PermissionDenied, match="This invitation expired on"):
        services.invitation_accept(user=newcomer, invitation=expired)

    revoked = _invite(official, brand_admin)
    services.invitation_revoke(actor=brand_admin, invitation=revoked)
    with pytest.raises(PermissionDenied, match="withdrawn by Hoshino Camera's admins"):
        services.invitation_accept(user=newcomer, invitation=revoked)

    used = _invite(official, brand_admin)
    services.invitation_accept(user=newcomer, invitation=used)
    with pytest.raises(PermissionDenied, match="already been used"):
        services.invitation_accept(user=fresh(newcomer), invitation=used)
    assert Membership.objects.filter(user=newcomer).count() == 1


def test_only_the_invited_address_can_accept(official, brand_admin, customer):
    invitation = _invite(official, brand_admin)
    with pytest.raises(PermissionDenied, match=r"sent to sora@hoshino-camera\.example"):
        services.invitation_accept(user=customer, invitation=invitation)
    unconfirmed = UserFactory(username="sora2", email="sora@hoshino-camera.example", verified=False)
    with pytest.raises(PermissionDenied):
        services.invitation_accept(user=unconfirmed, invitation=invitation)
    assert not Membership.objects.filter(user__in=[customer, unconfirmed]).exists()


def test_someone_who_works_for_another_brand_cannot_join(official, brand_admin, rival_rep):
    invitation = _invite(official, brand_admin, email=rival_rep.email)
    with pytest.raises(PermissionDenied, match="You already work for Kumo Mobile"):
        services.invitation_accept(user=rival_rep, invitation=invitation)


def test_roles_change_and_every_change_is_logged(official, brand_admin, rep):
    membership = Membership.objects.get(user=rep)
    services.membership_change_role(actor=brand_admin, membership=membership, role="admin")
    assert permissions.is_brand_admin(fresh(rep), official)
    entry = AuditLogEntry.objects.get(action="membership.change_role")
    assert entry.actor == brand_admin
    assert entry.data == {"user": rep.pk, "before": "rep", "after": "admin"}


def test_the_last_admin_cannot_be_demoted_or_revoked(official, brand_admin):
    membership = Membership.objects.get(user=brand_admin)
    with pytest.raises(ValidationError, match="only admin"):
        services.membership_change_role(actor=brand_admin, membership=membership, role="rep")
    with pytest.raises(ValidationError, match="only admin"):
        services.membership_revoke(actor=brand_admin, membership=membership)
    assert Membership.objects.active().get(user=brand_admin).role == "admin"


def test_a_rep_cannot_change_roles(official, brand_admin, rep, rival_admin):
    membership = Membership.objects.get(user=brand_admin)
    with pytest.raises(PermissionDenied):
        services.membership_change_role(actor=rep, membership=membership, role="rep")
    with pytest.raises(PermissionDenied, match="You work for Kumo Mobile"):
        services.membership_revoke(actor=rival_admin, membership=membership)


def test_a_revoked_rep_loses_every_power_at_once_but_keeps_their_badges(
    official, brand_admin, rep, customer_thread, customer_answer
):
    answer = AnswerFactory(thread=customer_thread, author=rep, body="Update to 2.1.1.")
    assert answer.is_official
    services.thread_take(actor=rep, thread=customer_thread)
    assert permissions.is_rep(rep, official)  # remembered for this request…
    services.membership_revoke(
        actor=brand_admin, membership=Membership.objects.get(user=rep), reason="Left."
    )
    rep = fresh(rep)  # their next request
    assert not permissions.is_rep(rep, official)
    with pytest.raises(PermissionDenied):
        services.thread_take(actor=rep, thread=customer_thread)
    with pytest.raises(PermissionDenied):
        services.answer_endorse(actor=rep, answer=customer_answer)
    with pytest.raises(PermissionDenied):
        services.customer_note_add(
            actor=rep, brand=official, customer=customer_thread.author, body="x"
        )
    assert not ThreadOwnership.objects.exists()  # their thread went back to the inbox
    answer.refresh_from_db()
    assert answer.is_official  # true to when they wrote it
    later = AnswerFactory(thread=customer_thread, author=rep)
    assert not later.is_official
    assert _actions(action__in=["membership.revoke", "thread.release"]) == [
        "membership.revoke",
        "thread.release",
    ]


def test_an_admin_who_leaves_loses_their_powers_within_the_same_request(official, brand_admin, rep):
    services.membership_change_role(
        actor=brand_admin, membership=Membership.objects.get(user=rep), role="admin"
    )
    assert permissions.is_brand_admin(brand_admin, official)  # remembered for this request
    services.membership_revoke(
        actor=brand_admin, membership=Membership.objects.get(user=brand_admin)
    )
    assert not permissions.is_brand_admin(brand_admin, official)
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            actor=brand_admin, brand=official, email="x@hoshino-camera.example", role="rep"
        )


def test_moving_a_rep_to_the_product_team_releases_their_threads(
    official, brand_admin, rep, customer_thread
):
    services.thread_take(actor=rep, thread=customer_thread)
    services.membership_change_role(
        actor=brand_admin, membership=Membership.objects.get(user=rep), role="product"
    )
    assert not ThreadOwnership.objects.exists()


def test_response_target_is_set_by_admins_within_bounds(official, brand_admin, rep):
    services.brand_response_target_set(actor=brand_admin, brand=official, hours=8)
    official.refresh_from_db()
    assert official.response_target_hours == 8
    for hours in (0, 241, "soon"):
        with pytest.raises(ValidationError, match="from 1 to 240"):
            services.brand_response_target_set(actor=brand_admin, brand=official, hours=hours)
    with pytest.raises(PermissionDenied):
        services.brand_response_target_set(actor=rep, brand=official, hours=4)
    assert AuditLogEntry.objects.get(action="brand.response_target").data == {
        "before": 24,
        "after": 8,
    }


# --- Official answers -----------------------------------------------------------------------


def test_only_reps_and_admins_of_the_threads_brand_write_official_answers(
    customer_thread, rep, brand_admin, product_member, rival_rep, other_customer
):
    def official(author):
        return AnswerFactory(thread=customer_thread, author=author).is_official

    assert official(rep) and official(brand_admin)
    assert not official(product_member)
    assert not official(rival_rep)  # a rep of another brand is a customer here
    assert not official(other_customer)


def test_editing_never_makes_a_customer_official(customer_answer, other_customer):
    qa_services.answer_edit(actor=other_customer, answer=customer_answer, body="Better now.")
    customer_answer.refresh_from_db()
    assert not customer_answer.is_official


# --- Ownership --------------------------------------------------------------------------------


def test_a_rep_takes_ownership_and_it_is_logged(customer_thread, rep):
    ownership = services.thread_take(actor=rep, thread=customer_thread)
    assert (ownership.owner, ownership.brand) == (rep, customer_thread.brand)
    assert services.thread_take(actor=rep, thread=customer_thread) == ownership  # idempotent
    assert OwnershipEvent.objects.get().action == "take"
    entry = AuditLogEntry.objects.get(action="thread.take")
    assert (entry.actor, entry.target_id) == (rep, str(customer_thread.pk))


def test_a_thread_owned_by_one_rep_cannot_be_taken_by_another(customer_thread, rep, second_rep):
    services.thread_take(actor=rep, thread=customer_thread)
    with pytest.raises(PermissionDenied, match="Yuki already owns this thread"):
        services.thread_take(actor=second_rep, thread=customer_thread)


@pytest.mark.parametrize("who", ["customer", "other_customer", "product_member", "rival_rep"])
def test_only_the_brands_reps_take_ownership(request, customer_thread, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied, match="Only Hoshino Camera's reps and admins") as refused:
        services.thread_take(actor=actor, thread=customer_thread)
    if who == "rival_rep":
        assert "brand powers stay inside your own brand" in str(refused.value)
    assert not ThreadOwnership.objects.exists()


def test_a_thread_under_review_cannot_be_owned(customer_thread, rep, staff):
    moderation_services.post_hide(actor=staff, post=customer_thread, reason="Spam?")
    customer_thread.refresh_from_db()
    with pytest.raises(PermissionDenied, match="published"):
        services.thread_take(actor=rep, thread=customer_thread)


def test_the_owner_an_admin_or_staff_release(customer_thread, rep, second_rep, brand_admin, staff):
    for releaser in (rep, brand_admin, staff):
        services.thread_take(actor=rep, thread=customer_thread)
        services.thread_release(actor=releaser, thread=customer_thread)
        assert not ThreadOwnership.objects.exists()
    services.thread_take(actor=rep, thread=customer_thread)
    with pytest.raises(PermissionDenied, match="Yuki owns this thread"):
        services.thread_release(actor=second_rep, thread=customer_thread)
    assert _actions(action="thread.release") == ["thread.release"] * 3


def test_a_rep_of_another_brand_cannot_release(customer_thread, rep, rival_rep):
    services.thread_take(actor=rep, thread=customer_thread)
    with pytest.raises(PermissionDenied, match="You work for Kumo Mobile"):
        services.thread_release(actor=rival_rep, thread=customer_thread)
    assert ThreadOwnership.objects.get().owner == rep


def test_hand_over_to_another_rep_tells_them(customer_thread, rep, second_rep, committed):
    services.thread_take(actor=rep, thread=customer_thread)
    with committed():
        services.thread_hand_over(actor=rep, thread=customer_thread, to=second_rep)
    assert ThreadOwnership.objects.get().owner == second_rep
    entry = AuditLogEntry.objects.get(action="thread.hand_over")
    assert entry.data == {"from": rep.pk, "to": second_rep.pk}
    notice = Notification.objects.get(recipient=second_rep)
    assert notice.kind == Notification.Kind.THREAD_HANDED_OVER
    assert notice.thread_id == customer_thread.pk


def test_hand_over_only_to_a_rep_of_the_same_brand(
    customer_thread, rep, rival_rep, product_member, other_customer
):
    services.thread_take(actor=rep, thread=customer_thread)
    for to in (rival_rep, product_member, other_customer):
        with pytest.raises(ValidationError, match="is not a rep or admin of Hoshino Camera"):
            services.thread_hand_over(actor=rep, thread=customer_thread, to=to)
    assert ThreadOwnership.objects.get().owner == rep


def test_hand_over_across_brands_is_refused(customer_thread, rep, rival_rep, second_rep):
    services.thread_take(actor=rep, thread=customer_thread)
    with pytest.raises(PermissionDenied, match="You work for Kumo Mobile"):
        services.thread_hand_over(actor=rival_rep, thread=customer_thread, to=second_rep)


def test_an_unowned_thread_cannot_be_handed_over(customer_thread, brand_admin, rep):
    with pytest.raises(ValidationError, match="take it first"):
        services.thread_hand_over(actor=brand_admin, thread=customer_thread, to=rep)


def test_ownership_left_behind_by_a_move_does_not_count(customer_thread, rep, rival_rep, staff):
    services.thread_take(actor=rep, thread=customer_thread)
    moderation_services.thread_move(
        actor=staff, thread=customer_thread, brand=rival_rep.brand_memberships.get().brand,
        product=None, reason="Wrong brand.",
    )  # fmt: skip
    moved = Thread.objects.select_related("brand").get(pk=customer_thread.pk)
    ownership = services.thread_take(actor=rival_rep, thread=moved)
    assert (ownership.owner, ownership.brand) == (rival_rep, moved.brand)


def test_a_moved_thread_keeps_each_badge_true_to_the_brand_it_was_written_for(
    official, customer_thread, customer_answer, rep, rival, rival_rep, staff
):
    official_answer = AnswerFactory(thread=customer_thread, author=rep, body="Update to 2.1.1.")
    rival_answer = AnswerFactory(thread=customer_thread, author=rival_rep, body="Not ours.")
    assert rival_answer.official_for is None  # a rep of another brand is a customer here
    moderation_services.thread_move(
        actor=staff, thread=customer_thread, brand=rival, product=None, reason="Wrong brand."
    )
    official_answer.refresh_from_db()
    rival_answer.refresh_from_db()
    customer_answer.refresh_from_db()
    # Still Hoshino's official answer; no longer an official response from Kumo.
    assert (official_answer.official_for, official_answer.is_official) == (official, False)
    assert not rival_answer.is_official and rival_answer.official_for is None
    assert not customer_answer.is_official and customer_answer.official_for is None
    later = AnswerFactory(thread=Thread.objects.get(pk=customer_thread.pk), author=rival_rep)
    assert (later.is_official, later.official_for) == (True, rival)
    moved_back = Thread.objects.get(pk=customer_thread.pk)
    moderation_services.thread_move(
        actor=staff, thread=moved_back, brand=official, product=None, reason="Oops."
    )
    official_answer.refresh_from_db()
    later.refresh_from_db()
    assert official_answer.is_official and not later.is_official


def test_brand_members_can_never_hide_delete_move_or_edit_a_customers_post(
    customer_thread, customer_answer, rep, brand_admin, other_customer
):
    for member in (rep, brand_admin):
        with pytest.raises(PermissionDenied):
            qa_services.answer_edit(actor=member, answer=customer_answer, body="Rewritten.")
        with pytest.raises(PermissionDenied):
            qa_services.thread_edit(
                actor=member, thread=customer_thread, title="Nothing wrong", body="All fine."
            )
        with pytest.raises(PermissionDenied, match="You work for Hoshino Camera"):
            moderation_services.post_hide(actor=member, post=customer_answer, reason="Bad PR")
        with pytest.raises(PermissionDenied, match="You work for Hoshino Camera"):
            moderation_services.post_delete(actor=member, post=customer_thread, reason="Bad PR")
    customer_answer.refresh_from_db()
    assert customer_answer.visibility == "published"
    assert customer_answer.body == "Take the battery out for 30 s."


def test_the_version_a_thread_is_about(customer_thread, rep, z5, rival_rep):
    version = ProductVersion.objects.create(product=z5, name="2.1", released_at=timezone.now())
    services.thread_version_set(actor=rep, thread=customer_thread, version=version)
    assert Thread.objects.get(pk=customer_thread.pk).version == version
    other = ProductVersion.objects.create(product=ProductFactory(brand=z5.brand), name="9")
    with pytest.raises(ValidationError):
        services.thread_version_set(actor=rep, thread=customer_thread, version=other)
    with pytest.raises(PermissionDenied, match="You work for Kumo Mobile"):
        services.thread_version_set(actor=rival_rep, thread=customer_thread, version=None)


# --- Endorsements and releases ------------------------------------------------------------------


def test_a_rep_endorses_a_customers_answer(customer_answer, rep, z5):
    version = ProductVersion.objects.create(product=z5, name="2.1", released_at=timezone.now())
    endorsement = services.answer_endorse(actor=rep, answer=customer_answer, version=version)
    customer_answer.refresh_from_db()
    assert customer_answer.endorsed_by == rep and customer_answer.endorsed_at
    assert (endorsement.brand, endorsement.version) == (customer_answer.thread.brand, version)
    assert services.answer_endorse(actor=rep, answer=customer_answer) == endorsement
    assert AuditLogEntry.objects.get(action="answer.endorse").actor == rep


@pytest.mark.parametrize("who", ["customer", "product_member", "rival_rep", "rival_admin"])
def test_only_the_brands_reps_endorse(request, customer_answer, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied, match="Only Hoshino Camera's reps and admins") as refused:
        services.answer_endorse(actor=actor, answer=customer_answer)
    if who.startswith("rival"):
        assert "You work for Kumo Mobile" in str(refused.value)
    customer_answer.refresh_from_db()
    assert not customer_answer.is_endorsed


def test_official_answers_and_team_members_answers_are_not_endorsed(
    customer_thread, rep, second_rep, product_member
):
    official_answer = AnswerFactory(thread=customer_thread, author=second_rep)
    with pytest.raises(PermissionDenied, match="already speak for"):
        services.answer_endorse(actor=rep, answer=official_answer)
    team_answer = AnswerFactory(thread=customer_thread, author=product_member)
    with pytest.raises(PermissionDenied, match="works for Hoshino Camera"):
        services.answer_endorse(actor=rep, answer=team_answer)


def test_an_endorsement_names_a_release_of_the_threads_product(customer_answer, rep):
    elsewhere = ProductVersion.objects.create(product=ProductFactory(), name="1.0")
    with pytest.raises(ValidationError, match="release of the product"):
        services.answer_endorse(actor=rep, answer=customer_answer, version=elsewhere)


def test_editing_an_endorsed_answer_withdraws_the_endorsement(customer_answer, rep, other_customer):
    endorsement = services.answer_endorse(actor=rep, answer=customer_answer)
    qa_services.answer_edit(actor=other_customer, answer=customer_answer, body="New text.")
    endorsement.refresh_from_db()
    customer_answer.refresh_from_db()
    assert not customer_answer.is_endorsed
    assert endorsement.withdrawn_reason == Endorsement.Withdrawal.EDITED
    assert endorsement.withdrawn_by == other_customer
    assert "answer.endorsement_withdrawn" in _actions()


def test_a_rep_withdraws_an_endorsement(customer_answer, rep, rival_rep):
    endorsement = services.answer_endorse(actor=rep, answer=customer_answer)
    with pytest.raises(PermissionDenied, match="You work for Kumo Mobile"):
        services.endorsement_withdraw(actor=rival_rep, endorsement=endorsement)
    services.endorsement_withdraw(actor=rep, endorsement=endorsement, reason="Superseded.")
    customer_answer.refresh_from_db()
    assert not customer_answer.is_endorsed
    assert AuditLogEntry.objects.get(action="answer.endorsement_withdraw").reason == "Superseded."


def test_a_new_release_marks_older_endorsements_outdated_until_confirmed(
    customer_thread, customer_answer, rep, z5
):
    old = ProductVersion.objects.create(
        product=z5, name="2.0", released_at=timezone.now() - timedelta(days=60)
    )
    about_old = services.answer_endorse(actor=rep, answer=customer_answer, version=old)
    versionless_answer = AnswerFactory(thread=customer_thread)
    versionless = services.answer_endorse(actor=rep, answer=versionless_answer)
    other_product = ProductFactory(brand=z5.brand)
    other_answer = AnswerFactory(thread=ThreadFactory(brand=z5.brand, product=other_product))
    other_version = ProductVersion.objects.create(
        product=other_product, name="1.0", released_at=timezone.now() - timedelta(days=9)
    )
    untouched = services.answer_endorse(actor=rep, answer=other_answer, version=other_version)

    new = services.version_publish(actor=rep, product=z5, name="2.1")

    for endorsement in (about_old, versionless, untouched):
        endorsement.refresh_from_db()
    assert about_old.outdated_for == new
    assert versionless.outdated_for is None and untouched.outdated_for is None
    assert AuditLogEntry.objects.get(action="version.publish").data["outdated_endorsements"] == 1

    services.endorsement_confirm(actor=rep, endorsement=about_old)
    about_old.refresh_from_db()
    assert (about_old.version, about_old.outdated_for) == (new, None)
    assert about_old.confirmed_by == rep and about_old.confirmed_at


def test_publishing_a_release_twice_is_refused(rep, z5):
    services.version_publish(actor=rep, product=z5, name="3.0")
    with pytest.raises(ValidationError, match="already published"):
        services.version_publish(actor=rep, product=z5, name="3.0")
    with pytest.raises(ValidationError, match="Name the release"):
        services.version_publish(actor=rep, product=z5, name=" ")


def test_an_unpublished_version_is_published_in_place(rep, z5):
    draft = ProductVersion.objects.create(product=z5, name="4.0")
    assert services.version_publish(actor=rep, product=z5, name="4.0") == draft
    draft.refresh_from_db()
    assert draft.released_at is not None


@pytest.mark.parametrize("who", ["customer", "product_member", "rival_rep"])
def test_only_the_brands_reps_publish_releases(request, z5, who):
    with pytest.raises(PermissionDenied, match="publish its releases"):
        services.version_publish(actor=request.getfixturevalue(who), product=z5, name="9")
    assert not ProductVersion.objects.exists()


# --- Customer notes -------------------------------------------------------------------------


def test_reps_leave_private_hand_over_notes(official, rep, customer, customer_thread):
    note = services.customer_note_add(
        actor=rep, brand=official, customer=customer, body="Prefers e-mail.", thread=customer_thread
    )
    assert (note.author, note.customer, note.thread) == (rep, customer, customer_thread)
    entry = AuditLogEntry.objects.get(action="customer_note.add")
    assert "Prefers" not in str(entry.data) and "Prefers" not in entry.reason


@pytest.mark.parametrize("who", ["product_member", "rival_rep", "other_customer"])
def test_others_cannot_write_notes(request, official, customer, who):
    with pytest.raises(PermissionDenied, match="write hand-over notes"):
        services.customer_note_add(
            actor=request.getfixturevalue(who), brand=official, customer=customer, body="x"
        )
    assert not CustomerNote.objects.exists()


def test_an_empty_note_is_refused(official, rep, customer):
    with pytest.raises(ValidationError, match="Write the note"):
        services.customer_note_add(actor=rep, brand=official, customer=customer, body=" ")
