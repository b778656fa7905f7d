from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "tamyr.calls"
    label = "calls"
    demo_builder = "tamyr.calls.demo.build"
    verbose_name = _("Calls")

    def ready(self) -> None:
        from tamyr.calls.models import ApplicationDocument, AwardReport
        from tamyr.core import files

        files.register(
            files.PrivateFile(
                kind="call-document",
                queryset=lambda: ApplicationDocument.objects.select_related(
                    "application__call", "application__person", "application__organization"
                ),
                field="file",
                action="calls.view_application_document",
                filename=lambda stored: stored.original_name,
            )
        )
        files.register(
            files.PrivateFile(
                kind="call-report",
                queryset=lambda: AwardReport.objects.select_related(
                    "award__outcome__call",
                    "award__outcome__application__person",
                    "award__outcome__application__organization",
                ),  # fmt: skip
                field="file",
                action="calls.view_award_report",
                filename=lambda stored: stored.original_name,
            )
        )
