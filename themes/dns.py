"""Looking up the DNS TXT records that prove a brand controls a domain.

The resolver is pluggable (settings.SODAN_DNS_TXT_RESOLVER, a dotted path to a function
`name -> list[str]`), so tests and the demo never touch the network. The default asks the
system's configured name servers through dnspython.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.utils.module_loading import import_string

TxtResolver = Callable[[str], list[str]]


class DNSLookupError(Exception):
    """The look-up itself failed (timeout, no name server answered): try again later.
    A name without TXT records is not an error: the resolver returns []."""


def dnspython_txt_resolver(name: str) -> list[str]:
    import dns.exception
    import dns.resolver

    if name == "localhost" or name.endswith(".localhost"):
        # RFC 6761: such names never reach public DNS. The demo's domain is verified by
        # the demo loader; a periodic re-check must leave it as it is.
        raise DNSLookupError("a .localhost name has no public DNS record")
    try:
        answer = dns.resolver.resolve(name, "TXT", lifetime=5.0)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except dns.exception.DNSException as error:
        raise DNSLookupError(str(error) or error.__class__.__name__) from error
    return [b"".join(record.strings).decode("utf-8", "replace") for record in answer]


def get_txt_resolver() -> TxtResolver:
    return import_string(settings.SODAN_DNS_TXT_RESOLVER)
