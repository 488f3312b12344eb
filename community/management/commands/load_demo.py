"""`manage.py load_demo`: fill a database with a small, believable community to try Sodan.

Five fictional brands (one official), about fifty threads in English and Japanese with
answers, votes, me-toos and accepted answers, and demo accounts with fixed credentials
for each role, printed at the end so nobody has to look them up.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings

from community.demo import content, loader
from themes.services import site_pages_ensure

# Notifications are e-mailed as well as shown in the app; during a load of a few hundred
# of them the console backend would bury the progress, so they go to memory instead.
QUIET_EMAIL = "django.core.mail.backends.locmem.EmailBackend"
# Celery logs a line for every task it runs eagerly, and kombu warns that the unused
# broker has no host name; errors still show.
NOISY_LOGGERS = ("celery.app.trace", "kombu.connection")


@contextmanager
def quiet_task_logs() -> Iterator[None]:
    """Keep the task chatter out of the progress lines for the length of the load."""
    loggers = [logging.getLogger(name) for name in NOISY_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class Command(BaseCommand):
    help = (
        "Load demo brands, threads and accounts (password 'sodan-demo'). "
        "Does nothing if the demo is already loaded, unless --reset is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo accounts, brands and their threads first, then load again.",
        )

    def handle(self, *args: Any, reset: bool = False, **options: Any) -> None:
        if not reset and loader.demo_is_loaded():
            self.stdout.write("Demo data is already loaded.")
            self._write_credentials()
            return
        clashes = loader.conflicts(reset=reset)
        if clashes:
            raise CommandError(
                "These rows are in the way of the demo data: "
                + "; ".join(clashes)
                + ". Run `load_demo --reset` to replace demo rows; other accounts using a "
                "demo e-mail address must be changed by hand."
            )

        started = time.monotonic()
        # Rate limits would stop one loader writing a community's worth of posts in seconds.
        with (
            override_settings(EMAIL_BACKEND=QUIET_EMAIL, SODAN_RATE_LIMITS_ENABLED=False),
            quiet_task_logs(),
        ):
            # One transaction: a failed load leaves nothing half-made behind.
            with transaction.atomic():
                if reset:
                    removed = loader.delete_demo_content()
                    self.stdout.write(
                        "Removed the previous demo: {users} accounts, {brands} brands, "
                        "{threads} threads.".format(**removed)
                    )
                site_pages_ensure()
                self.stdout.write("Loading the demo community…")
                summary = loader.load_demo_content(report=self.stdout.write)
            # The services' notifications are created as the transaction commits.
            loader.age_notifications(summary.now)
        elapsed = time.monotonic() - started

        self.stdout.write("")
        width = max(len(label) for label in summary.counts)
        for label, number in summary.counts.items():
            self.stdout.write(f"  {label:<{width}}  {number:>4}")
        unread = loader.unread_notifications(content.CUSTOMER.username)
        self.stdout.write(f"  {content.CUSTOMER.username} has {unread} unread notifications.")
        self.stdout.write("")
        self._write_credentials()
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {elapsed:.1f} s."))

    def _write_credentials(self) -> None:
        """The table people copy from: who to log in as, and where."""
        rows = [("Role", "Username", "E-mail", "Password")]
        rows += [
            (person.role, person.username, person.email, content.DEMO_PASSWORD)
            for person in loader.credentials()
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(4)]
        for index, row in enumerate(rows):
            line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write(line.rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
        members = ", ".join(person.username for person in content.MEMBERS)
        self.stdout.write(f"Community members (same password): {members}")
        self.stdout.write(f"Open {content.site_url()} and log in with a username above.")
        self.stdout.write(
            "The rep, brand admin, moderator and staff need two-factor: authenticator secret "
            f"{content.DEMO_TOTP_SECRET} (oathtool --totp -b {content.DEMO_TOTP_SECRET})."
        )
