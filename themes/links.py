"""Absolute addresses of a brand's pages: on its own domain once one is verified.

The scheme and port are the request's (https in production; in development every host
shares runserver's port), so a link made while serving the main site reaches the brand's
domain the same way.
"""

from __future__ import annotations

from django.http import HttpRequest

from brands.models import Brand

from . import selectors


def _port_suffix(request: HttpRequest) -> str:
    port = request.get_port()
    default = "443" if request.is_secure() else "80"
    return "" if not port or port == default else f":{port}"


def brand_origin(request: HttpRequest, brand: Brand) -> str:
    """https://support.example.com for a brand with a verified domain; else this site."""
    site = getattr(request, "brand_site", None)
    if site is not None and site.brand.pk == brand.pk:
        return f"{request.scheme}://{request.get_host()}"
    hostname = selectors.primary_hostname(brand)
    if hostname:
        return f"{request.scheme}://{hostname}{_port_suffix(request)}"
    return f"{request.scheme}://{request.get_host()}"
