from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "tamyr.learning"
    label = "learning"
    verbose_name = _("Learning")
    # `tamyr demo` calls this (inside its transaction) to load Otandastar's courses, learners and certificates
    demo_builder = "tamyr.learning.demo.build"
