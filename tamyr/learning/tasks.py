"""Background work for learning: certificates are issued after the completion that earns them is committed."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task(retries=2, retry_delay=30)
def issue_certificate_for(enrollment_id: int) -> None:
    from tamyr.learning.certificates import certificate_issue_for_enrollment

    certificate_issue_for_enrollment(enrollment_id=enrollment_id)
