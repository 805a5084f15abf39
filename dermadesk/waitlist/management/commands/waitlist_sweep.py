import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from dermadesk.waitlist.services import waitlist_sweep


class Command(BaseCommand):
    help = "End waitlist entries whose days are over, lapse untaken offers, offer free times."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=int, default=0, help="Repeat every N seconds.")

    def handle(self, *args: Any, every: int, **options: Any) -> None:
        while True:
            counts = waitlist_sweep(now=timezone.now())
            if any(counts.values()):
                self.stdout.write(", ".join(f"{n} {what}" for what, n in counts.items()))
            if not every:
                return
            time.sleep(every)
