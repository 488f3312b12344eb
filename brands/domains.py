"""Website domains and brand names, compared the way people mean them.

"Hoshino Camera", "hoshino-camera" and "HOSHINO CAMERA!" are one brand; so are
www.hoshino.example, shop.hoshino.example and hoshino.example. Without a copy of the
public-suffix list, the registrable domain is the last two labels, or three under the
common second-level suffixes below (co.jp, co.uk, …); a rarer suffix at worst makes two
brands look like near-duplicates, and staff can create such a brand in the admin.
"""

from __future__ import annotations

import re
import unicodedata

SECOND_LEVEL_SUFFIXES = frozenset(
    {
        "ac.jp", "co.jp", "go.jp", "ne.jp", "or.jp", "gr.jp", "ed.jp", "lg.jp",
        "ac.uk", "co.uk", "org.uk", "me.uk", "ltd.uk", "plc.uk",
        "com.au", "net.au", "org.au", "co.nz", "org.nz",
        "com.br", "com.cn", "com.hk", "com.tw", "com.sg", "com.mx", "com.tr",
        "co.kr", "or.kr", "co.in", "co.id", "co.th", "co.za",
    }
)  # fmt: skip

# Addresses anyone can get: a verified address here proves nothing about a company, and
# such a domain is never a brand's own website.
SHARED_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.jp", "ymail.com",
        "outlook.com", "outlook.jp", "hotmail.com", "hotmail.co.jp", "live.com", "live.jp",
        "msn.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me",
        "protonmail.com", "gmx.com", "gmx.net", "mail.com", "zoho.com", "yandex.com",
        "mail.ru", "qq.com", "163.com", "naver.com", "docomo.ne.jp", "ezweb.ne.jp",
        "au.com", "softbank.ne.jp", "i.softbank.jp",
    }
)  # fmt: skip

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalize_domain(value: str) -> str:
    """A bare lower-case host from what people type: "https://www.Example.com/about" →
    "example.com". Returns "" for something that is not a domain name."""
    host = value.strip().lower()
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", host)
    host = host.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return ""
    labels = host.split(".")
    if len(labels) < 2 or len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        return ""
    if labels[-1].isdigit():
        return ""  # an IP address is not a company's website
    return host


def registrable_domain(domain: str) -> str:
    """The part a company registers: shop.hoshino.co.jp → hoshino.co.jp."""
    host = normalize_domain(domain)
    if not host:
        return ""
    labels = host.split(".")
    keep = 3 if ".".join(labels[-2:]) in SECOND_LEVEL_SUFFIXES else 2
    return ".".join(labels[-keep:])


def is_on_domain(email_domain: str, brand_domain: str) -> bool:
    """The e-mail's domain is the brand's domain or one of its subdomains."""
    email_domain = email_domain.strip().lower().rstrip(".")
    brand_domain = normalize_domain(brand_domain)
    if not email_domain or not brand_domain:
        return False
    return email_domain == brand_domain or email_domain.endswith("." + brand_domain)


def is_shared_mail_domain(domain: str) -> bool:
    return (
        registrable_domain(domain) in SHARED_MAIL_DOMAINS
        or normalize_domain(domain) in SHARED_MAIL_DOMAINS
    )


def name_key(name: str) -> str:
    """A brand name with case, width, spaces and punctuation ignored."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(char for char in folded if char.isalnum())
