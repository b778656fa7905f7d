"""Background work for learning: certificates are issued after the completion that earns them is committed."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task(retries=2, retry_delay=30)
def issue_certificate_for(enrollment_id: int) -> None:
    from tamyr.learning.certificates import certificate_issue_for_enrollment

    certificate_issue_for_enrollment(enrollment_id=enrollment_id)


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
