"""The benchmark drops and fills its database: it must refuse any database not its own."""

import pytest

from bench.server import BenchError, require_postgres


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "postgres://postgres@127.0.0.1:5432/sodan",
        "postgres://postgres@127.0.0.1:5432/test_sodan",
        "sqlite:///bench.sqlite3",
    ],
)
def test_refuses_a_database_that_is_not_a_postgresql_benchmark_database(url):
    with pytest.raises(BenchError) as refusal:
        require_postgres(url)
    assert refusal.value.code == 2


def test_accepts_a_postgresql_database_named_for_the_benchmark():
    url = "postgres://postgres@127.0.0.1:5432/sodan_bench"
    assert require_postgres(url) == url
