"""A thread's address (qa.models.thread_url) is exactly what reverse() gives, for every slug
a title can make and under every URLconf and script prefix the site is served with."""

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, include, path, reverse, set_script_prefix, set_urlconf

from community.root_urls import urlpatterns as root_urlpatterns
from qa.models import Thread, thread_url

# A URLconf serving the whole site under /forum/ (this module, as ROOT_URLCONF or a
# request's urlconf).
urlpatterns = [path("forum/", include(root_urlpatterns))]

SLUGS = [
    "printer-jams",
    "プリンターが動かない",
    "wi-fi_6e",
    "a b",
    "100%-done",
    "what?",
    "#1",
    "😀",
    "..",
    "a.b",
    "~x",
    "x:y@z",
    "a+b=c&d;e,f$g!h*i'j(k)",
    "thread",
]


def _reversed(pk, slug):
    return reverse("qa:thread", kwargs={"pk": pk, "slug": slug})


@pytest.mark.parametrize("slug", SLUGS)
def test_the_address_is_reverses_own(slug):
    assert thread_url(42, slug) == _reversed(42, slug)
    assert thread_url(9_876_543_210, slug) == _reversed(9_876_543_210, slug)


def test_under_a_script_prefix_and_a_brands_own_urlconf():
    try:
        set_script_prefix("/community/")
        assert thread_url(7, "プリンター") == _reversed(7, "プリンター")
        assert thread_url(7, "プリンター").startswith("/community/t/7/")
        set_urlconf(__name__)
        assert (
            thread_url(7, "printer") == _reversed(7, "printer") == "/community/forum/t/7/printer/"
        )
    finally:
        set_urlconf(None)
        set_script_prefix("/")
    assert thread_url(7, "printer") == "/t/7/printer/"


def test_a_changed_root_urlconf_is_followed():
    assert thread_url(7, "printer") == "/t/7/printer/"
    with override_settings(ROOT_URLCONF=__name__):
        assert thread_url(7, "printer") == _reversed(7, "printer") == "/forum/t/7/printer/"
    assert thread_url(7, "printer") == "/t/7/printer/"


@pytest.mark.parametrize("slug", ["", "a/b"])
def test_what_reverse_refuses_it_refuses(slug):
    with pytest.raises(NoReverseMatch):
        thread_url(7, slug)


def test_a_threads_own_address_and_its_fallback_slug():
    assert Thread(pk=5, slug="読み方").get_absolute_url() == _reversed(5, "読み方")
    assert Thread(pk=5, slug="").get_absolute_url() == _reversed(5, "thread")
