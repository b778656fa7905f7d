from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "tamyr.cooperation"
    label = "cooperation"
    demo_builder = "tamyr.cooperation.demo.build"
    verbose_name = _("Cooperation")

    def ready(self) -> None:
        from tamyr.cooperation import receivers
        from tamyr.cooperation.models import ReportedValue
        from tamyr.core import files
        from tamyr.events.signals import registrations_changed
        from tamyr.learning.signals import completions_changed

        registrations_changed.connect(receivers.on_registrations_changed, dispatch_uid="cooperation.registrations")
        completions_changed.connect(receivers.on_completions_changed, dispatch_uid="cooperation.completions")
        files.register(
            files.PrivateFile(
                kind="evidence",
                queryset=lambda: ReportedValue.objects.select_related("period__indicator__measure__plan"),
                field="evidence_file",
                action="cooperation.view_evidence",
                filename=lambda value: value.evidence_name,
            )
        )
