from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tamyr.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from tamyr.core import checks  # noqa: F401 (registers the system checks)
