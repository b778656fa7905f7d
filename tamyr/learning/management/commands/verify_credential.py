"""`tamyr verify-credential FILE` (or `verify_credential`): check one credential file; prints OK or FAILED with the
reason and exits 0 or 1, so scripts can rely on it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from tamyr.learning.credentials.openbadges import verify_credential


class Command(BaseCommand):
    help = "Verify an Open Badges 3.0 credential file: signature, issuer key, revocation. Exit status 0 when valid."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The credential as a JSON file ('-' reads standard input).")
        parser.add_argument("--json", action="store_true", help="Print the full result as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
            document = json.loads(text)
        except OSError as error:
            self.stderr.write(
                "FAILED: " + _("cannot read %(file)s: %(error)s") % {"file": name, "error": error.strerror}
            )
            sys.exit(1)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            self.stderr.write("FAILED: " + _("%(file)s is not JSON (%(error)s)") % {"file": name, "error": error})
            sys.exit(1)
        result = verify_credential(document)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        if result.verified:
            details = _("%(code)s — %(holder)s, %(course)s; issued by %(issuer)s on %(date)s; key %(key)s") % {
                "code": result.certificate_code,
                "holder": result.holder_name,
                "course": result.course_title,
                "issuer": result.issuer_name,
                "date": f"{result.issued_at:%Y-%m-%d}",
                "key": result.verification_method,
            }
            self.stdout.write(self.style.SUCCESS("OK") + f": {details}")
            return
        self.stdout.write(self.style.ERROR("FAILED") + f" ({result.code}): {result.message}")
        if result.revoked and result.revoked_at:
            self.stdout.write(
                _("Revoked on %(date)s: %(reason)s")
                % {"date": f"{result.revoked_at:%Y-%m-%d}", "reason": result.revocation_reason}
            )
        sys.exit(1)
