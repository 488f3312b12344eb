"""The demo data does not contradict itself: each flag and appeal is about the post it is
on, and a solved thread never says the team is still working on it."""

import re

import pytest

from community.demo import loader
from feedback.models import FeedbackItem, FeedbackLink
from moderation.models import Appeal, Flag
from qa.models import Thread

pytestmark = pytest.mark.django_db

# Words too common to show two texts are about the same thing.
COMMON = {
    "this", "that", "with", "from", "have", "there", "their", "about", "only", "never",
    "says", "said", "what", "when", "where", "which", "just", "like", "looks", "simply",
}  # fmt: skip
STILL_WORKING = (
    FeedbackItem.Status.UNDER_REVIEW,
    FeedbackItem.Status.PLANNED,
    FeedbackItem.Status.IN_PROGRESS,
)


@pytest.fixture
def demo(settings, committed):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with committed():
        loader.load_demo_content(report=lambda line: None)


def _words(text: str) -> set[str]:
    """Words of four letters or more, and names with a digit (Z5, E-203, WD-40)."""
    found = re.findall(r"[a-z0-9-]*\d[a-z0-9-]*|[a-z]{4,}", text.lower())
    return {word.strip("-") for word in found if word not in COMMON}


def _text(post) -> str:
    return f"{getattr(post, 'title', '')} {post.body}"


def test_the_word_check_tells_a_matching_note_from_a_stray_one():
    post = "Spray a little WD-40 on the rear brake disc and the squeal stops."
    assert _words("Oil on a brake disc stops the brake from working") & _words(post)
    assert not _words("The manual says the filter must be replaced, not washed.") & _words(post)


def test_each_flag_fits_the_kind_and_text_of_its_post(demo):
    # People's flags; the system's (crisis keywords, held first posts) say why themselves.
    flags = Flag.objects.filter(flagger__isnull=False).select_related("thread", "answer")
    assert flags.count() >= 4
    for flag in flags:
        post = flag.thread or flag.answer
        if flag.reason == Flag.Reason.DUPLICATE:
            assert flag.thread is not None, "only a thread is a duplicate"
            original = flag.duplicate_of
            assert original is not None and original.brand_id == flag.thread.brand_id
            assert original.product_id is not None
            assert original.product_id == flag.thread.product_id, "the same product"
        if flag.reason == Flag.Reason.INACCURATE:
            assert flag.answer is not None, "inaccurate is said of an answer"
            assert flag.note, "an inaccurate flag says what is wrong"
        if flag.note:
            assert _words(flag.note) & _words(_text(post)), (
                f"flag note {flag.note!r} is not about its post {_text(post)!r}"
            )
        assert flag.flagger_id != post.author_id


def test_each_appeal_answers_the_removal_of_its_own_post(demo):
    appeals = Appeal.objects.select_related("thread", "answer", "removal")
    assert appeals.exists()
    for appeal in appeals:
        post = appeal.thread or appeal.answer
        assert appeal.author_id == post.author_id
        assert post.visibility != "published", "an appeal is against a removal"
        assert appeal.removal.target_id == str(post.pk)
        text = _words(_text(post))
        assert _words(appeal.removal.reason) & text, "the removal reason is about the post"
        assert _words(appeal.message) & text, "the appeal is about the post"


def test_a_solved_thread_never_says_the_team_is_still_working_on_it(demo, client):
    solved = Thread.objects.filter(accepted_answer__isnull=False)
    assert solved.exists()
    links = FeedbackLink.objects.filter(thread__in=solved, item__status__in=STILL_WORKING)
    assert not links.exists(), [(link.thread.title, link.item.status) for link in links]
    for thread in solved.filter(feedback_link__isnull=False):
        page = client.get(thread.get_absolute_url()).content.decode()
        assert "The team is working on this" not in page
        assert "Under review by the product team" not in page
