import pytest


@pytest.fixture(autouse=True)
def _no_vectors_held():
    """Each test reads the semantic stage's vectors afresh (search.semantic keeps them per
    process): the last test's database was rolled back, and on SQLite its ids come back."""
    from search import semantic

    semantic.matrices_forget()
    yield
    semantic.matrices_forget()
