from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tamyr.core"
    label = "core"
    verbose_name = "Core"
