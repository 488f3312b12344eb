"""What a level in a brand unlocks there, and what it never does."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from moderation import permissions as moderation_permissions
from moderation import services as moderation
from moderation.models import Flag
from qa import services as qa
from qa.models import Visibility
from reputation import services
from reputation.models import Reason
from tests.brands.factories import BrandFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db

LINKS = "See https://a.example https://b.example https://c.example for the steps."


def earn(member, brand, points, key="earned"):
    services.reputation_event(
        member=member, brand=brand, reason=Reason.HELPFUL_VOTE, source_key=key, points=points
    )


@pytest.fixture
def levels(settings):
    settings.SODAN_REPUTATION_LEVELS = [20, 40, 60, 80]
    return settings


def test_a_new_member_with_a_level_in_a_brand_may_post_links_there_only(levels, customer):
    """customer is a day-old account: new everywhere until a level lifts it in one brand."""
    mine, other = BrandFactory(), BrandFactory()
    with pytest.raises(ValidationError, match="New members may include up to 2 links"):
        qa.thread_create(author=customer, brand=mine, title="Lens error E12", body=LINKS)
    earn(customer, mine, 20)
    thread = qa.thread_create(author=customer, brand=mine, title="Lens error E12", body=LINKS)
    assert thread.pk
    with pytest.raises(ValidationError, match="New members may include up to 2 links"):
        qa.thread_create(author=customer, brand=other, title="Battery drain", body=LINKS)


def test_a_level_in_a_brand_lifts_the_new_member_posting_rate_there_only(levels, customer):
    levels.SODAN_RATE_LIMITS_ENABLED = True
    levels.SODAN_NEW_MEMBER = {**levels.SODAN_NEW_MEMBER, "posts_per_hour": 1}
    mine, other = BrandFactory(), BrandFactory()
    earn(customer, mine, 20)
    for n in range(3):
        qa.thread_create(author=customer, brand=mine, title=f"Question {n}", body="Body")
    from moderation.ratelimit import RateLimited

    with pytest.raises(RateLimited):
        qa.thread_create(author=customer, brand=other, title="Elsewhere", body="Body")


def test_a_trusted_members_flag_counts_for_more(levels, brand):
    levels.SODAN_FLAGS_TO_HIDE = 3
    levels.SODAN_REPUTATION_FLAG_WEIGHT = 2
    thread = ThreadFactory(brand=brand)
    trusted, plain = UserFactory(), UserFactory()
    earn(trusted, brand, 40)
    moderation.flag_create(flagger=trusted, thread=thread, reason=Flag.Reason.SPAM)
    thread.refresh_from_db()
    assert thread.visibility == Visibility.PUBLISHED  # 2 of 3
    moderation.flag_create(flagger=plain, thread=thread, reason=Flag.Reason.SPAM)
    thread.refresh_from_db()
    assert thread.visibility == Visibility.HIDDEN  # 2 + 1


def test_flag_weight_is_per_brand(levels, brand):
    levels.SODAN_FLAGS_TO_HIDE = 2
    elsewhere = BrandFactory()
    thread = ThreadFactory(brand=brand)
    trusted = UserFactory()
    earn(trusted, elsewhere, 80)
    moderation.flag_create(flagger=trusted, thread=thread, reason=Flag.Reason.SPAM)
    thread.refresh_from_db()
    assert thread.visibility == Visibility.PUBLISHED


def test_no_level_gives_a_moderation_power(levels, brand, customer):
    top = UserFactory()
    earn(top, brand, 10_000)
    answer = AnswerFactory(thread=ThreadFactory(brand=brand, author=customer))
    with pytest.raises(PermissionDenied):
        moderation_permissions.check_can_moderate(top, brand)
    with pytest.raises(PermissionDenied):
        moderation.answer_verify(moderator=top, answer=answer)
    assert not moderation_permissions.moderates(top, brand)
