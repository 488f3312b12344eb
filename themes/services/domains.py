"""Writes for a brand's own domains and the web sites allowed to embed its widget."""

from __future__ import annotations

import ipaddress
import re
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import Brand
from community import page_cache
from moderation.services import audit_log_record
from outbox.services import message_send

from ..dns import DNSLookupError, TxtResolver, get_txt_resolver
from ..hosts import is_main_host
from ..models import BrandDomain, WidgetOrigin
from ..permissions import check_can_manage_site
from ..selectors import host_cache_key, primary_host_cache_key

# Pending domains are looked up again for this long after they were added.
PENDING_RECHECK_DAYS = 7
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalize_hostname(value: str) -> str:
    """ "https://Support.Example.com/help" → "support.example.com"; refuses what is not a
    host name a brand could own (an IP address, a single label, Sodan's own hosts)."""
    host = (value or "").strip().lower()
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", host)
    host = host.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    host = host.rsplit("@", 1)[-1].rstrip(".")
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        raise ValidationError({"hostname": _("Enter a host name, not an IP address.")})
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise ValidationError(
            {"hostname": _("“%(host)s” is not a host name.") % {"host": value}}
        ) from error
    labels = host.split(".")
    if len(labels) < 2 or len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        raise ValidationError(
            {
                "hostname": _("“%(host)s” is not a host name. Enter one like support.example.com.")
                % {"host": value}
            }
        )
    if is_main_host(host):
        raise ValidationError({"hostname": _("That is Sodan's own address.")})
    return host


def _host_changed(hostname: str, brand_id: int) -> None:
    """A domain started or stopped being served: forget the cached host map and pages."""
    keys = [host_cache_key(hostname), primary_host_cache_key(brand_id)]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
    page_cache.site_changed()


def _enqueue_check(domain_id: int) -> None:
    from .. import tasks

    message_send(tasks.domain_check, domain_id)


@transaction.atomic
def domain_add(*, actor: Any, brand: Brand, hostname: str) -> BrandDomain:
    """Register a host name for the brand. It is served only once its DNS record is found."""
    check_can_manage_site(actor, brand)
    host = normalize_hostname(hostname)
    existing = BrandDomain.objects.filter(hostname=host).select_related("brand").first()
    if existing is not None:
        if existing.brand_id == brand.pk:
            raise ValidationError({"hostname": _("%(host)s is already listed.") % {"host": host}})
        raise ValidationError(
            {
                "hostname": _(
                    "%(host)s is registered for another brand. If it is yours, write to Sodan "
                    "staff."
                )
                % {"host": host}
            }
        )
    try:
        with transaction.atomic():
            domain = BrandDomain.objects.create(
                brand=brand,
                hostname=host,
                token=secrets.token_urlsafe(24),
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError as error:  # the same name added at the same moment
        raise ValidationError(
            {"hostname": _("%(host)s is already listed.") % {"host": host}}
        ) from error
    audit_log_record(actor=actor, action="domain.add", target=domain, brand=brand)
    _enqueue_check(domain.pk)
    return domain


@transaction.atomic
def domain_remove(*, actor: Any, domain: BrandDomain) -> None:
    check_can_manage_site(actor, domain.brand)
    hostname, served, brand_id = domain.hostname, domain.is_served, domain.brand_id
    audit_log_record(actor=actor, action="domain.remove", target=domain, brand=domain.brand)
    domain.delete()
    if served:
        _host_changed(hostname, brand_id)


@transaction.atomic
def domain_check_request(*, actor: Any, domain: BrandDomain) -> None:
    """An admin asks to look the record up now (in the background)."""
    check_can_manage_site(actor, domain.brand)
    _enqueue_check(domain.pk)


@transaction.atomic
def domain_check(*, domain_id: int, resolver: TxtResolver | None = None) -> BrandDomain | None:
    """Look up the domain's TXT record and serve the domain while it holds the token.

    A look-up that fails (timeout, no name server) changes nothing but the note of what
    went wrong; only an answer without the token stops a verified domain being served.
    """
    domain = BrandDomain.objects.select_for_update().filter(pk=domain_id).first()
    if domain is None:
        return None
    resolve = resolver or get_txt_resolver()
    now = timezone.now()
    was_served = domain.is_served
    try:
        records = resolve(domain.record_name)
    except DNSLookupError as error:
        domain.last_checked_at = now
        domain.last_error = (_("The DNS look-up failed: %(error)s") % {"error": error})[:300]
        domain.save(update_fields=["last_checked_at", "last_error"])
        return domain
    found = any(record.strip() == domain.record_value for record in records)
    domain.last_checked_at = now
    if found:
        domain.status = BrandDomain.Status.VERIFIED
        domain.verified_at = domain.verified_at or now
        domain.last_error = ""
    else:
        domain.status = BrandDomain.Status.FAILED
        domain.last_error = (
            _("No TXT record %(name)s with the value %(value)s was found.")
            % {"name": domain.record_name, "value": domain.record_value}
        )[:300]
    domain.save(update_fields=["status", "verified_at", "last_checked_at", "last_error"])
    if found != was_served:
        audit_log_record(
            actor=None,
            action="domain.verified" if found else "domain.unverified",
            target=domain,
            brand=domain.brand,
        )
        _host_changed(domain.hostname, domain.brand_id)
    return domain


def domains_recheck(*, resolver: TxtResolver | None = None) -> int:
    """Check every verified domain, and pending ones added in the last week."""
    recent = timezone.now() - timedelta(days=PENDING_RECHECK_DAYS)
    ids = list(
        BrandDomain.objects.filter(status=BrandDomain.Status.VERIFIED).values_list("pk", flat=True)
    ) + list(
        BrandDomain.objects.exclude(status=BrandDomain.Status.VERIFIED)
        .filter(created_at__gte=recent)
        .values_list("pk", flat=True)
    )
    for domain_id in ids:
        domain_check(domain_id=domain_id, resolver=resolver)
    return len(ids)


# --- Widget web sites -----------------------------------------------------------------------


def normalize_origin(value: str) -> str:
    """ "https://www.Example.com/" → "https://www.example.com": what browsers send as Origin."""
    raw = (value or "").strip()
    parts = urlsplit(raw)
    problem = _("Enter a web site as its scheme and host, like https://www.example.com (no path).")
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValidationError({"origin": problem})
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValidationError({"origin": problem})
    scheme = parts.scheme.lower()
    try:
        host = parts.hostname.encode("idna").decode("ascii")
        port = parts.port
    except (UnicodeError, ValueError) as error:
        raise ValidationError({"origin": problem}) from error
    if ":" in host:
        host = f"[{host}]"
    default_port = 443 if scheme == "https" else 80
    return f"{scheme}://{host}" + (f":{port}" if port and port != default_port else "")


@transaction.atomic
def widget_origin_add(*, actor: Any, brand: Brand, origin: str) -> WidgetOrigin:
    check_can_manage_site(actor, brand)
    value = normalize_origin(origin)
    if WidgetOrigin.objects.for_brand(brand).filter(origin=value).exists():
        raise ValidationError({"origin": _("%(origin)s is already approved.") % {"origin": value}})
    row = WidgetOrigin.objects.create(
        brand=brand,
        origin=value,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_log_record(actor=actor, action="widget_origin.add", target=row, brand=brand)
    return row


@transaction.atomic
def widget_origin_remove(*, actor: Any, origin: WidgetOrigin) -> None:
    check_can_manage_site(actor, origin.brand)
    audit_log_record(actor=actor, action="widget_origin.remove", target=origin, brand=origin.brand)
    origin.delete()
