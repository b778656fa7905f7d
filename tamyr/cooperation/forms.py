"""Forms of the plan pages. Organizations are offered by slug from the ones the user may act for (no model
choice field: the choices are the scope)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tamyr.cooperation.models import Decision, MeasureStatus
from tamyr.core import uploads


class SignOffForm(forms.Form):
    organization = forms.ChoiceField(label=_("In the name of"))
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    reservation = forms.CharField(
        label=_("Reservation or objection"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, organizations: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = organizations or []  # type: ignore[attr-defined]


class CommentForm(forms.Form):
    organization = forms.ChoiceField(label=_("In the name of"))
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, organizations: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = organizations or []  # type: ignore[attr-defined]


class ReportValueForm(forms.Form):
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2)
    evidence_file = uploads.UploadField(label=_("Evidence (file)"), required=False, policy=uploads.EVIDENCE)
    evidence_url = forms.URLField(label=_("Evidence (link)"), required=False, assume_scheme="https")
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DecideValueForm(forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", _("Approve")), ("0", _("Return"))], coerce=lambda v: v == "1", widget=forms.HiddenInput
    )
    note = forms.CharField(label=_("Note"), required=False)


class SubmitVersionForm(forms.Form):
    """The coordinator puts the plan's content to the members; an amendment says what changes and why."""

    meeting = forms.ChoiceField(label=_("To be adopted at"), required=False)
    note = forms.CharField(label=_("What changes and why"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, meetings: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = meetings or []  # type: ignore[attr-defined]


class BulkMeasuresForm(forms.Form):
    """One change for the measures ticked on the bulk page; a field left empty stays as it is on each."""

    codes = forms.MultipleChoiceField(label=_("Measures"), widget=forms.CheckboxSelectMultiple)
    status = forms.ChoiceField(label=_("Status"), required=False)
    lead = forms.ChoiceField(label=_("Lead organization"), required=False)
    set_partners = forms.BooleanField(label=_("Replace the partner organizations"), required=False)
    partners = forms.MultipleChoiceField(
        label=_("Partner organizations"), required=False, widget=forms.CheckboxSelectMultiple
    )
    starts_on = forms.DateField(label=_("Starts"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(
        self,
        *args: Any,
        codes: list[str] | None = None,
        organizations: list[tuple[str, str]] | None = None,
        may_change_lead: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = [(code, code) for code in codes or []]  # type: ignore[attr-defined]
        keep = [("", _("— leave as it is —"))]
        self.fields["status"].choices = keep + list(MeasureStatus.choices)  # type: ignore[attr-defined]
        self.fields["partners"].choices = organizations or []  # type: ignore[attr-defined]
        if may_change_lead:
            self.fields["lead"].choices = keep + list(organizations or [])  # type: ignore[attr-defined]
        else:
            del self.fields["lead"]


class PlanImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("The file holds"),
        choices=[("measures", _("Measures")), ("actuals", _("Reported values of indicators"))],
    )
    file = uploads.UploadField(label=_("File"), policy=uploads.PLAN_IMPORT)
    encoding = forms.ChoiceField(label=_("Encoding of the file"), required=False)
    dry_run = forms.BooleanField(label=_("Dry run: check and report, write nothing"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from tamyr.registry.imports import encoding_choices

        self.fields["encoding"].choices = [("", _("Recognise it"))] + encoding_choices()  # type: ignore[attr-defined]
