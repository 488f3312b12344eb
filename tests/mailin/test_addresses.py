import time

import pytest

from mailin.addresses import (
    TokenExpired,
    TokenInvalid,
    recipient_parse,
    reply_address,
    support_address,
    token_read,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _domain(settings):
    settings.SODAN_MAILIN_DOMAIN = "mail.sodan.example"
    settings.SODAN_MAILIN_TOKEN_MAX_AGE_DAYS = 90


def _token(address: str) -> str:
    parsed = recipient_parse(address)
    assert parsed.kind == "reply"
    return parsed.value


def test_a_reply_address_names_the_member_and_the_thread(customer, thread):
    address = reply_address(customer, thread=thread)

    assert address.startswith("reply+")
    assert address.endswith("@mail.sodan.example")
    assert len(address.split("@")[0]) <= 64  # RFC 5321's limit for a local part
    read = token_read(_token(address))
    assert (read.user_id, read.kind, read.target_id) == (customer.pk, "thread", thread.pk)


def test_a_lowercased_or_uppercased_address_still_reads(customer, thread):
    address = reply_address(customer, thread=thread)

    assert token_read(_token(address.upper())).user_id == customer.pk
    assert token_read(_token(address.lower())).user_id == customer.pk


def test_an_altered_token_is_refused(customer, other_customer, thread):
    token = _token(reply_address(customer, thread=thread))
    forged = _token(reply_address(other_customer, thread=thread))
    # another member's id with this member's signature
    spliced = forged[:10] + token[10:]

    with pytest.raises(TokenInvalid):
        token_read(spliced)
    with pytest.raises(TokenInvalid):
        token_read(token[:-2] + ("aa" if token[-2:] != "aa" else "bb"))
    with pytest.raises(TokenInvalid):
        token_read("not-base32!")


def test_a_token_made_with_another_key_is_refused(settings, customer, thread):
    token = _token(reply_address(customer, thread=thread))
    settings.SODAN_MAILIN_SECRET = "another site's key"

    with pytest.raises(TokenInvalid):
        token_read(token)


def test_a_token_older_than_the_limit_is_expired(customer, thread):
    issued = time.time() - 91 * 86400
    token = _token(reply_address(customer, thread=thread, now=issued))

    with pytest.raises(TokenExpired):
        token_read(token)
    assert token_read(token, now=issued + 89 * 86400).user_id == customer.pk


def test_the_domain_defaults_to_the_site_host(settings, customer, thread):
    settings.SODAN_MAILIN_DOMAIN = ""
    settings.SITE_URL = "https://Sodan.example.jp"

    assert reply_address(customer, thread=thread).endswith("@sodan.example.jp")


def test_support_and_alias_addresses_are_told_apart(brand):
    assert recipient_parse(support_address(brand)).kind == "support"
    assert recipient_parse(support_address(brand)).value == brand.slug
    assert recipient_parse("Help@Mail.Sodan.Example").kind == "alias"
    assert recipient_parse("reply+abc@elsewhere.example").kind == ""
