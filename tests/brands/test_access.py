"""Access helpers of brands (and of feedback and themes, which stand on brands): 404 for
what does not exist or is another brand's, 403 with the reason for what the viewer may not
do, and the brand's own team gets what it asked for."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from brands import permissions
from brands.models import Membership
from feedback import permissions as feedback_permissions
from feedback.models import FeedbackItem
from tests.brands.conftest import fresh
from themes import permissions as theme_permissions

pytestmark = pytest.mark.django_db

CROSS_BRAND = "You work for Kumo Mobile, not for Hoshino Camera"


def test_a_brand_is_public_and_an_unknown_one_is_a_404(official):
    assert permissions.access_brand(AnonymousUser(), "hoshino-camera") == official
    with pytest.raises(Http404):
        permissions.access_brand(AnonymousUser(), "no-such-brand")


def test_the_check_runs_after_the_brand_is_found(official, rep, rival_rep, customer):
    inbox = permissions.check_can_read_inbox
    assert permissions.access_brand(rep, "hoshino-camera", check=inbox) == official
    with pytest.raises(PermissionDenied, match=CROSS_BRAND):
        permissions.access_brand(rival_rep, "hoshino-camera", check=inbox)
    with pytest.raises(PermissionDenied, match="The inbox is for Hoshino Camera's team"):
        permissions.access_brand(customer, "hoshino-camera", check=inbox)
    with pytest.raises(Http404):  # an unknown brand is a 404 for everyone, never a 403
        permissions.access_brand(customer, "no-such-brand", check=inbox)


def test_the_team_is_its_admins_and_staff(official, brand_admin, rep, staff, rival_admin):
    assert permissions.access_team(brand_admin, "hoshino-camera") == official
    assert permissions.access_team(staff, "hoshino-camera") == official
    for viewer in (rep, rival_admin):
        with pytest.raises(PermissionDenied, match="Only Hoshino Camera's admins manage"):
            permissions.access_team(fresh(viewer), "hoshino-camera")


def test_a_membership_of_another_brand_is_a_404(official, rival, brand_admin, rep, rival_rep):
    own = Membership.objects.get(user=rep)
    other = Membership.objects.get(user=rival_rep)
    assert permissions.access_membership(brand_admin, official, own.pk) == own
    with pytest.raises(Http404):
        permissions.access_membership(brand_admin, official, other.pk)
    with pytest.raises(PermissionDenied):
        permissions.access_membership(rep, official, own.pk)


def test_a_product_needs_its_own_brand(official, rival, z5, rep, rival_rep):
    check = permissions.check_can_read_inbox
    product = permissions.access_product(rep, "hoshino-camera", "z5", check=check)
    assert product == z5 and product.brand == official
    with pytest.raises(Http404):
        permissions.access_product(rival_rep, "kumo-mobile", "z5", check=check)
    with pytest.raises(PermissionDenied, match=CROSS_BRAND):
        permissions.access_product(rival_rep, "hoshino-camera", "z5", check=check)


def test_a_customer_card_is_for_the_team(official, rep, rival_rep, customer):
    assert permissions.access_customer(rep, official, customer.username) == customer
    with pytest.raises(Http404):
        permissions.access_customer(rep, official, "nobody-here")
    with pytest.raises(PermissionDenied, match="Customer cards are private"):
        permissions.access_customer(AnonymousUser(), official, customer.username)
    with pytest.raises(PermissionDenied, match=CROSS_BRAND):  # 403 before the person is looked up
        permissions.access_customer(rival_rep, official, "nobody-here")


def test_claims_are_staff_only_before_anything_is_looked_up(rep, staff):
    with pytest.raises(PermissionDenied, match="Only Sodan staff"):
        permissions.access_claim(rep, 999_999)
    with pytest.raises(Http404):
        permissions.access_claim(staff, 999_999)


def test_feedback_items_stay_inside_their_brand(official, rival, rep, rival_rep, customer):
    item = FeedbackItem.objects.create(brand=official, title="Lens cap", created_by=rep)
    assert feedback_permissions.access_item(rep, official, item.pk) == item
    with pytest.raises(Http404, match="No such feedback item"):
        feedback_permissions.access_item(rival_rep, rival, item.pk)
    with pytest.raises(PermissionDenied, match="The feedback board is private"):
        feedback_permissions.access_item(customer, official, item.pk)
    with pytest.raises(PermissionDenied, match="The feedback board is private"):
        feedback_permissions.access_feedback(customer, "hoshino-camera")


def test_feedback_work_on_a_thread_is_for_its_brands_team(customer_thread, rep, rival_rep):
    assert feedback_permissions.access_team_thread(rep, customer_thread.pk) == customer_thread
    with pytest.raises(PermissionDenied, match="Only Hoshino Camera's reps, admins and product"):
        feedback_permissions.access_team_thread(rival_rep, customer_thread.pk)
    with pytest.raises(Http404):
        feedback_permissions.access_team_thread(rep, 999_999)


def test_a_brands_site_is_managed_by_its_admins(official, brand_admin, rep, customer):
    assert theme_permissions.access_site(brand_admin, "hoshino-camera") == official
    with pytest.raises(PermissionDenied, match="Only Hoshino Camera's admins and Sodan staff"):
        theme_permissions.access_site(rep, "hoshino-camera")
    with pytest.raises(PermissionDenied, match="Log in as one of Hoshino Camera's admins"):
        theme_permissions.access_site(AnonymousUser(), "hoshino-camera")
    with pytest.raises(Http404):
        theme_permissions.access_domain(brand_admin, official, 999_999)
