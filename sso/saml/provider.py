"""allauth's SAML provider, with its addresses served from `sso.saml.urls`.

allauth builds its URL table by importing every provider's `<package>.urls`; its SAML
`urls` imports its views and, with them, python3-saml, xmlsec and isodate (about 6 MiB in
every worker), though almost no request is a SAML one. `SOCIALACCOUNT_PROVIDERS["saml"]
["provider_class"]` makes allauth register this class instead of its own; everything else
about the provider is allauth's.
"""

from allauth.socialaccount.providers.saml import provider


class SAMLProvider(provider.SAMLProvider):
    package = "sso.saml"
