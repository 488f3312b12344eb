"""Product feedback's tests stand on the same brands, teams and threads as brands' tests."""

from tests.brands.conftest import (  # noqa: F401 - pytest finds fixtures by name
    brand_admin,
    customer_answer,
    customer_thread,
    official,
    product_member,
    rep,
    rival,
    rival_admin,
    rival_rep,
    second_rep,
    staff,
    z5,
)
