"""allauth's SAML addresses are served from sso/saml/, whose views import allauth's (and
with them python3-saml and xmlsec, about 6 MiB) on their first call: a worker that serves
no SAML request never loads them, and a SAML request gets allauth's own answer."""

import os
import subprocess
import sys
import textwrap

import pytest
from allauth.socialaccount.providers.saml import urls as allauth_saml_urls
from django.test import Client
from django.urls import URLPattern, resolve, reverse
from django.utils.module_loading import import_string

from sso import services
from sso.saml import urls as saml_urls
from sso.saml.views import LazyView

# Enough for allauth to describe Sodan to the company: the identity provider's part is
# copied, not checked, when Sodan's own metadata is written.
IDP_METADATA = """\
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.acme.example/">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>
      <ds:X509Certificate>MIIBszCCAVmgAwIBAgIUZmFrZQ==</ds:X509Certificate>
    </ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="https://idp.acme.example/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
"""


def _table(patterns) -> list[tuple[str, str | None, object]]:
    """(route, name, view) of every address under a list of patterns."""
    rows = []
    for entry in patterns:
        if isinstance(entry, URLPattern):
            rows.append((str(entry.pattern), entry.name, entry.callback))
        else:
            rows += [
                (str(entry.pattern) + route, name, view)
                for route, name, view in _table(entry.url_patterns)
            ]
    return rows


def test_the_saml_addresses_are_allauths_own_routes_names_and_views():
    ours, theirs = _table(saml_urls.urlpatterns), _table(allauth_saml_urls.urlpatterns)

    assert [(route, name) for route, name, _view in ours] == [
        (route, name) for route, name, _view in theirs
    ]
    assert len(ours) == 5
    for (_route, _name, lazy), (_r, _n, view) in zip(ours, theirs, strict=True):
        assert isinstance(lazy, LazyView)
        assert import_string(f"{lazy.__module__}.{lazy.__name__}") is view


def test_a_worker_resolves_and_reverses_every_address_without_python3_saml():
    code = textwrap.dedent(
        """
        import sys
        import django

        django.setup()
        from django.urls import get_resolver, resolve, reverse

        get_resolver().reverse_dict  # every address of the site, in the table
        resolve("/")
        acs = resolve("/accounts/saml/acme/acs/").func
        assert type(acs).__name__ == "LazyView", acs
        assert reverse("saml_metadata", args=["acme"]) == "/accounts/saml/acme/metadata/"
        loaded = sorted(m for m in ("onelogin", "xmlsec", "isodate") if m in sys.modules)
        assert not loaded, loaded
        assert acs.csrf_exempt is True  # read from allauth's view, which is imported for it
        assert "onelogin" in sys.modules
        print("ok")
        """
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "community.settings"}
    run = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "ok"


@pytest.fixture
def saml_brand(settings, brand, admin):
    settings.SODAN_SSO_ALLOW_SINGLE_LABEL_DOMAINS = True  # the test client's host: testserver
    services.sign_on_configure(
        actor=admin,
        brand=brand,
        protocol="saml",
        domains="acme.example",
        metadata_xml=IDP_METADATA,
    )
    return brand


@pytest.mark.django_db
def test_the_metadata_address_answers_with_allauths_metadata(client, saml_brand):
    url = reverse("saml_metadata", args=[saml_brand.slug])
    assert isinstance(resolve(url).func, LazyView)

    answer = client.get(url)

    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/xml"
    body = answer.content.decode()
    assert f'entityID="http://testserver{url}"' in body
    acs = reverse("saml_acs", args=[saml_brand.slug])
    assert f'Location="http://testserver{acs}"' in body


@pytest.mark.django_db
def test_the_company_provider_posts_to_the_acs_address_without_a_csrf_token(saml_brand):
    """The identity provider's form comes from another site: no CSRF token, and allauth's
    view is exempt. It keeps the answer and sends the browser on to finish the sign-in."""
    browser = Client(enforce_csrf_checks=True)
    url = reverse("saml_acs", args=[saml_brand.slug])
    assert isinstance(resolve(url).func, LazyView)

    answer = browser.post(url, {"SAMLResponse": "PHNhbWxwOlJlc3BvbnNlLz4="})

    assert answer.status_code == 302
    assert answer["Location"] == reverse("saml_finish_acs", args=[saml_brand.slug])
    # The same post to an address that is not exempt is refused, so the check was on.
    assert browser.post(reverse("account_login"), {}).status_code == 403
