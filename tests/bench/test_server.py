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


def test_the_benchmark_server_is_never_refused_by_a_rate_limit():
    """The load comes from a few accounts on one address at machine speed: every limit a
    scenario reaches must be raised, or its figures measure 429 pages (search did, once a
    search limit existed)."""
    import re
    from pathlib import Path

    from bench.server import environment

    env = environment(
        database_url="postgres://postgres@127.0.0.1:5432/sodan_bench",
        cache_url=None,
        broker_url=None,
        port=8123,
        static_root="/nonexistent",
        floor_bytes=1000,
    )
    settings_text = (Path(__file__).parents[2] / "community" / "settings.py").read_text()
    block = settings_text[settings_text.index("SODAN_RATE_LIMITS: dict") :]
    block = block[: block.index("}\n")]
    variables = dict(re.findall(r'"(\w+)": \(env\.int\("(\w+)"', block))
    assert {"post", "vote", "me_too", "search"} <= variables.keys()
    for action in ("post", "vote", "me_too", "search"):
        assert int(env.get(variables[action], "0")) >= 1_000_000, action
