"""Two-factor before powers: a rep, a moderator and staff can use their powers only once a
second factor is set up, are shown why and how, and dangerous actions ask again; staff can
reset a lost factor after checking who the member is, in the audit log. Customers are not
asked for it."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from brands.models import Membership
from brands.permissions import is_rep
from community.mfa import two_factor_reset
from moderation.models import AuditLogEntry, ModeratorAppointment
from moderation.permissions import moderates
from tests.community.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor")]


def _rep(brand, username="rep", role=Membership.Role.REP):
    user = UserFactory(username=username)
    Membership.objects.create(brand=brand, user=user, role=role)
    return user


def _with_totp(user):
    TOTP.activate(user, generate_totp_secret())
    return user


def test_a_rep_without_two_factor_sees_why_instead_of_the_inbox(client, brand):
    client.force_login(_rep(brand))
    response = client.get(reverse("brands:inbox", args=[brand.slug]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Set up two-factor authentication" in html
    assert "Those powers wait until your account has a second factor" in html
    assert reverse("mfa_activate_totp") in html


def test_with_an_authenticator_app_the_inbox_opens(client, brand):
    client.force_login(_with_totp(_rep(brand)))
    assert client.get(reverse("brands:inbox", args=[brand.slug])).status_code == 200


def test_recovery_codes_alone_are_not_a_second_factor(brand):
    rep = _rep(brand)
    RecoveryCodes.activate(rep)
    assert not is_rep(rep, brand)


def test_the_rule_holds_for_every_door_that_asks_brand_roles_and_appointments(brand):
    rep, admin = _rep(brand), _rep(brand, "boss", Membership.Role.ADMIN)
    moderator = UserFactory(username="mod")
    ModeratorAppointment.objects.create(user=moderator)
    assert not is_rep(rep, brand) and not is_rep(admin, brand)
    assert not moderates(moderator, brand)
    for person in (rep, admin, moderator):
        _with_totp(person)
        person.__dict__.pop("_sodan_memo", None)  # a new request
    assert is_rep(rep, brand) and is_rep(admin, brand)
    assert moderates(moderator, brand)


def test_a_moderator_without_two_factor_is_shown_the_set_up_page(client):
    moderator = UserFactory(username="mod")
    ModeratorAppointment.objects.create(user=moderator)
    client.force_login(moderator)
    response = client.get(reverse("moderation:queue"))
    assert response.status_code == 403
    assert "Set up two-factor authentication" in response.content.decode()


def test_staff_without_two_factor_reach_only_their_account_pages(client):
    staff = UserFactory(username="staffer", is_staff=True)
    client.force_login(staff)
    response = client.get(reverse("brands:staff_claims"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("community:two_factor_required"))
    setup = client.get(reverse("mfa_activate_totp"))  # allauth asks for the password first
    assert setup.status_code == 200 or setup["Location"].startswith("/accounts/")
    _with_totp(staff)
    assert client.get(reverse("brands:staff_claims")).status_code == 200


def test_customers_are_not_asked_for_two_factor(client, customer, brand):
    client.force_login(customer)
    response = client.post(
        reverse("qa:ask", args=[brand.slug]),
        {"type": "question", "title": "A question about setup", "body": "How do I?"},
    )
    assert response.status_code == 302


def test_off_switch_gives_powers_without_two_factor(settings, brand):
    settings.SODAN_MFA_REQUIRED_FOR_POWERS = False
    assert is_rep(_rep(brand), brand)


def test_creating_an_api_key_asks_for_the_second_factor_again(client, brand):
    admin = _with_totp(_rep(brand, "boss", Membership.Role.ADMIN))
    client.force_login(admin)  # signed in, but not just now: no recent authentication
    url = reverse("api:brand_keys", args=[brand.slug])
    assert client.get(url).status_code == 200  # looking is fine
    response = client.post(url, {"name": "Helpdesk", "role": "rep", "scopes": ["threads:read"]})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate")) or response[
        "Location"
    ].startswith(reverse("mfa_reauthenticate"))
    from api.models import BrandApiKey

    assert not BrandApiKey.objects.filter(brand=brand).exists()


def test_banning_asks_again(client):
    moderator = _with_totp(UserFactory(username="mod"))
    ModeratorAppointment.objects.create(user=moderator)
    member = UserFactory(username="troll")
    client.force_login(moderator)
    response = client.post(
        reverse("moderation:member_sanction", args=[member.username]),
        {"kind": "ban", "reason": "Spam, again and again."},
    )
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
    member.refresh_from_db()
    assert not member.is_banned


def test_staff_reset_a_lost_factor_after_an_identity_check_in_the_audit_log(client, brand):
    staff = _with_totp(UserFactory(username="staffer", is_staff=True))
    rep = _with_totp(_rep(brand))
    RecoveryCodes.activate(rep)
    client.force_login(staff)
    url = reverse("community:two_factor_reset", args=[rep.username])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"identity_check": "ok"})
    assert refused.status_code == 200
    assert Authenticator.objects.filter(user=rep).count() == 2

    response = client.post(url, {"identity_check": "Called the number on the brand's contract."})
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=rep).exists()
    entry = AuditLogEntry.objects.get(action="member.two_factor_reset")
    assert entry.actor == staff and entry.target_id == str(rep.pk)
    assert entry.reason == "Called the number on the brand's contract."
    assert entry.data == {"removed": ["recovery_codes", "totp"]}
    rep.__dict__.pop("_sodan_memo", None)
    assert not is_rep(rep, brand)  # powers wait again for a new factor


def test_only_staff_reset_and_never_their_own(customer):
    other = _with_totp(UserFactory(username="victim"))
    with pytest.raises(PermissionDenied):
        two_factor_reset(actor=customer, member=other, identity_check="I just want to.")
    staff = _with_totp(UserFactory(username="staffer", is_staff=True))
    with pytest.raises(PermissionDenied):
        two_factor_reset(actor=staff, member=staff, identity_check="It is me, honestly.")
    assert Authenticator.objects.filter(user__in=[other, staff]).count() == 2


def test_staff_without_two_factor_are_sent_from_a_thread_page_to_set_it_up(client, thread):
    client.force_login(UserFactory(username="staffer", is_staff=True))
    for _ in range(2):  # the page rendered, then the page assembled from the cache
        response = client.get(thread.get_absolute_url())
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("community:two_factor_required"))
    assert client.head(thread.get_absolute_url()).status_code == 302


def _redis_commands(server) -> int:
    """Commands the server has run, but for this count's own (its connection's HELLO, INFO)."""
    import redis

    stats = redis.Redis.from_url(server.url()).info("commandstats")
    own = {"cmdstat_hello", "cmdstat_info"}
    return sum(stat["calls"] for name, stat in stats.items() if name not in own)


def test_a_signed_in_reader_costs_one_cache_round_trip_and_one_query(
    client, thread, customer, cache_on_redis
):
    """With two-factor required, its check does not load the reader before the thread
    page: their session comes in the page's one cache round trip, as it does without it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(customer)
    client.get(thread.get_absolute_url())  # stores the shared rendering
    before = _redis_commands(cache_on_redis)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(thread.get_absolute_url())
    assert response["X-Sodan-Cache"] == "hit"
    assert customer.public_name in response.content.decode()
    assert _redis_commands(cache_on_redis) - before == 1
    assert len(queries.captured_queries) == 1
