import pytest

from tests.themes import fake_dns
from themes.services import site_pages_ensure


@pytest.fixture(autouse=True)
def site_pages(db):
    """The home and guidelines pages, as the data migration creates them.

    Transactional tests elsewhere flush the database, so the migration's rows are not
    guaranteed to survive into a test that runs after them on the same worker.
    """
    return site_pages_ensure()


@pytest.fixture(autouse=True)
def fake_dns_records(settings):
    """DNS TXT look-ups answered from a dict (tests.themes.fake_dns.RECORDS)."""
    settings.SODAN_DNS_TXT_RESOLVER = "tests.themes.fake_dns.resolve"
    fake_dns.RECORDS.clear()
    fake_dns.FAILING.clear()
    yield fake_dns
    fake_dns.RECORDS.clear()
    fake_dns.FAILING.clear()
