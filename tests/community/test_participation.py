"""community.permissions: why a reader who is not signed in may not take part, in the
language of the page they read (the sentence is kept per language)."""

from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from community.permissions import participation_refusal


def test_a_visitor_is_told_to_sign_in_in_the_pages_language():
    visitor = AnonymousUser()
    with translation.override("en"):
        english = participation_refusal(visitor)
    with translation.override("ja"):
        japanese = participation_refusal(visitor)
    with translation.override("en"):
        assert participation_refusal(visitor) == english
    assert english == "Log in or sign up to take part in the community."
    assert japanese == "コミュニティに参加するには、ログインまたは新規登録してください。"
