"""Crisis detection stands on the brands' official brand and its team (tests/brands) and
on a global moderator (tests/moderation)."""

from tests.brands.conftest import (  # noqa: F401 - pytest finds fixtures by name
    brand_admin,
    official,
    product_member,
    rep,
    rival,
    rival_rep,
    staff,
    z5,
)
from tests.moderation.conftest import moderator  # noqa: F401
