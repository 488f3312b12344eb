import pytest

from themes.services import site_pages_ensure


@pytest.fixture(autouse=True)
def site_pages(db):
    """The home and guidelines pages, as the data migration creates them.

    Transactional tests elsewhere flush the database, so the migration's rows are not
    guaranteed to survive into a test that runs after them on the same worker.
    """
    return site_pages_ensure()
