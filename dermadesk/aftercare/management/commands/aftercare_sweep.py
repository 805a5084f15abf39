import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from dermadesk.aftercare.services import aftercare_sweep


class Command(BaseCommand):
    help = "Send the aftercare check-ins and course reminders that are due (once each)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=int, default=0, help="Repeat every N seconds.")

    def handle(self, *args: Any, every: int, **options: Any) -> None:
        while True:
            sent = aftercare_sweep(now=timezone.now())
            if sent:
                self.stdout.write(", ".join(f"{n} {what}" for what, n in sent.items()))
            if not every:
                return
            time.sleep(every)
