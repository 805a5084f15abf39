"""A real SMTP server for the fault tests (aiosmtpd on a free port of 127.0.0.1).

It keeps every message it accepts, can be stopped and started again on the same port, and
can be made slow at one stage of one message, signalling when that message gets there, so
a test can kill the sender at a known point of the conversation, and can refuse chosen
recipients as a real server does, quoting the address in its reply.
"""

import asyncio
import email
import logging
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller

# aiosmtpd logs every line of every conversation at INFO.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    message_id: str
    recipients: tuple[str, ...]
    subject: str
    text: str


@dataclass
class Stall:
    """Hold message number ``ordinal`` (1-based) at ``stage`` for ``seconds``.

    ``stage`` is "rcpt" (before the server has the message) or "accepted" (the server has
    stored it and not yet said so to the client). ``reached`` is set when it gets there.
    """

    ordinal: int
    stage: str
    seconds: float
    reached: threading.Event = field(default_factory=threading.Event)


class _Handler:
    def __init__(self, sink: "SmtpSink") -> None:
        self.sink = sink

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address.lower() in self.sink.refuse:
            # As Postfix says it: the reply quotes the address it refuses.
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        ordinal = self.sink.begin_message()
        stall = self.sink.stall
        if stall is not None and stall.stage == "rcpt" and stall.ordinal == ordinal:
            stall.reached.set()
            await asyncio.sleep(stall.seconds)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.original_content or envelope.content)
        text = ""
        for part in parsed.walk():
            if part.get_content_type() == "text/plain":
                payload = part.get_payload(decode=True)
                text = payload.decode() if isinstance(payload, bytes) else ""
                break
        ordinal = self.sink.accept(
            Received(
                message_id=str(parsed["Message-ID"]),
                recipients=tuple(envelope.rcpt_tos),
                subject=str(parsed["Subject"]),
                text=text,
            )
        )
        stall = self.sink.stall
        if stall is not None and stall.stage == "accepted" and stall.ordinal == ordinal:
            stall.reached.set()
            await asyncio.sleep(stall.seconds)
        if self.sink.delay:
            await asyncio.sleep(self.sink.delay)
        return "250 Message accepted for delivery"


class SmtpSink:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.received: list[Received] = []
        self.delay = 0.0
        self.stall: Stall | None = None
        self.refuse: set[str] = set()
        """Addresses (lower case) refused with a 550 reply that quotes them."""
        self._lock = threading.Lock()
        self._begun = 0
        self._controller: Controller | None = None

    def begin_message(self) -> int:
        with self._lock:
            self._begun += 1
            return self._begun

    def accept(self, received: Received) -> int:
        with self._lock:
            self.received.append(received)
            return len(self.received)

    def start(self) -> None:
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def copies_by_message_id(self) -> Counter[str]:
        with self._lock:
            return Counter(item.message_id for item in self.received)

    def mailer(self) -> dict[str, Any]:
        """A MAILERS entry that sends here."""
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 5},
        }
