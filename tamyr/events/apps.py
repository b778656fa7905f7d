from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "tamyr.events"
    label = "events"
    verbose_name = _("Events")
    # `tamyr demo` calls this (inside its transaction) to load the seeds' events
    demo_builder = "tamyr.events.demo.build"
