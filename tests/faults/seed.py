"""Build the people and the thread that the fault scenarios use, once per test session.

Run in a subprocess against the session's template database (`python -m tests.faults.seed`):
it prints, as JSON, what the tests need to drive Sodan over HTTP: the thread's address and
a signed-in session for each member (kept in the database, so it outlives any Redis).
"""

from __future__ import annotations

import json
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from tests.brands.factories import BrandFactory
    from tests.community.factories import UserFactory
    from tests.qa.factories import ThreadFactory

    brand = BrandFactory(name="Hoshino Camera", slug="hoshino", domain="hoshino.example")
    asker = UserFactory(username="hana", display_name="Hana")
    members = [asker] + [UserFactory(username=name) for name in ("ken", "aki", "mio", "sora")]
    thread = ThreadFactory(
        author=asker, brand=brand, title="Lens cap stuck after firmware 2.1",
        body="Since the firmware update the lens cap does not open on its own.",
    )  # fmt: skip
    people = {}
    for member in members:
        client = Client()
        client.force_login(member)
        people[member.username] = {
            "id": member.pk,
            "email": member.email,
            "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
        }
    print(json.dumps({"thread": {"id": thread.pk, "url": thread.get_absolute_url()},
                      "people": people}))  # fmt: skip


if __name__ == "__main__":
    main()
