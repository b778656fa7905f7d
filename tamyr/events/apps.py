from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "tamyr.events"
    label = "events"
    verbose_name = _("Events")
    # `tamyr demo` calls this (inside its transaction) to load the seeds' events
    demo_builder = "tamyr.events.demo.build"

    def ready(self) -> None:
        from tamyr.core import files
        from tamyr.events.models import RegistrationFile, SessionMaterial

        files.register(
            files.PrivateFile(
                kind="answer",
                queryset=lambda: RegistrationFile.objects.select_related("registration__event", "registration__person"),
                field="file",
                action="events.view_answer_file",
                filename=lambda answer: answer.original_name,
            )
        )
        files.register(
            files.PrivateFile(
                kind="session-material",
                queryset=lambda: SessionMaterial.objects.select_related("session__event"),
                field="file",
                action="events.view_session_material",
                filename=lambda material: material.title,
            )
        )
