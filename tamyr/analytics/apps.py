from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "tamyr.analytics"
    label = "analytics"
    verbose_name = _("Analytics")
    #: network files `tamyr demo` loads as `tamyr load` would (tamyr/demo/<name>): the diaspora estimates
    demo_files = ("estimates.yaml",)
    #: run by `tamyr demo` after the builders of the apps before it: the dashboards' first refresh
    demo_builder = "tamyr.analytics.aggregates.refresh_after_demo"

    def ready(self) -> None:
        from tamyr.analytics import map_tasks  # noqa: F401  (the worker must know the map's refresh task)
