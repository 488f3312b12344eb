"""A brand's own domain: verified by DNS, then it serves that brand and nothing else."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from brands.models import Brand
from community import page_cache
from moderation.models import AuditLogEntry
from tests.brands.factories import BrandFactory, MembershipFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory
from tests.themes.factories import BrandDomainFactory
from themes import services, tasks
from themes.models import BrandDomain

pytestmark = pytest.mark.django_db

HOST = "support.hoshino.example"


@pytest.fixture(autouse=True)
def _brand_domains_allowed(settings):
    # Production: ALLOWED_HOSTS=* and the middleware refuses what it doesn't serve.
    settings.ALLOWED_HOSTS = ["testserver", "*"]


@pytest.fixture
def brand_admin(brand):
    user = UserFactory(username="aya")
    MembershipFactory(brand=brand, user=user, role="admin")
    return user


@pytest.fixture
def kumo(db):
    return BrandFactory(name="Kumo Mobile", slug="kumo")


@pytest.fixture
def served(brand):
    return BrandDomainFactory(brand=brand, hostname=HOST)


def _get(client, path, host=HOST, **extra):
    return client.get(path, HTTP_HOST=host, **extra)


# --- Routing ---------------------------------------------------------------------------------


def test_the_brand_host_serves_the_brands_page_at_the_root(client, brand, served, thread, kumo):
    ThreadFactory(brand=kumo, title="eSIM will not activate")
    response = _get(client, "/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Lens cap stuck after firmware 2.1" in html
    assert "eSIM will not activate" not in html
    assert 'href="/brands/"' not in html  # no directory of other brands
    assert "Powered by Sodan" in html


def test_the_brand_host_says_whether_the_community_is_official(client, brand, served):
    page = _get(client, "/").content.decode()
    assert "Community-run (unofficial)" in page  # a community-run brand never looks official
    brand.status = Brand.Status.OFFICIAL
    brand.save(update_fields=["status"])
    page_cache.site_changed()  # as an approved claim does
    page = _get(client, "/").content.decode()
    assert 'class="badge badge-official">Official<' in page and "unofficial" not in page


def test_an_unknown_host_is_refused_never_shown_another_brand(client, brand, served, thread):
    response = _get(client, "/", host="nobody.example")
    assert response.status_code == 404
    html = response.content.decode()
    assert "nobody.example is not the address of a community" in html
    assert "Lens cap" not in html and "Hoshino" not in html
    assert _get(client, thread.get_absolute_url(), host="nobody.example").status_code == 404


def test_a_host_django_does_not_allow_is_a_bad_request(client, settings, served):
    settings.ALLOWED_HOSTS = ["testserver"]
    assert _get(client, "/").status_code == 400


def test_another_brands_verified_domain_never_serves_this_brands_content(
    client, brand, served, thread, kumo
):
    BrandDomainFactory(brand=kumo, hostname="help.kumo.example")
    kumo_thread = ThreadFactory(brand=kumo, title="eSIM will not activate")
    other_host = "help.kumo.example"
    assert _get(client, thread.get_absolute_url(), host=other_host).status_code == 404
    assert _get(client, f"/t/{thread.pk}/", host=other_host).status_code == 404
    assert _get(client, f"/b/{brand.slug}/", host=other_host).status_code == 404
    assert _get(client, f"/b/{brand.slug}/ask/", host=other_host).status_code == 404
    assert _get(client, kumo_thread.get_absolute_url(), host=other_host).status_code == 200
    assert _get(client, kumo_thread.get_absolute_url()).status_code == 404  # and back


def test_answers_of_another_brand_are_not_reachable_on_the_host(client, login, served, kumo):
    answer = AnswerFactory(thread=ThreadFactory(brand=kumo))
    customer = UserFactory()
    client = login(customer)
    assert client.get(f"/a/{answer.pk}/revisions/", HTTP_HOST=HOST).status_code == 404
    assert client.post(f"/a/{answer.pk}/vote/", HTTP_HOST=HOST).status_code == 404
    assert client.get(f"/flag/answer/{answer.pk}/", HTTP_HOST=HOST).status_code == 404


def test_the_directory_is_only_on_the_main_site(client, served):
    assert _get(client, "/brands/").status_code == 404
    assert client.get("/brands/").status_code == 200


def test_own_threads_and_pages_are_served_on_the_host(client, brand, served, thread):
    assert _get(client, thread.get_absolute_url()).status_code == 200
    assert _get(client, f"/b/{brand.slug}/").status_code in (301, 302)
    assert _get(client, f"/b/{brand.slug}/?product=z5")["Location"] == "/?product=z5"
    assert _get(client, "/accounts/login/").status_code == 200
    assert _get(client, "/guidelines/").status_code == 200


def test_search_on_the_host_stays_inside_the_brand(client, brand, served):
    response = _get(client, "/search/?q=lens")
    assert response.status_code == 302
    assert f"brand={brand.slug}" in response["Location"]
    assert _get(client, f"/search/?q=lens&brand={brand.slug}").status_code == 200


def test_pages_about_all_of_sodan_go_to_the_main_site(client, served, settings):
    settings.SITE_URL = "https://sodan.example"
    response = _get(client, "/moderation/")
    assert response.status_code == 302
    assert response["Location"] == "https://sodan.example/moderation/"


def test_pending_and_failed_domains_are_not_served(client, brand, thread):
    BrandDomainFactory(brand=brand, hostname=HOST, status=BrandDomain.Status.PENDING)
    BrandDomainFactory(
        brand=brand, hostname="old.hoshino.example", status=BrandDomain.Status.FAILED
    )
    assert _get(client, "/").status_code == 404
    assert _get(client, "/", host="old.hoshino.example").status_code == 404


def test_anonymous_thread_pages_are_cached_per_host(client, brand, served, thread):
    main = client.get(thread.get_absolute_url())
    on_host = _get(client, thread.get_absolute_url())
    assert on_host["X-Sodan-Cache"] == "miss"  # not the main site's cached copy
    assert "brand-site-header" in on_host.content.decode()
    assert "brand-site-header" not in main.content.decode()
    assert _get(client, thread.get_absolute_url())["X-Sodan-Cache"] == "hit"


def test_thread_pages_name_the_brand_domain_as_canonical(client, brand, served, thread):
    html = client.get(thread.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="http://{HOST}{thread.get_absolute_url()}">' in html


def _cache_reads(monkeypatch):
    """The keys of each call that reads Sodan's cache (a real Redis here), one list per call."""
    from django.core.cache import caches

    backend, calls = caches["default"], []
    for name in ("get", "get_many", "get_or_set"):
        original = getattr(backend, name)

        def counted(keys, *args, _original=original, **kwargs):
            calls.append([keys] if isinstance(keys, str) else list(keys))
            return _original(keys, *args, **kwargs)

        monkeypatch.setattr(backend, name, counted)
    return calls


def test_a_thread_page_reads_the_brand_host_with_its_look_in_one_round_trip(
    client, cache_on_redis, monkeypatch, brand, served, thread
):
    from themes.selectors import look_cache_key, primary_host_cache_key

    client.get(thread.get_absolute_url())  # the look and the host are cached now
    page_cache.thread_changed(thread.pk)
    reads = _cache_reads(monkeypatch)
    response = client.get(thread.get_absolute_url())
    assert response["X-Sodan-Cache"] == "miss"
    host_reads = [keys for keys in reads if primary_host_cache_key(brand.pk) in keys]
    assert host_reads == [[look_cache_key(brand.pk), primary_host_cache_key(brand.pk)]]
    html = response.content.decode()
    assert f'<link rel="canonical" href="http://{HOST}{thread.get_absolute_url()}">' in html


def test_a_domain_no_longer_served_leaves_the_canonical_address_at_once(
    client, cache_on_redis, brand, brand_admin, served, thread
):
    client.get(thread.get_absolute_url())
    services.domain_remove(actor=brand_admin, domain=served)
    html = client.get(thread.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="http://testserver{thread.get_absolute_url()}">' in html
    assert HOST not in html


# --- Adding and verifying domains -------------------------------------------------------------


def test_adding_a_domain_records_a_token_and_is_not_served_yet(brand, brand_admin):
    domain = services.domain_add(
        actor=brand_admin, brand=brand, hostname="https://Support.Hoshino.example/help"
    )
    assert domain.hostname == HOST
    assert domain.status == BrandDomain.Status.PENDING
    assert domain.record_name == f"_sodan-challenge.{HOST}"
    assert domain.record_value.startswith("sodan-verification=") and len(domain.token) >= 24
    assert AuditLogEntry.objects.filter(action="domain.add", brand=brand).exists()


@pytest.mark.parametrize(
    "bad", ["localhost", "10.0.0.1", "testserver", "no_dots", "a..b.example", "-x.example"]
)
def test_hosts_a_brand_cannot_own_are_refused(brand, brand_admin, bad):
    with pytest.raises(ValidationError):
        services.domain_add(actor=brand_admin, brand=brand, hostname=bad)


def test_a_domain_of_another_brand_cannot_be_taken(brand, brand_admin, kumo):
    BrandDomainFactory(brand=kumo, hostname=HOST)
    with pytest.raises(ValidationError) as refused:
        services.domain_add(actor=brand_admin, brand=brand, hostname=HOST)
    assert "another brand" in str(refused.value)


def test_only_the_brands_admins_add_domains(brand, customer, kumo):
    other_admin = UserFactory()
    MembershipFactory(brand=kumo, user=other_admin, role="admin")
    for person in (customer, other_admin):
        with pytest.raises(PermissionDenied):
            services.domain_add(actor=person, brand=brand, hostname=HOST)


def test_the_task_verifies_the_domain_when_the_record_is_published(
    client, brand, brand_admin, thread, fake_dns_records, committed
):
    with committed():
        domain = services.domain_add(actor=brand_admin, brand=brand, hostname=HOST)
    domain.refresh_from_db()
    assert domain.status == BrandDomain.Status.FAILED  # checked at once: no record yet
    assert "No TXT record" in domain.last_error
    assert _get(client, "/").status_code == 404

    fake_dns_records.RECORDS[domain.record_name] = ["v=spf1 -all", domain.record_value]
    assert tasks.domain_check(domain.pk) == "verified"
    domain.refresh_from_db()
    assert domain.verified_at is not None and domain.last_error == ""
    assert _get(client, "/").status_code == 200  # the host map was refreshed
    assert AuditLogEntry.objects.filter(action="domain.verified").count() == 1


def test_a_removed_record_stops_the_domain_being_served(client, brand, served, fake_dns_records):
    assert _get(client, "/").status_code == 200
    assert tasks.domains_recheck() == 1
    served.refresh_from_db()
    assert served.status == BrandDomain.Status.FAILED
    assert _get(client, "/").status_code == 404


def test_a_failed_lookup_changes_nothing_but_the_note(client, brand, served, fake_dns_records):
    fake_dns_records.FAILING.add(served.record_name)
    services.domain_check(domain_id=served.pk)
    served.refresh_from_db()
    assert served.status == BrandDomain.Status.VERIFIED
    assert "timed out" in served.last_error
    assert _get(client, "/").status_code == 200


def test_localhost_names_are_never_looked_up_in_public_dns():
    from themes.dns import DNSLookupError, dnspython_txt_resolver

    with pytest.raises(DNSLookupError):
        dnspython_txt_resolver("_sodan-challenge.hoshino.localhost")


def test_removing_a_served_domain_stops_serving_it(client, brand, brand_admin, served):
    assert _get(client, "/").status_code == 200
    services.domain_remove(actor=brand_admin, domain=served)
    assert _get(client, "/").status_code == 404


def test_domains_page_adds_checks_and_removes(login, brand, brand_admin, fake_dns_records):
    client = login(brand_admin)
    response = client.post(f"/b/{brand.slug}/domains/", {"hostname": "not a host"})
    assert response.status_code == 400
    assert 'value="not a host"' in response.content.decode()
    assert client.post(f"/b/{brand.slug}/domains/", {"hostname": HOST}).status_code == 302
    domain = BrandDomain.objects.get()
    page = client.get(f"/b/{brand.slug}/domains/").content.decode()
    assert domain.record_value in page and domain.record_name in page
    assert client.post(f"/b/{brand.slug}/domains/{domain.pk}/check/").status_code == 302
    assert client.post(f"/b/{brand.slug}/domains/{domain.pk}/remove/").status_code == 302
    assert not BrandDomain.objects.exists()


def test_another_brands_domain_cannot_be_removed_through_this_brand(
    login, brand, brand_admin, kumo
):
    theirs = BrandDomainFactory(brand=kumo, hostname="help.kumo.example")
    client = login(brand_admin)
    assert client.post(f"/b/{brand.slug}/domains/{theirs.pk}/remove/").status_code == 404
    assert client.post(f"/b/{kumo.slug}/domains/{theirs.pk}/remove/").status_code == 403
    assert BrandDomain.objects.filter(pk=theirs.pk).exists()
