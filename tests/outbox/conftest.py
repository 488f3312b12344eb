import pytest

from outbox.publish import breaker_reset
from tests.brands.conftest import (  # noqa: F401 - the brands' fixtures, for test_kinds
    brand_admin,
    official,
    product_member,
    rep,
    second_rep,
    staff,
    z5,
)
from tests.outbox import tasks


@pytest.fixture(autouse=True)
def _fresh_counts():
    tasks.RUNS.clear()
    tasks.FAILURES_LEFT.clear()
    breaker_reset()
    yield
    breaker_reset()
