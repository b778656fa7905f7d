"""The task worker for the kill tests: `tamyr run_huey` with every certificate's PDF slowed down and small chunks,
so that a test can stop it in the middle of a batch. Run as `python -m tests.learning.slow_worker` with the
settings and database in the environment (see test_certificate_batches.py)."""

from __future__ import annotations

import os
import time
from typing import Any

import django


def main() -> None:
    django.setup()
    from django.core.management import call_command

    from tamyr.learning import certificates

    delay = float(os.environ.get("SLOW_PDF_SECONDS", "0.1"))
    real_pdf = certificates.certificate_pdf

    def slow_pdf(content: Any) -> bytes:
        time.sleep(delay)
        return real_pdf(content)

    certificates.certificate_pdf = slow_pdf  # type: ignore[assignment]
    certificates.CHUNK_SIZE = int(os.environ.get("CHUNK_SIZE", "4"))
    call_command("run_huey")


if __name__ == "__main__":
    main()
