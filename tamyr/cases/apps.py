from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "tamyr.cases"
    label = "cases"
    verbose_name = _("Cases")
    #: network files `tamyr demo` loads (tamyr/demo/<name>)
    demo_files: tuple[str, ...] = ("cases.yaml",)

    def ready(self) -> None:
        from tamyr.cases import receivers  # noqa: F401
        from tamyr.cases.models import CaseDocument
        from tamyr.core import files

        files.register(
            files.PrivateFile(
                kind="case-document",
                queryset=lambda: CaseDocument.objects.select_related("case"),
                field="file",
                action="cases.view_document",
                filename=lambda document: document.original_name,
                audit_action="cases.document_read",
            )
        )
