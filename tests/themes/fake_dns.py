"""A DNS TXT resolver for tests: records live in a dict, nothing touches the network."""

from themes.dns import DNSLookupError

RECORDS: dict[str, list[str]] = {}
FAILING: set[str] = set()


def resolve(name: str) -> list[str]:
    if name in FAILING:
        raise DNSLookupError("timed out")
    return list(RECORDS.get(name, []))
