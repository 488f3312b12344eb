"""A brand's own synonyms and product nicknames: only its admins edit them, on the brand's
settings, and the next search of the brand finds by them, with no reindex."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from brands.models import Membership
from search import brand_synonyms, services
from search.models import BrandSynonym
from tests.brands.factories import BrandFactory, MembershipFactory
from tests.community.factories import UserFactory
from tests.qa.factories import ThreadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(brand):
    user = UserFactory()
    MembershipFactory(brand=brand, user=user, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def nickname_thread(brand):
    thread = ThreadFactory(
        brand=brand, title="X5の電源が入らない", body="ボタンを押しても反応しません。"
    )
    services.outbox_process()
    return thread


def found(text, brand):
    return [item.thread.pk for item in services.threads_search(text=text, brand_id=brand.pk).items]


def test_a_brand_admins_synonym_changes_what_the_next_search_finds(
    admin, brand, nickname_thread, committed
):
    assert found("エックスファイブ", brand) == []
    with committed():
        brand_synonyms.brand_synonym_add(actor=admin, brand=brand, words="X5, エックスファイブ")
    assert found("エックスファイブ", brand) == [nickname_thread.pk]


def test_removing_the_synonym_applies_at_once(admin, brand, nickname_thread, committed):
    with committed():
        synonym = brand_synonyms.brand_synonym_add(
            actor=admin, brand=brand, words="X5, エックスファイブ"
        )
    assert found("エックスファイブ", brand) == [nickname_thread.pk]
    with committed():
        brand_synonyms.brand_synonym_remove(actor=admin, synonym=synonym)
    assert found("エックスファイブ", brand) == []


def test_a_brands_synonyms_do_not_change_other_brands_searches(admin, brand, committed):
    other = BrandFactory()
    thread = ThreadFactory(brand=other, title="X5 won't turn on", body="Nothing happens.")
    services.outbox_process()
    with committed():
        brand_synonyms.brand_synonym_add(actor=admin, brand=brand, words="X5, kettle")
    assert found("kettle", other) == []
    assert found("X5", other) == [thread.pk]


@pytest.mark.parametrize("role", [Membership.Role.REP, Membership.Role.PRODUCT, None])
def test_only_the_brands_admins_edit_synonyms(brand, role):
    user = UserFactory()
    if role:
        MembershipFactory(brand=brand, user=user, role=role)
    with pytest.raises(PermissionDenied):
        brand_synonyms.brand_synonym_add(actor=user, brand=brand, words="X5, エックスファイブ")
    assert not BrandSynonym.objects.exists()


def test_another_brands_admin_is_refused(admin):
    with pytest.raises(PermissionDenied):
        brand_synonyms.brand_synonym_add(actor=admin, brand=BrandFactory(), words="a, b")


@pytest.mark.parametrize("words", ["X5", " , ", "X5, X5", ",".join(f"w{n}" for n in range(13))])
def test_a_set_needs_two_to_twelve_different_words(admin, brand, words):
    with pytest.raises(ValidationError):
        brand_synonyms.brand_synonym_add(actor=admin, brand=brand, words=words)


def test_settings_page_lists_adds_and_refuses_others(client, login, admin, brand, customer):
    url = f"/b/{brand.slug}/settings/synonyms/"
    assert login(customer).get(url).status_code == 403
    page = login(admin).post(url, {"words": "X5, エックスファイブ"}, follow=True)
    assert page.status_code == 200
    assert "X5, エックスファイブ" in page.content.decode()
    synonym = BrandSynonym.objects.get(brand=brand)
    assert login(customer).post(f"{url}{synonym.pk}/remove/").status_code == 403
    login(admin).post(f"{url}{synonym.pk}/remove/")
    assert not BrandSynonym.objects.exists()


def test_a_brand_keeps_at_most_max_sets(admin, brand, monkeypatch):
    monkeypatch.setattr(brand_synonyms, "MAX_SETS", 1)
    brand_synonyms.brand_synonym_add(actor=admin, brand=brand, words="X5, エックスファイブ")
    with pytest.raises(ValidationError, match="At most 1 sets"):
        brand_synonyms.brand_synonym_add(actor=admin, brand=brand, words="Z5, ゼットファイブ")
    assert BrandSynonym.objects.count() == 1


def test_an_admin_cannot_remove_another_brands_synonym_through_their_own(
    client, login, admin, brand
):
    elsewhere = BrandFactory()
    theirs = BrandSynonym.objects.create(brand=elsewhere, words="a, b")
    response = login(admin).post(f"/b/{brand.slug}/settings/synonyms/{theirs.pk}/remove/")
    assert response.status_code == 404
    assert BrandSynonym.objects.filter(pk=theirs.pk).exists()
