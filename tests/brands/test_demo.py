"""The demo shows brand ownership: an official brand with reps and owned threads, and
community-run brands, one with a claim waiting for staff."""

import pytest

from brands.models import Brand, BrandClaim, CustomerNote, Endorsement, ThreadOwnership
from community.demo import loader
from qa.models import Answer

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_official_brand_at_work_and_community_run_brands(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    loader.load_demo_content(report=lambda line: None)
    official = Brand.objects.get(status=Brand.Status.OFFICIAL)
    assert set(official.memberships.values_list("user__username", "role")) == {
        ("rep", "rep"),
        ("brandadmin", "admin"),
    }
    assert Brand.objects.filter(status=Brand.Status.COMMUNITY).exists()
    owned = ThreadOwnership.objects.filter(brand=official)
    assert owned.count() == 3 and set(owned.values_list("owner__username", flat=True)) == {"rep"}
    assert Answer.objects.filter(thread__brand=official, is_official=True).exists()
    assert not Answer.objects.filter(is_official=True).exclude(thread__brand=official).exists()
    assert Endorsement.objects.active().filter(outdated_for__isnull=False).count() == 1
    assert CustomerNote.objects.filter(brand=official, customer__username="customer").exists()
    claim = BrandClaim.objects.get()
    assert claim.status == BrandClaim.Status.PENDING and not claim.brand.is_official
