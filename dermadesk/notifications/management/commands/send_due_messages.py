"""`manage.py send_due_messages`: the outbox sweep, once or every N seconds.

Puts back messages whose worker died mid-send and delivers every message that is due,
whatever happened to its task. `make run` runs it every 30 seconds beside `db_worker`; in
production run it the same way (`--every 60`) or from cron, on one machine or many.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from dermadesk.notifications.delivery import outbox_sweep


class Command(BaseCommand):
    help = "Deliver due messages from the outbox (and put back those whose worker died)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=float,
            default=0,
            metavar="SECONDS",
            help="Keep running, one pass every SECONDS (default: one pass, then exit).",
        )
        parser.add_argument(
            "--limit", type=int, default=100, help="Messages per batch (default: 100)."
        )

    def handle(self, *args: Any, every: float, limit: int, **options: Any) -> None:
        while True:
            outcomes = outbox_sweep(now=timezone.now(), limit=limit)
            if options["verbosity"] > 1 or (outcomes and options["verbosity"] > 0):
                summary = ", ".join(f"{count} {name}" for name, count in sorted(outcomes.items()))
                self.stdout.write(f"Outbox sweep: {summary or 'nothing due'}.")
            if every <= 0:
                return
            time.sleep(every)
            # Like a request: a connection that broke or grew old while asleep is replaced.
            close_old_connections()
