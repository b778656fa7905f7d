"""An SMTP connection that tells the delivery engine the moment a message is handed over (docs/decisions/0032).

SMTP has no two-phase commit: a worker killed after the mail server accepted a message and before it recorded
"sent" would, if the message were simply retried, mail that person twice. The hand-over is the final "." that ends a
message's data: the server accepts (or refuses) the message only once it has it. `HandOverSMTP.data` sends the
message's data, reads the answer to the last hand-over's UPDATE (`prepare_end_of_data()`), writes the "." into the
kernel with TCP_CORK set (held, not yet sent), calls `before_end_of_data()` (the engine sends the UPDATE recording
`handed_at` there, without waiting for its result on PostgreSQL), lifts the cork (the "." goes out), reads the reply,
then calls `after_end_of_data()`. A message found with `handed_at` set and no final state was handed over by a
worker that died: it is taken as delivered and never sent again, and its "." reached the server even if the worker
died before lifting the cork, because the kernel sends what a dead process's socket holds. What remains is the moment
between the "." going into the kernel and the UPDATE's write, in which a killed worker leaves a message that the
server gets and that is sent again.
"""

from __future__ import annotations

import smtplib
import socket
import struct
from collections.abc import Callable
from typing import Any

from django.core.mail.backends.smtp import EmailBackend

CRLF = b"\r\n"
CORK: int | None = getattr(socket, "TCP_CORK", None)


class _HandOver:
    prepare_end_of_data: Callable[[], None] | None = None
    before_end_of_data: Callable[[], None] | None = None
    after_end_of_data: Callable[[], None] | None = None

    def connect(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        reply = super().connect(*args, **kwargs)  # type: ignore[misc]
        # The data and its "." go out in two writes: without TCP_NODELAY, Nagle's algorithm holds the "." until the
        # server's delayed ACK (40 ms a message).
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # type: ignore[attr-defined]
        return reply  # type: ignore[no-any-return]

    def data(self, msg: Any) -> tuple[int, bytes]:
        self.putcmd("data")  # type: ignore[attr-defined]
        code, reply = self.getreply()  # type: ignore[attr-defined]
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        return self._content(msg)

    def _content(self, msg: Any) -> tuple[int, bytes]:
        """The message's data, the hand-over, the final "." and the server's reply to it."""
        if isinstance(msg, str):
            msg = smtplib._fix_eols(msg).encode("ascii")  # type: ignore[attr-defined]
        quoted = smtplib._quote_periods(msg)  # type: ignore[attr-defined]
        if quoted[-2:] != CRLF:
            quoted += CRLF
        self.send(quoted)  # type: ignore[attr-defined]
        if self.before_end_of_data is None:
            self.send(b"." + CRLF)  # type: ignore[attr-defined]
        else:
            self._end_of_data_handed_over()
        try:
            return self.getreply()  # type: ignore[attr-defined,no-any-return]
        finally:
            if self.after_end_of_data is not None:
                self.after_end_of_data()

    def _end_of_data_handed_over(self) -> None:
        """The final "." written into the kernel, held there (TCP_CORK) while the hand-over is recorded, then let go.

        A process that dies has its sockets closed by the kernel, and a closed socket still sends what it holds. So a
        worker killed once the hand-over is recorded (its UPDATE written, or waiting to be scheduled again after it
        woke the database) has the "." delivered all the same: the server has the message that the row says was
        handed over. Recording first and writing the "." after (as before) lost the message when the kill landed
        between the two writes, a window that writing to the database widened: the write wakes the database's
        process, which a loaded machine often runs at once (bench/mailing.py's `missing: 1`). What is left is the
        moment between the "." going into the kernel (which wakes nobody) and the UPDATE's write: a kill there
        mails that one person twice. Without TCP_CORK (not Linux) the "." follows the record, as before."""
        assert self.before_end_of_data is not None
        sock: Any = self.sock  # type: ignore[attr-defined]
        if self.prepare_end_of_data is not None:
            self.prepare_end_of_data()  # waits, if it must, before the "." is written: nothing waits in between
        if CORK is None:
            self.before_end_of_data()
            self.send(b"." + CRLF)  # type: ignore[attr-defined]
            return
        sock.setsockopt(socket.IPPROTO_TCP, CORK, 1)
        try:
            self.send(b"." + CRLF)  # type: ignore[attr-defined]
            self.before_end_of_data()
        except BaseException:
            # the hand-over could not be recorded: the "." must not reach the server (a reset discards it)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close()  # type: ignore[attr-defined]
            raise
        sock.setsockopt(socket.IPPROTO_TCP, CORK, 0)

    def sendmail(
        self, from_addr: str, to_addrs: Any, msg: Any, mail_options: Any = (), rcpt_options: Any = ()
    ) -> dict[str, tuple[int, bytes]]:
        """`smtplib.SMTP.sendmail`, with MAIL, RCPT and DATA sent in one write when the server offers PIPELINING
        (RFC 2920): two round trips a message instead of four (issue 15 item 9). Replies, refusals and exceptions
        are those of `smtplib`; the data and its "." go out only after the server's 354, as before."""
        this: Any = self
        this.ehlo_or_helo_if_needed()
        if not (this.does_esmtp and this.has_extn("pipelining")) or any(
            option.lower() == "smtputf8" for option in mail_options
        ):
            return super().sendmail(from_addr, to_addrs, msg, mail_options, rcpt_options)  # type: ignore[misc,no-any-return]
        if isinstance(msg, str):
            msg = smtplib._fix_eols(msg).encode("ascii")  # type: ignore[attr-defined]
        options = [f"size={len(msg)}"] if this.has_extn("size") else []
        options += list(mail_options)
        recipients = [to_addrs] if isinstance(to_addrs, str) else list(to_addrs)
        rcpt_tail = (" " + " ".join(rcpt_options)) if rcpt_options else ""
        mail_tail = (" " + " ".join(options)) if options else ""
        commands = [f"MAIL FROM:{smtplib.quoteaddr(from_addr)}{mail_tail}"]
        commands += [f"RCPT TO:{smtplib.quoteaddr(address)}{rcpt_tail}" for address in recipients]
        commands.append("DATA")
        this.send("".join(command + "\r\n" for command in commands))
        mail_code, mail_reply = this.getreply()
        refused: dict[str, tuple[int, bytes]] = {}
        for address in recipients:
            code, reply = this.getreply()
            if code not in (250, 251):
                refused[address] = (code, reply)
        data_code, data_reply = this.getreply()
        if data_code == 354 and (mail_code != 250 or len(refused) == len(recipients)):
            this.send(b"." + CRLF)  # the server opened the data though nothing can be delivered: end it empty
            data_code, data_reply = this.getreply()
            data_code = 554 if data_code == 250 else data_code
        if 421 in (mail_code, data_code, *(code for code, _reply in refused.values())):
            this.close()
        elif mail_code != 250 or refused and len(refused) == len(recipients) or data_code != 354:
            this._rset()
        if mail_code != 250:
            raise smtplib.SMTPSenderRefused(mail_code, mail_reply, from_addr)
        if len(refused) == len(recipients):
            raise smtplib.SMTPRecipientsRefused(refused)
        if data_code != 354:
            raise smtplib.SMTPDataError(data_code, data_reply)
        code, reply = self._content(msg)
        if code != 250:
            if code == 421:
                this.close()
            else:
                this._rset()
            raise smtplib.SMTPDataError(code, reply)
        return refused


class HandOverSMTP(_HandOver, smtplib.SMTP):
    pass


class HandOverSMTPSSL(_HandOver, smtplib.SMTP_SSL):
    pass


class HandOverEmailBackend(EmailBackend):
    """Django's SMTP backend on a `HandOverSMTP` connection: `hand_over()` is called before each message's final ".",
    `hand_over.settle()` once the server's reply is read (or the connection failed)."""

    hand_over: Any = None

    @property
    def connection_class(self) -> Any:
        return HandOverSMTPSSL if self.use_ssl else HandOverSMTP

    def _send(self, email_message: Any) -> bool:
        """A campaign's e-mail is sent as the bytes it built itself (`MailingEmail.raw()`), others as Django does."""
        raw = getattr(email_message, "raw", None)
        if raw is None or not email_message.recipients():
            return bool(super()._send(email_message))  # type: ignore[misc]
        from tamyr.content.delivery import envelope_address

        encoding = email_message.encoding or "utf-8"
        recipients = [envelope_address(address, encoding) for address in email_message.recipients()]
        assert self.connection is not None
        self.connection.sendmail(envelope_address(email_message.from_email, encoding), recipients, raw())
        return True

    def set_hand_over(self, hand_over: Any) -> None:
        self.hand_over = hand_over
        if self.connection is not None:
            connection: Any = self.connection
            connection.prepare_end_of_data = getattr(hand_over, "prepare", None) if hand_over is not None else None
            connection.before_end_of_data = hand_over
            connection.after_end_of_data = hand_over.settle if hand_over is not None else None
