"""The task worker for the kill tests: `tamyr run_huey` with its work slowed down and cut small, so that a test can
stop it in the middle of a job: every certificate's PDF (`SLOW_PDF_SECONDS`, chunks of `CHUNK_SIZE`) and every
chunk of a people import's check (`SLOW_IMPORT_CHUNK_SECONDS`, chunks of `IMPORT_CHUNK` rows); with
`KILL_AFTER_HAND_OVER=N` it kills itself (SIGKILL) the moment the N-th mailing hand-over is recorded. Run as
`python -m tests.slow_worker` with the settings and database in the environment (see tests/worker_world.py)."""

from __future__ import annotations

import os
import signal
import time
from typing import Any

import django


def main() -> None:
    django.setup()
    from django.core.management import call_command

    from tamyr.learning import certificates
    from tamyr.registry import imports

    delay = float(os.environ.get("SLOW_PDF_SECONDS", "0.1"))
    real_pdf = certificates.certificate_pdf

    def slow_pdf(content: Any) -> bytes:
        time.sleep(delay)
        return real_pdf(content)

    certificates.certificate_pdf = slow_pdf  # type: ignore[assignment]
    certificates.CHUNK_SIZE = int(os.environ.get("CHUNK_SIZE", "4"))

    chunk_delay = float(os.environ.get("SLOW_IMPORT_CHUNK_SECONDS", "0.1"))
    real_check = imports.Validator.check_chunk

    def slow_check(self: imports.Validator, chunk: Any) -> Any:
        time.sleep(chunk_delay)
        return real_check(self, chunk)

    imports.Validator.check_chunk = slow_check  # type: ignore[method-assign]
    imports.CHUNK = int(os.environ.get("IMPORT_CHUNK", "4"))
    kill_after = int(os.environ.get("KILL_AFTER_HAND_OVER", "0"))
    if kill_after:
        from tamyr.content import delivery

        real_hand_over = delivery.HandOver.__call__
        seen = [0]

        def hand_over_then_die(self: delivery.HandOver) -> None:
            real_hand_over(self)
            seen[0] += 1
            if seen[0] == kill_after:  # the hand-over is recorded: die before anything else happens
                os.kill(os.getpid(), signal.SIGKILL)

        delivery.HandOver.__call__ = hand_over_then_die  # type: ignore[method-assign]
    call_command("run_huey")


if __name__ == "__main__":
    main()
