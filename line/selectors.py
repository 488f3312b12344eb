"""Reads: a brand's LINE credentials, a member's LINE user id, the solved threads that
answer a message."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from brands.models import Brand, Product

from .models import LineChannel, LineLink


def env_prefix(brand: Brand) -> str:
    """SODAN_LINE_<SLUG>_: the brand's slug in capitals, hyphens as underscores."""
    return "SODAN_LINE_" + re.sub(r"[^A-Z0-9]", "_", brand.slug.upper()) + "_"


@dataclass(frozen=True)
class Credentials:
    secret: str
    token: str
    relay_url: str
    relay_all: bool
    secret_from_env: bool
    token_from_env: bool

    @property
    def connected(self) -> bool:
        return bool(self.secret and self.token)

    @property
    def secret_hint(self) -> str:
        return f"…{self.secret[-4:]}" if len(self.secret) >= 8 else ""


def channel_for(brand: Brand) -> Credentials:
    """The environment's SODAN_LINE_<SLUG>_SECRET, _TOKEN and _RELAY_URL win over what the
    brand's admin entered: a deployment can keep them out of the database. (Named after each
    brand, so read here rather than declared one by one in settings.)"""
    prefix = env_prefix(brand)
    stored = LineChannel.objects.filter(brand=brand).first()
    env_secret = os.environ.get(prefix + "SECRET", "")
    env_token = os.environ.get(prefix + "TOKEN", "")
    return Credentials(
        secret=env_secret or (stored.channel_secret if stored else ""),
        token=env_token or (stored.access_token if stored else ""),
        relay_url=os.environ.get(prefix + "RELAY_URL", "") or (stored.relay_url if stored else ""),
        relay_all=bool(stored and stored.relay_all),
        secret_from_env=bool(env_secret),
        token_from_env=bool(env_token),
    )


def line_user_id(user: Any, brand: Brand | None = None) -> str | None:
    """The LINE user id to push to: the one linked from this brand's chat, else any linked
    from a chat, else the LINE sign-in's (allauth's social account "line", whose uid is the
    LINE user id of the sign-in channel's provider). None when they never linked LINE."""
    if not getattr(user, "is_authenticated", False):
        return None
    from allauth.socialaccount.models import SocialAccount
    from django.db.models import F, IntegerField, Value

    # One query for everyone a notification reaches, linked or not.
    chats = LineLink.objects.filter(user=user).values_list("brand_id", "line_user_id")
    sign_in = (
        SocialAccount.objects.filter(user=user, provider="line")
        .annotate(no_brand=Value(None, output_field=IntegerField()), line_id=F("uid"))
        .values_list("no_brand", "line_id")
    )
    rows = list(chats.union(sign_in, all=True))
    linked = [(brand_id, uid) for brand_id, uid in rows if brand_id is not None]
    for brand_id, uid in linked:
        if brand is not None and brand_id == brand.pk:
            return uid
    if linked:
        return linked[0][1]
    return rows[0][1] if rows else None


def product_named_in(brand: Brand, text: str) -> Product | None:
    """The brand's product the message names, when it names exactly one."""
    lowered = text.lower()
    named = [
        product
        for product in Product.objects.for_brand(brand)
        if product.name.lower() in lowered or product.slug.lower() in lowered
    ]
    return named[0] if len(named) == 1 else None


def solved_threads(*, brand: Brand, text: str, limit: int = 3) -> list[Any]:
    """The best solved threads for the message: the product's when the message names one,
    else the brand's (the site's own search, search.services.threads_search)."""
    from search.services import threads_search

    product = product_named_in(brand, text)
    items = []
    if product is not None:
        items = threads_search(
            text=text, brand_id=brand.pk, product_id=product.pk, status="solved", per_page=limit
        ).items
    if not items:
        items = threads_search(text=text, brand_id=brand.pk, status="solved", per_page=limit).items
    return [item.thread for item in items]
