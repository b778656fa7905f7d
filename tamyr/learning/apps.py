from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "tamyr.learning"
    label = "learning"
    verbose_name = _("Learning")
    # `tamyr demo` calls this (inside its transaction) to load Otandastar's courses, learners and certificates
    demo_builder = "tamyr.learning.demo.build"
    # columns holding `core.crypto` tokens: `tamyr rotate_keys` re-encrypts them, `tamyr backup` names their key
    encrypted_fields = ("IssuerKey.private_key_encrypted",)

    def ready(self) -> None:
        from tamyr.registry.signals import person_erased

        person_erased.connect(_forget_certificate_holder, dispatch_uid="learning.forget_certificate_holder")
        from tamyr.events.signals import checked_in

        checked_in.connect(_issue_attendance_credential, dispatch_uid="learning.issue_attendance_credential")
        _register_private_files()


def _register_private_files() -> None:
    from tamyr.core import files
    from tamyr.learning.models import Certificate, LessonMaterial

    files.register(
        files.PrivateFile(
            kind="lesson-material",
            queryset=lambda: LessonMaterial.objects.select_related("lesson__course"),
            field="file",
            action="learning.view_lesson_material",
            filename=lambda material: material.title,
        )
    )
    files.register(
        files.PrivateFile(
            kind="certificate",
            queryset=lambda: Certificate.objects.select_related("person", "enrollment__group__course"),
            field="pdf",
            action="learning.view_certificate_pdf",
            filename=lambda certificate: f"certificate-{certificate.code}.pdf",
            lookup="code",
        )
    )


def _forget_certificate_holder(sender: object, person: object, **kwargs: object) -> None:
    """An erased person's certificates stop naming them (they stay, so counts and verification still work)."""
    from tamyr.learning.attendance import attendance_credentials_forget_holder
    from tamyr.learning.certificates import certificates_forget_holder

    certificates_forget_holder(person=person)  # type: ignore[arg-type]
    attendance_credentials_forget_holder(person=person)


def _issue_attendance_credential(sender: object, registration_id: int, **kwargs: object) -> None:
    """A check-in committed: sign the attendance credential in the worker (the check-in desk does not wait)."""
    from tamyr.learning.tasks import issue_attendance_credential

    issue_attendance_credential(registration_id)
