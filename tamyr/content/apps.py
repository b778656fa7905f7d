from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "tamyr.content"
    label = "content"
    verbose_name = _("Content")
    #: network files `tamyr demo` loads as `tamyr load` would (tamyr/demo/<name>); data, no demo code
    demo_files = ("content.yaml", "mailings.yaml")
    encrypted_fields = ("SendingIdentity.dkim_private_key_encrypted",)

    def ready(self) -> None:
        from tamyr.content.models import Attachment
        from tamyr.core import files

        files.register(
            files.PrivateFile(
                kind="content-attachment",
                queryset=lambda: Attachment.objects.select_related("entry"),
                field="file",
                action="content.view_attachment",
                filename=lambda attachment: attachment.original_name,
            )
        )
