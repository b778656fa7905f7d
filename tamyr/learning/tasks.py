"""Background work for learning: certificates are issued after the completion that earns them is committed."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from tamyr.core import jobs
from tamyr.learning.models import CertificateBatch


@db_task(retries=2, retry_delay=30)
def issue_certificate_for(enrollment_id: int) -> None:
    from tamyr.learning.certificates import certificate_issue_for_enrollment

    certificate_issue_for_enrollment(enrollment_id=enrollment_id)


@db_task(retries=2, retry_delay=30)
def issue_attendance_credential(registration_id: int) -> None:
    from tamyr.learning.attendance import attendance_credential_issue

    attendance_credential_issue(registration_id=registration_id)


@db_task()
def evaluate_course_enrollments(course_id: int) -> None:
    """The completion rule (or the lessons) of a large course changed: decide again for each of its learners."""
    from tamyr.learning.services_authoring import course_enrollments_evaluate

    course_enrollments_evaluate(course_id=course_id)


@db_task()
def run_certificate_batch(batch_id: int) -> None:
    """Issue a course's missing certificates chunk by chunk (see `certificates.certificate_batch_run`)."""
    from tamyr.learning.certificates import certificate_batch_run

    certificate_batch_run(batch_id=batch_id)


def _queue_certificate_batch(batch_id: int, delay: float) -> None:
    if delay > 0:
        run_certificate_batch.schedule(args=(batch_id,), delay=delay)
    else:
        run_certificate_batch(batch_id)


jobs.register(CertificateBatch, _queue_certificate_batch)


@db_periodic_task(crontab(hour="4", minute="17"))
def remove_orphan_certificate_files() -> None:
    """PDFs that no certificate references (a worker died between writing one and committing its certificate,
    and the enrollment was not issued again): removed once they are a day old."""
    from tamyr.learning.certificates import certificate_files_remove_orphans

    certificate_files_remove_orphans()
