from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "tamyr.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from tamyr.core import files
        from tamyr.registry.models import PersonImport

        def imports() -> Any:
            return PersonImport.objects.select_related("organization")

        for kind, field, name, action in (
            ("import", "file", lambda record: record.original_name, "registry.people_import_file_downloaded"),
            (
                "import-report",
                "report",
                lambda record: f"import-{record.pk}-report.csv",
                "registry.people_import_report_downloaded",
            ),
        ):
            files.register(
                files.PrivateFile(
                    kind=kind,
                    queryset=imports,
                    field=field,
                    action="registry.view_import_file",
                    filename=name,
                    audit_action=action,
                    audit_target=lambda record: record.organization,
                )
            )
        files.register_purge("registry.people_imports", "tamyr.registry.imports.person_imports_purge_files")
