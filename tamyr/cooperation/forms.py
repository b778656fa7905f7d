"""Forms of the plan pages. Organizations are offered by slug from the ones the user may act for (no model
choice field: the choices are the scope)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tamyr.cooperation.models import Decision
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
