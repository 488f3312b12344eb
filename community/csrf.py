"""The CSRF token a page from the cache is served with: Django's token, masked for less.

A signed-in reader's page assembled from the cache holds the token of their forms (vote,
me too, follow, answer), put in where the rendering's mark is (community/page_cache.py).
Django's `get_token` masks the cookie's secret with 32 characters drawn one at a time
from the system's random source (`secrets.choice`: a system call and a dozen Python calls
each), about 3 % of such a page's time and an eighth of its Python calls. `masked_token`
makes the same token from one read of the random source: a fresh mask of Django's
alphabet, drawn uniformly, then the secret shifted by it, which CsrfViewMiddleware
unmasks as its own. Everything else is `get_token`'s: the cookie is sent again to renew
it, and a request without a secret gets a new one (from `get_token` itself).
"""

from __future__ import annotations

import os

from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token

_SIZE = len(CSRF_ALLOWED_CHARS)  # 62
# Random bytes below the largest multiple of the alphabet's size stand for one character
# each (every character four bytes); the few above it are dropped, so no character is
# likelier than another.
_KEPT = 256 - 256 % _SIZE
_TO_CHARACTERS = bytes.maketrans(bytes(range(_KEPT)), (CSRF_ALLOWED_CHARS * 4)[:_KEPT].encode())
_DROPPED = bytes(range(_KEPT, 256))
_POSITION = {character: index for index, character in enumerate(CSRF_ALLOWED_CHARS)}


def masked_token(request: HttpRequest) -> str:
    """What `django.middleware.csrf.get_token` returns for this request, at a fraction of
    its cost when the request brought its secret (as every signed-in reader's does)."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        return get_token(request)  # a new secret, and its cookie
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # renew the cookie, as get_token does
    return _masked(secret)


def _masked(secret: str) -> str:
    mask = _random_characters(CSRF_SECRET_LENGTH)
    alphabet, position = CSRF_ALLOWED_CHARS, _POSITION
    cipher = "".join(
        [alphabet[(position[s] + position[m]) % _SIZE] for s, m in zip(secret, mask, strict=True)]
    )
    return mask + cipher


def _random_characters(length: int) -> str:
    """`length` characters of the CSRF alphabet, each equally likely."""
    drawn = b""
    while len(drawn) < length:
        # 8 bytes in 256 are dropped: with 8 spare, a second read is needed about three
        # times in a million.
        drawn += os.urandom(length + 8).translate(_TO_CHARACTERS, _DROPPED)
    return drawn[:length].decode("ascii")
