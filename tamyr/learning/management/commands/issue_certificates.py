"""`tamyr issue_certificates --course SLUG`: start the batch job that issues a course's missing certificates.

The job runs in the task worker and commits chunk by chunk, so running the command again after a crash picks up
where it stopped. `--inline` runs it here and now (no worker needed) and prints the progress.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils.translation import gettext as _

from tamyr.core.errors import DomainError
from tamyr.learning import certificates
from tamyr.learning.models import Course


class Command(BaseCommand):
    help = "Issue the missing certificates of a course as a batch job (resumable)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--course", required=True, help="The course's slug.")
        parser.add_argument("--inline", action="store_true", help="Run the job in this process instead of the worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        course = Course.objects.filter(slug=options["course"]).first()
        if course is None:
            raise CommandError(_("No course has the slug %(slug)s.") % {"slug": options["course"]})
        if options["inline"]:
            batch = self._start(course, in_worker=False)
            batch = certificates.certificate_batch_run(batch_id=batch.pk)
            self.stdout.write(
                _("Batch %(id)s: %(status)s, %(done)s of %(total)s issued.")
                % {"id": batch.pk, "status": batch.get_status_display(), "done": batch.done, "total": batch.total}
            )
            if batch.error:
                raise CommandError(batch.error)
            return
        batch = self._start(course, in_worker=True)
        self.stdout.write(
            _("Batch %(id)s started: %(total)s certificates to issue for %(course)s. Follow it at %(url)s")
            % {
                "id": batch.pk,
                "total": batch.total,
                "course": course.slug,
                "url": reverse("learning:certificate_batch", kwargs={"slug": course.slug}),
            }
        )

    def _start(self, course: Course, *, in_worker: bool) -> Any:
        try:
            return certificates.certificates_issue_batch(course=course, acting_user=None, in_worker=in_worker)
        except DomainError as error:
            raise CommandError(str(error.message))
