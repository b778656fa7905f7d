"""A local SMTP server (aiosmtpd on 127.0.0.1) that accepts everything and counts messages by Message-ID: what the
mailing's kill test and bench/mailing.py ask of it ("was anyone mailed twice, or never?")."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
from collections import Counter
from typing import Any

from aiosmtpd.controller import Controller

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)


class CountingHandler:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.refuse: dict[str, str] = {}  # recipient -> SMTP reply, for tests of refusals
        self.delay = 0.0  # seconds before each message is accepted: a slow server, for kill tests
        # hold the answer to the `hold_at`-th message (its data and "." received) until `release` is set
        self.hold_at = 0
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]) -> Any:
        """Offer PIPELINING (RFC 2920) as production servers do; aiosmtpd reads pipelined commands in order."""
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        content = envelope.content if isinstance(envelope.content, bytes) else envelope.content.encode()
        header_end = content.find(b"\r\n\r\n")
        found = MESSAGE_ID.search(content[: header_end if header_end > 0 else len(content)])
        with self.lock:
            self.counts[found.group(1).decode() if found else ""] += 1
            number = sum(self.counts.values())
        if number == self.hold_at:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.01)
        return "250 Message accepted"

    def total(self) -> int:
        with self.lock:
            return sum(self.counts.values())


class SMTPSink:
    """`with SMTPSink() as sink:` a server on `sink.port`; `sink.handler.counts` the Message-IDs it received."""

    def __init__(self) -> None:
        self.handler = CountingHandler()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SMTPSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
