"""Forms of the case pages. Each action form carries the case `version` its page showed (hidden), which the
service compares with the case's current version (decision 0035)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tamyr.cases import stages as templates
from tamyr.cases.models import ApprovalKind, CaseType, DocumentType, ReferralKind, Visibility
from tamyr.cases.services import DOCUMENT
from tamyr.core.uploads import UploadField
from tamyr.registry.models import ConsentMethod, Country, Organization


class Select(forms.Select):
    """A select whose options are written in its own template, not one included template per option: the case
    page shows seven forms, and Django's per-option includes were a third of its rendering time."""

    template_name = "cases/widgets/select.html"
    option_inherits_attrs = False


class Checkboxes(forms.CheckboxSelectMultiple):
    template_name = "cases/widgets/checkboxes.html"


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class NoteForm(VersionForm):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    visibility = forms.ChoiceField(
        label=_("Who may read it"), choices=Visibility.choices, initial="organization", widget=Select
    )


class TaskForm(VersionForm):
    title = forms.CharField(label=_("Task"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    for_family = forms.BooleanField(label=_("The family is asked to do it (they see it on their page)"), required=False)


class TaskDoneForm(VersionForm):
    task = forms.IntegerField(widget=forms.HiddenInput)


class StageForm(VersionForm):
    stage = forms.ChoiceField(label=_("Move to stage"), widget=Select)

    def __init__(self, *args: Any, case_type: str = CaseType.RETURN, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [  # type: ignore[attr-defined]
            (code, templates.STAGE_LABELS[code]) for code in templates.stage_codes(case_type) if code != "closed"
        ]


class ChecklistForm(VersionForm):
    item = forms.IntegerField(widget=forms.HiddenInput)
    done = forms.BooleanField(required=False, widget=forms.HiddenInput)


class PlanForm(VersionForm):
    plan = forms.CharField(label=_("Case plan"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)


class ApprovalRequestForm(VersionForm):
    kind = forms.ChoiceField(choices=ApprovalKind.choices, widget=forms.HiddenInput)


class ApprovalDecideForm(VersionForm):
    approval = forms.IntegerField(widget=forms.HiddenInput)
    approve = forms.TypedChoiceField(
        label=_("Decision"), coerce=lambda value: value == "yes", choices=[("yes", _("Approve")), ("no", _("Refuse"))]
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class AssignForm(VersionForm):
    """The owner organization's staff and admins to choose from (`workers`: (user id, name) pairs); the service
    checks the role again when the form is sent."""

    worker = forms.TypedChoiceField(label=_("Case worker"), coerce=int, widget=Select)

    def __init__(self, *args: Any, workers: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["worker"]
        assert isinstance(field, forms.TypedChoiceField)
        if workers is None:  # a sent form: any user id; the service refuses one not of the organization
            field.choices = [(value, value) for value in [self.data.get("worker", "")] if str(value).isdigit()]
        else:
            field.choices = workers


class ReferForm(VersionForm):
    to_organization = forms.ModelChoiceField(
        label=_("Partner organization"),
        queryset=Organization.objects.filter(is_active=True),
        to_field_name="slug",
        widget=Select,
    )
    kind = forms.ChoiceField(label=_("What"), choices=ReferralKind.choices, initial="referral", widget=Select)
    service = forms.ChoiceField(label=_("Service"), required=False, widget=Select)
    shared_sections = forms.MultipleChoiceField(
        label=_("Sections the partner may see"),
        choices=list(templates.SECTIONS.items()),
        required=False,
        widget=Checkboxes,
    )
    message = forms.CharField(label=_("Message"), required=False, max_length=500)

    def __init__(self, *args: Any, case_type: str = CaseType.RETURN, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stages = [(code, templates.STAGE_LABELS[code]) for code in templates.stage_codes(case_type)[1:-1]]
        self.fields["service"].choices = [("", "—"), *stages]  # type: ignore[attr-defined]


def organization_choices(exclude: int) -> list[tuple[str, str]]:
    """The options of the organization selects of a case page, read once for all its forms (the field's own
    queryset would be read again by each form): slug and name only. Sent forms are still checked against the
    field's queryset."""
    qs = Organization.objects.filter(is_active=True).exclude(pk=exclude).only("pk", "slug", "name", "short_name")
    return [("", "---------"), *((org.slug, str(org)) for org in qs.order_by("slug"))]


class ConsentForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.filter(is_active=True),
        to_field_name="slug",
        widget=Select,
    )
    method = forms.ChoiceField(label=_("How"), choices=ConsentMethod.choices, widget=Select)


class DocumentForm(VersionForm):
    doc_type = forms.ChoiceField(label=_("Type"), choices=DocumentType.choices, widget=Select)
    visibility = forms.ChoiceField(
        label=_("Who may read it"), choices=Visibility.choices, initial="organization", widget=Select
    )
    file = UploadField(policy=DOCUMENT, label=_("File"))


class RespondForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("reject", _("Reject")), ("implement", _("Mark carried out"))]
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class OpenCaseForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects.none(), to_field_name="slug")
    head = forms.IntegerField(label=_("Head of the household (registry record)"), widget=forms.HiddenInput)
    case_type = forms.ChoiceField(label=_("Type"), choices=CaseType.choices)
    origin_country = forms.ModelChoiceField(label=_("Coming from"), queryset=Country.objects.all(), required=False)
    region = forms.CharField(label=_("Region in Kazakhstan"), required=False, max_length=120)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organizations


class RequestForm(forms.Form):
    """The compatriot's own "I am returning to Kazakhstan" form."""

    owner = forms.ModelChoiceField(
        label=_("Who should help you"), queryset=Organization.objects.none(), to_field_name="slug"
    )
    origin_country = forms.ModelChoiceField(label=_("Where you live now"), queryset=Country.objects.all())
    summary = forms.CharField(
        label=_("Tell us about your family and your plans"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organizations
