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
        from django.db.models.signals import post_delete, post_save

        from tamyr.events.models import Registration
        from tamyr.registry.models import Person, PersonMerge

        post_save.connect(receivers.on_person_merge_saved, sender=PersonMerge, dispatch_uid="cooperation.merge")
        post_delete.connect(receivers.on_person_deleted, sender=Person, dispatch_uid="cooperation.person_deleted")
        post_delete.connect(
            receivers.on_registration_deleted, sender=Registration, dispatch_uid="cooperation.registration_deleted"
        )
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
