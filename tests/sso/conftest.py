import html
import re

import pytest
import requests

from brands.models import Membership
from tests.community.factories import UserFactory


@pytest.fixture
def admin(brand):
    user = UserFactory(username="acme-admin", email="boss@acme.example")
    Membership.objects.create(brand=brand, user=user, role=Membership.Role.ADMIN)
    return user


def form_fields(page: str) -> dict[str, str]:
    """The named inputs of the first form on a page, as a browser would post them."""
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page)
    }


def form_action(page: str) -> str:
    return html.unescape(re.search(r'<form[^>]*action="([^"]+)"', page)[1])


def press_continue(browser: requests.Session, page: requests.Response) -> requests.Response:
    """allauth's "Continue" page before leaving for a provider (SOCIALACCOUNT_LOGIN_ON_GET
    is off): post its form as the browser does."""
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    return browser.post(
        page.url,
        data={"csrfmiddlewaretoken": token[1] if token else browser.cookies.get("csrftoken")},
        headers={"Referer": page.url},
    )
