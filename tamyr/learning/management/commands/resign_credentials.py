"""`tamyr resign_credentials`: sign again the certificates' stored credentials that were signed before control
characters were escaped as RDFC-1.0 requires (`certificates.certificates_resign_control_characters`). Run once after
upgrading; running it again does nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from tamyr.learning.certificates import certificates_resign_control_characters


class Command(BaseCommand):
    help = "Sign again the credentials signed before control characters were escaped (run once after upgrading)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = certificates_resign_control_characters()
        self.stdout.write(_("%(count)s credentials signed again.") % {"count": count})
