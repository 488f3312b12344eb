"""Which host names are Sodan's own main site (every other host must be a brand's domain)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def main_hosts() -> frozenset[str]:
    """SODAN_MAIN_HOSTS if set; otherwise SITE_URL's host and every exact name (no wildcard,
    no leading dot) in ALLOWED_HOSTS. A pattern such as ".localhost" or "*" admits brand
    domains to Django; it never makes them the main site."""
    configured = [host.lower() for host in getattr(settings, "SODAN_MAIN_HOSTS", [])]
    if not configured:
        configured = [
            host.lower()
            for host in settings.ALLOWED_HOSTS
            if host and host != "*" and not host.startswith(".")
        ]
    site_host = urlsplit(settings.SITE_URL).hostname
    if site_host:
        configured.append(site_host.lower())
    return frozenset(host.strip("[]") for host in configured)


def is_main_host(hostname: str) -> bool:
    return hostname.lower().strip("[]") in main_hosts()
