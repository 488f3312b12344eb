"""Brand pages: authorisation (403 with the reason), wiring, forms, query counts."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from brands import services
from brands.models import (
    Brand,
    BrandClaim,
    CustomerNote,
    Invitation,
    Membership,
    ProductVersion,
    ThreadOwnership,
)
from moderation import services as moderation_services
from moderation.models import AuditLogEntry
from qa import services as qa_services
from qa.models import Thread
from tests.brands.conftest import fresh
from tests.brands.factories import BrandFactory, ProductFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db

CROSS_BRAND = "You work for Kumo Mobile, not for Hoshino Camera"


def _text(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


def _count_queries(client, url):
    client.get(url)  # steady state: per-person navigation facts are cached after one page
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- Thread page --------------------------------------------------------------------------------


def test_the_thread_page_shows_who_owns_it_to_everyone(client, customer_thread, rep):
    services.thread_take(actor=rep, thread=customer_thread)
    page = _text(client.get(customer_thread.get_absolute_url()))
    assert "Official: Hoshino Camera is on it" in page
    assert "Yuki" in page
    assert "Take ownership" not in page and "Customer card" not in page


def test_anonymous_readers_see_a_new_owner_at_once_despite_the_page_cache(
    client, settings, customer_thread, rep, committed
):
    settings.SODAN_PAGE_CACHE = True
    url = customer_thread.get_absolute_url()
    assert "is on it" not in _text(client.get(url))
    assert client.get(url)["X-Sodan-Cache"] == "hit"
    with committed():
        services.thread_take(actor=rep, thread=customer_thread)
    assert "Official: Hoshino Camera is on it" in _text(client.get(url))
    with committed():
        services.thread_release(actor=rep, thread=customer_thread)
    assert "is on it" not in _text(client.get(url))


def test_a_rep_sees_the_brand_tools_a_customer_does_not(
    login, customer_thread, rep, other_customer
):
    page = _text(login(other_customer).get(customer_thread.get_absolute_url()))
    assert "Take ownership" not in page and "brand-tools" not in page
    page = _text(login(rep).get(customer_thread.get_absolute_url()))
    assert "Take ownership" in page
    assert reverse("brands:customer_card", args=["hoshino-camera", "hana"]) in page


def test_a_rep_of_another_brand_sees_no_tools(login, customer_thread, rival_rep):
    page = _text(login(rival_rep).get(customer_thread.get_absolute_url()))
    assert "Take ownership" not in page and "brand-tools" not in page


def test_official_and_recommended_badges(client, customer_thread, customer_answer, rep, z5):
    AnswerFactory(thread=customer_thread, author=rep, body="Firmware 2.1.1 fixes it.")
    old = ProductVersion.objects.create(
        product=z5, name="2.0", released_at=timezone.now() - timedelta(days=10)
    )
    services.answer_endorse(actor=rep, answer=customer_answer, version=old)
    page = _text(client.get(customer_thread.get_absolute_url()))
    assert "Official answer · Hoshino Camera" in page
    assert "Recommended by Hoshino Camera · Yuki" in page
    assert "for 2.0" in page
    services.version_publish(actor=rep, product=z5, name="2.1")
    page = _text(client.get(customer_thread.get_absolute_url()))
    assert "May be outdated for 2.1" in page


def test_badges_stay_true_after_a_rep_leaves_and_the_thread_moves(
    client, official, brand_admin, customer_thread, customer_answer, rep, rival, staff
):
    AnswerFactory(thread=customer_thread, author=rep, body="Firmware 2.1.1 fixes it.")
    services.membership_revoke(
        actor=brand_admin, membership=Membership.objects.get(user=rep), reason="Left."
    )
    AnswerFactory(thread=customer_thread, author=fresh(rep), body="Speaking for myself now.")
    page = _text(client.get(customer_thread.get_absolute_url()))
    assert page.count("Official answer · Hoshino Camera") == 1  # the one written as a rep
    moderation_services.thread_move(
        actor=staff, thread=customer_thread, brand=rival, product=None, reason="Wrong brand."
    )
    page = _text(client.get(customer_thread.get_absolute_url()))
    assert page.count("Official answer · Hoshino Camera") == 1
    assert "Official answer · Kumo Mobile" not in page  # Kumo never said it


def test_taking_ownership_by_post(login, customer_thread, rep):
    response = login(rep).post(reverse("brands:thread_take", args=[customer_thread.pk]))
    assert response.status_code == 302
    assert ThreadOwnership.objects.get().owner == rep
    page = _text(login(rep).get(customer_thread.get_absolute_url()))
    assert "Official: Hoshino Camera is on it" in page
    assert "Release" in page


@pytest.mark.parametrize(
    ("action", "prepare"),
    [("thread_take", False), ("thread_release", True), ("thread_hand_over", True)],
)
def test_cross_brand_thread_actions_are_403_with_the_reason(
    login, customer_thread, rep, second_rep, rival_rep, action, prepare
):
    if prepare:
        services.thread_take(actor=rep, thread=customer_thread)
    response = login(rival_rep).post(
        reverse(f"brands:{action}", args=[customer_thread.pk]), {"to": second_rep.pk}
    )
    assert response.status_code == 403
    assert CROSS_BRAND in _text(response)
    expected = rep if prepare else None
    assert getattr(ThreadOwnership.objects.first(), "owner", None) == expected


def test_release_and_hand_over_by_post(login, customer_thread, rep, second_rep):
    services.thread_take(actor=rep, thread=customer_thread)
    client = login(rep)
    client.post(
        reverse("brands:thread_hand_over", args=[customer_thread.pk]), {"to": second_rep.pk}
    )
    assert ThreadOwnership.objects.get().owner == second_rep
    client = login(second_rep)
    client.post(reverse("brands:thread_release", args=[customer_thread.pk]))
    assert not ThreadOwnership.objects.exists()


def test_hand_over_to_someone_outside_the_team_changes_nothing(
    login, customer_thread, rep, customer
):
    services.thread_take(actor=rep, thread=customer_thread)
    response = login(rep).post(
        reverse("brands:thread_hand_over", args=[customer_thread.pk]),
        {"to": customer.pk},
        follow=True,
    )
    assert "Choose a rep or admin of Hoshino Camera" in _text(response)
    assert ThreadOwnership.objects.get().owner == rep


def test_endorse_by_post_and_cross_brand_refusal(login, customer_answer, rep, rival_rep):
    url = reverse("brands:endorse", args=[customer_answer.pk])
    response = login(rival_rep).post(url)
    assert response.status_code == 403 and CROSS_BRAND in _text(response)
    response = login(rep).post(url)
    assert response.status_code == 302
    customer_answer.refresh_from_db()
    assert customer_answer.is_endorsed


def test_anonymous_brand_actions_go_to_log_in(client, customer_thread):
    response = client.post(reverse("brands:thread_take", args=[customer_thread.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_thread_is_404(login, rep):
    assert login(rep).post(reverse("brands:thread_take", args=[999999])).status_code == 404


@pytest.mark.parametrize("viewer", ["customer", "rep"])
def test_thread_page_query_count_stays_constant(client, settings, official, viewer):
    settings.SODAN_PAGE_CACHE = False
    if viewer == "rep":
        user = UserFactory()
        from brands.models import Membership

        Membership.objects.create(brand=official, user=user, role="rep")
    else:
        user = UserFactory()
    client.force_login(user)
    product = ProductFactory(brand=official)
    ProductVersion.objects.create(product=product, name="1.0", released_at=timezone.now())
    counts = []
    for n in (5, 50):
        thread = ThreadFactory(brand=official, product=product)
        answers = AnswerFactory.create_batch(n, thread=thread)
        owner = UserFactory()
        from brands.models import Membership

        Membership.objects.create(brand=official, user=owner, role="rep")
        services.thread_take(actor=owner, thread=thread)
        for answer in answers[:3]:
            services.answer_endorse(actor=owner, answer=answer)
        counts.append(_count_queries(client, thread.get_absolute_url()))
    assert counts[0] == counts[1]
    if viewer == "customer":
        assert counts[1] <= 11  # the qa budget (10) plus the endorsements' versions


def test_a_customer_pays_no_query_for_brand_roles(client, settings, customer_thread, customer):
    """The viewer's role is read with the thread: no Membership query on the page."""
    settings.SODAN_PAGE_CACHE = False
    client.force_login(UserFactory())
    client.get(customer_thread.get_absolute_url())
    with CaptureQueriesContext(connection) as ctx:
        client.get(customer_thread.get_absolute_url())
    membership_queries = [
        q["sql"]
        for q in ctx.captured_queries
        if 'FROM "brands_membership"' in q["sql"] and '"qa_thread"' not in q["sql"]
    ]
    assert membership_queries == []


# --- Inbox --------------------------------------------------------------------------------------


def test_the_inbox_lists_tabs_for_the_team(login, official, rep, customer, z5, brand_admin):
    mine = ThreadFactory(brand=official, title="Mine to answer")
    services.thread_take(actor=rep, thread=mine)
    unowned = ThreadFactory(brand=official, title="Nobody has it", product=z5)
    Thread.objects.filter(pk=unowned.pk).update(created_at=timezone.now() - timedelta(hours=30))
    answered = ThreadFactory(brand=official, title="Officially answered")
    AnswerFactory(thread=answered, author=rep)
    solved = ThreadFactory(brand=official, author=customer, title="All good now")
    from qa import services as qa_services

    qa_services.answer_accept(actor=customer, answer=AnswerFactory(thread=solved))
    client = login(rep)
    url = reverse("brands:inbox", args=[official.slug])

    def titles(**params):
        return [t.title for t in client.get(url, params).context["page"]]

    assert titles() == ["Nobody has it", "Officially answered"]
    assert titles(tab="mine") == ["Mine to answer"]
    assert titles(tab="awaiting") == ["Nobody has it", "Mine to answer"]
    assert titles(tab="solved") == ["All good now"]
    assert titles(tab="unowned", product="z5") == ["Nobody has it"]
    assert titles(tab="unowned", type="idea") == []
    assert titles(tab="nonsense") == ["Nobody has it", "Officially answered"]
    response = client.get(url, {"tab": "awaiting"})
    assert response.context["counts"] == {
        "unowned": 2,
        "mine": 1,
        "awaiting": 2,
        "silent": 0,
        "solved": 1,
    }
    page = _text(response)
    assert "Overdue by" in page and "left for a first official response" in page


@pytest.mark.parametrize("who", ["product_member", "brand_admin", "staff"])
def test_the_team_and_staff_read_the_inbox(login, official, request, who):
    response = login(request.getfixturevalue(who)).get(
        reverse("brands:inbox", args=[official.slug])
    )
    assert response.status_code == 200


def test_the_inbox_is_refused_to_others_with_the_reason(
    login, client, official, rival_rep, customer
):
    url = reverse("brands:inbox", args=[official.slug])
    response = login(rival_rep).get(url)
    assert response.status_code == 403 and CROSS_BRAND in _text(response)
    response = login(customer).get(url)
    assert response.status_code == 403 and "for Hoshino Camera's team" in _text(response)


def test_the_inbox_of_an_unknown_brand_is_404(login, rep):
    assert login(rep).get(reverse("brands:inbox", args=["nope"])).status_code == 404


def test_inbox_query_count_is_the_same_for_5_or_50_threads(client, settings, rep, official, rival):
    """Every tab, with threads owned, answered officially, endorsed and solved on the page."""
    settings.SODAN_THREADS_PER_PAGE = 50
    small_rep = UserFactory()
    Membership.objects.create(brand=rival, user=small_rep, role="rep")
    counts = {}
    for brand, member, n in ((rival, small_rep, 5), (official, rep, 50)):
        product = ProductFactory(brand=brand)
        for i in range(n):
            thread = ThreadFactory(brand=brand, product=product if i % 2 else None)
            if i % 3 == 0:
                answer = AnswerFactory(thread=thread)
                qa_services.answer_accept(actor=thread.author, answer=answer)
            elif i % 3 == 1:
                services.thread_take(actor=member, thread=thread)
                AnswerFactory(thread=thread, author=member)
                services.answer_endorse(actor=member, answer=AnswerFactory(thread=thread))
        client.force_login(member)
        for tab in ("unowned", "mine", "awaiting", "solved"):
            url = reverse("brands:inbox", args=[brand.slug]) + f"?tab={tab}"
            counts[brand.slug, tab] = _count_queries(client, url)
    for tab in ("unowned", "mine", "awaiting", "solved"):
        assert counts[rival.slug, tab] == counts[official.slug, tab], tab


# --- Customer card ------------------------------------------------------------------------------


def test_a_rep_reads_the_card_and_leaves_a_note(login, official, rep, customer, customer_thread):
    services.thread_take(actor=rep, thread=customer_thread)
    url = reverse("brands:customer_card", args=[official.slug, customer.username])
    client = login(rep)
    page = _text(client.get(url))
    assert "Lens error E-12 after update" in page and "owned by Yuki" in page
    response = client.post(
        url, {"body": "Prefers replies in Japanese.", "thread": customer_thread.pk}
    )
    assert response.status_code == 302
    note = CustomerNote.objects.get()
    assert (note.author, note.thread) == (rep, customer_thread)
    assert "Prefers replies in Japanese." in _text(client.get(url))


def test_an_empty_note_comes_back_with_the_error(login, official, rep, customer):
    url = reverse("brands:customer_card", args=[official.slug, customer.username])
    response = login(rep).post(url, {"body": ""})
    assert response.status_code == 400
    assert "This field is required" in _text(response)
    assert not CustomerNote.objects.exists()


def test_the_product_team_reads_but_cannot_write_notes(login, official, product_member, customer):
    url = reverse("brands:customer_card", args=[official.slug, customer.username])
    client = login(product_member)
    assert client.get(url).status_code == 200
    response = client.post(url, {"body": "x"})
    assert response.status_code == 403 and "write hand-over notes" in _text(response)


def test_the_card_is_never_shown_to_the_customer_or_another_brand(
    login, client, official, customer, rival_rep, rep
):
    services.customer_note_add(actor=rep, brand=official, customer=customer, body="Secret note")
    url = reverse("brands:customer_card", args=[official.slug, customer.username])
    response = login(customer).get(url)
    assert response.status_code == 403 and "Secret note" not in _text(response)
    response = login(rival_rep).get(url)
    assert response.status_code == 403 and CROSS_BRAND in _text(response)
    client.logout()
    assert client.get(url).status_code == 302


def test_customer_card_query_count_is_constant(client, official, rep, customer):
    client.force_login(rep)
    url = reverse("brands:customer_card", args=[official.slug, customer.username])
    for _ in range(2):
        thread = ThreadFactory(brand=official, author=customer)
        services.thread_take(actor=rep, thread=thread)
        services.customer_note_add(actor=rep, brand=official, customer=customer, body="n")
    few = _count_queries(client, url)
    for _ in range(10):
        thread = ThreadFactory(brand=official, author=customer)
        services.thread_take(actor=rep, thread=thread)
        AnswerFactory(thread=ThreadFactory(brand=official), author=customer)
        services.customer_note_add(actor=rep, brand=official, customer=customer, body="n")
    assert _count_queries(client, url) == few


# --- Team and invitations -------------------------------------------------------------------


def test_the_team_page_is_for_admins(login, official, brand_admin, rep, rival_admin):
    url = reverse("brands:team", args=[official.slug])
    assert login(brand_admin).get(url).status_code == 200
    response = login(rep).get(url)
    assert response.status_code == 403 and "Only Hoshino Camera's admins" in _text(response)
    response = login(rival_admin).get(url)
    assert response.status_code == 403 and CROSS_BRAND in _text(response)


def test_a_bad_invitation_comes_back_filled_in(login, official, brand_admin):
    response = login(brand_admin).post(
        reverse("brands:invite", args=[official.slug]), {"email": "not-an-email", "role": "rep"}
    )
    assert response.status_code == 400
    assert 'value="not-an-email"' in _text(response)
    assert "Enter a valid email address" in _text(response)
    assert not Invitation.objects.exists()


def test_cross_brand_invite_is_403(login, official, rival_admin):
    response = login(rival_admin).post(
        reverse("brands:invite", args=[official.slug]), {"email": "x@y.example", "role": "rep"}
    )
    assert response.status_code == 403 and CROSS_BRAND in _text(response)
    assert not Invitation.objects.exists()


def test_invite_by_email_then_accept_from_the_link(login, client, official, brand_admin, committed):
    with committed():
        login(brand_admin).post(
            reverse("brands:invite", args=[official.slug]),
            {"email": "sora@hoshino-camera.example", "role": "product"},
        )
    path = re.search(r"https?://[^/\s]+(/invitations/\S+/)", mail.outbox[0].body).group(1)
    client.logout()
    anonymous = client.get(path)
    assert anonymous.status_code == 200 and "Log in to accept" in _text(anonymous)
    sora = UserFactory(username="sora", email="sora@hoshino-camera.example")
    client.force_login(sora)
    assert "Accept the invitation" in _text(client.get(path))
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("brands:inbox", args=[official.slug])
    assert sora.brand_memberships.get().role == "product"
    used = client.get(path)
    assert used.status_code == 403 and "already been used" in _text(used)


def test_an_expired_invitation_link_says_so(login, official, brand_admin):
    invitation = services.invitation_create(
        actor=brand_admin, brand=official, email="sora@hoshino-camera.example", role="rep"
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    sora = UserFactory(username="sora", email="sora@hoshino-camera.example")
    client = login(sora)
    path = reverse("brands:invitation", args=[invitation.token])
    assert "This invitation expired on" in _text(client.get(path))
    response = client.post(path)
    assert response.status_code == 403 and "expired" in _text(response)
    assert not sora.brand_memberships.exists()


def test_an_unknown_invitation_token_is_404(client):
    assert client.get(reverse("brands:invitation", args=["nope"])).status_code == 404


def test_change_role_and_revoke_from_the_team_page(login, official, brand_admin, rep):
    from brands.models import Membership

    client = login(brand_admin)
    membership = Membership.objects.get(user=rep)
    client.post(
        reverse("brands:member_role", args=[official.slug, membership.pk]),
        {f"m{membership.pk}-role": "product"},
    )
    membership.refresh_from_db()
    assert membership.role == "product"
    client.post(
        reverse("brands:member_revoke", args=[official.slug, membership.pk]), {"reason": "Left"}
    )
    membership.refresh_from_db()
    assert membership.revoked_at is not None
    assert [e.action for e in AuditLogEntry.objects.order_by("id")] == [
        "membership.change_role",
        "membership.revoke",
    ]


def test_demoting_the_last_admin_comes_back_with_the_reason(login, official, brand_admin):
    from brands.models import Membership

    membership = Membership.objects.get(user=brand_admin)
    response = login(brand_admin).post(
        reverse("brands:member_role", args=[official.slug, membership.pk]),
        {f"m{membership.pk}-role": "rep"},
    )
    assert response.status_code == 400 and "only admin" in _text(response)


def test_the_response_target_form(login, official, brand_admin):
    client = login(brand_admin)
    url = reverse("brands:response_target", args=[official.slug])
    response = client.post(url, {"hours": "0"})
    assert response.status_code == 400
    client.post(url, {"hours": "6"})
    official.refresh_from_db()
    assert official.response_target_hours == 6


# --- Starting and claiming ----------------------------------------------------------------------


def test_start_a_community_and_be_pointed_to_a_near_duplicate(login, customer, official):
    client = login(customer)
    response = client.post(
        reverse("brands:start"),
        {"name": "hoshino camera", "domain": "x.example", "product_name": "Z5"},
    )
    assert response.status_code == 400
    assert official.get_absolute_url() in _text(response)
    assert 'value="hoshino camera"' in _text(response)
    response = client.post(
        reverse("brands:start"),
        {"name": "Nestwise Home", "domain": "nestwise.example", "product_name": "Hub"},
    )
    brand = Brand.objects.get(slug="nestwise-home")
    assert response["Location"] == brand.get_absolute_url()
    page = _text(client.get(brand.get_absolute_url()))
    assert "Community-run (unofficial)" in page and "Claim it" in page


def _brand_card(page: str, name: str) -> str:
    """The directory card of one brand, as text."""
    match = re.search(r'<li class="brand-card">(?:(?!</li>).)*?' + name + r".*?</li>", page, re.S)
    assert match, f"no card for {name}"
    return match.group(0)


@pytest.mark.parametrize("url", [reverse_lazy("brands:directory"), "/"])
def test_the_directory_and_home_say_which_brands_are_official(client, official, url):
    BrandFactory(name="Nestwise Home", slug="nestwise-home")
    page = _text(client.get(url))
    official_card = _brand_card(page, "Hoshino Camera")
    community_card = _brand_card(page, "Nestwise Home")
    assert "Official" in official_card and "unofficial" not in official_card
    assert "Community-run (unofficial)" in community_card and "Official" not in community_card


def test_the_brand_page_says_official_and_offers_no_claim(client, official):
    page = _text(client.get(official.get_absolute_url()))
    assert 'class="badge badge-official">Official<' in page
    assert "Community-run" not in page and "Claim it" not in page


def test_an_unverified_member_cannot_start_a_community(login, unverified):
    response = login(unverified).get(reverse("brands:start"))
    assert response.status_code == 403 and "Confirm your e-mail" in _text(response)


def test_claim_with_a_work_address_is_approved_at_once(login, customer):
    brand = BrandFactory(name="Velora", slug="velora", domain="velora.example")
    EmailAddress.objects.create(user=customer, email="hana@velora.example", verified=True)
    client = login(customer)
    url = reverse("brands:claim", args=[brand.slug])
    assert "approved at once" in _text(client.get(url))
    response = client.post(url, {"evidence": ""})
    assert response["Location"] == reverse("brands:team", args=[brand.slug])
    brand.refresh_from_db()
    assert brand.is_official
    assert "Official" in _text(client.get(brand.get_absolute_url()))


def test_claim_without_evidence_comes_back_with_the_error(login, customer):
    brand = BrandFactory(name="Velora", slug="velora", domain="velora.example")
    response = login(customer).post(reverse("brands:claim", args=[brand.slug]), {"evidence": ""})
    assert response.status_code == 400 and "staff decide" in _text(response)
    assert not BrandClaim.objects.exists()


def test_claims_refused_with_the_reason(login, official, customer, rival_rep):
    response = login(customer).get(reverse("brands:claim", args=[official.slug]))
    assert response.status_code == 403 and "already official" in _text(response)
    community = BrandFactory(name="Hoshino Camera", slug="hoshino-two", domain="h2.example")
    response = login(rival_rep).post(
        reverse("brands:claim", args=[community.slug]), {"evidence": "Trust me"}
    )
    assert response.status_code == 403 and CROSS_BRAND in _text(response)


def test_staff_decide_claims_on_their_page(login, customer, staff, brand_admin):
    brand = BrandFactory(name="Velora", slug="velora", domain="velora.example")
    claim = services.claim_submit(claimant=customer, brand=brand, evidence="I am the CEO.")
    response = login(brand_admin).get(reverse("brands:staff_claims"))
    assert response.status_code == 403 and "Only Sodan staff" in _text(response)
    client = login(staff)
    page = _text(client.get(reverse("brands:staff_claims")))
    assert "I am the CEO." in page and customer.email in page
    decide = reverse("brands:staff_claim_decide", args=[claim.pk])
    response = client.post(decide, {"decision": "reject", "reason": ""})
    assert response.status_code == 400 and "why the claim is rejected" in _text(response)
    client.post(decide, {"decision": "approve", "reason": "Checked."})
    brand.refresh_from_db()
    assert brand.is_official


# --- Releases and the audit log ------------------------------------------------------------------


def test_publish_a_release_and_confirm_recommendations(login, official, rep, customer_answer, z5):
    old = ProductVersion.objects.create(
        product=z5, name="2.0", released_at=timezone.now() - timedelta(days=3)
    )
    endorsement = services.answer_endorse(actor=rep, answer=customer_answer, version=old)
    client = login(rep)
    url = reverse("brands:versions", args=[official.slug, z5.slug])
    assert client.post(url, {"name": ""}).status_code == 400
    client.post(url, {"name": "2.1"})
    page = _text(client.get(url))
    assert "may be outdated for 2.1" in page
    client.post(reverse("brands:endorsement_confirm", args=[endorsement.pk]), {"back": "versions"})
    endorsement.refresh_from_db()
    assert endorsement.outdated_for is None and endorsement.version.name == "2.1"


def test_the_product_team_reads_releases_but_cannot_publish(login, official, product_member, z5):
    client = login(product_member)
    url = reverse("brands:versions", args=[official.slug, z5.slug])
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "9"}).status_code == 403


def test_staff_read_a_brands_audit_log(login, official, staff, brand_admin, rep, customer_thread):
    services.thread_take(actor=rep, thread=customer_thread)
    url = reverse("brands:audit_log", args=[official.slug])
    page = _text(login(staff).get(url))
    assert "thread.take" in page and "yuki" in page
    assert login(brand_admin).get(url).status_code == 403


def test_the_header_links_a_members_inbox(login, official, rep):
    page = _text(login(rep).get(reverse("brands:directory")))
    assert reverse("brands:inbox", args=[official.slug]) in page
