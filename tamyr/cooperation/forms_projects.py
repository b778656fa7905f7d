"""Forms of the project and practice pages. Organizations are offered by slug from the ones the user may act for."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tamyr.cooperation.models import MediaKind, PartnerRole, PracticeTheme, ProjectKind, ProjectStatus
from tamyr.core.i18n import TranslationsField


class _WithOrganizations(forms.Form):
    def __init__(self, *args: Any, organizations: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "organization" in self.fields:
            self.fields["organization"].choices = organizations or []  # type: ignore[attr-defined]


class ProjectForm(_WithOrganizations):
    organization = forms.ChoiceField(label=_("Lead organization"))
    slug = forms.SlugField(label=_("Short address"), max_length=140)
    title = TranslationsField(label=_("Title"))
    description = TranslationsField(label=_("Description"), required=False, textarea=True)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProjectKind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=ProjectStatus.choices)
    starts_on = forms.DateField(label=_("Starts"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    budget = forms.DecimalField(label=_("Budget"), required=False, max_digits=14, decimal_places=2, min_value=0)
    is_public = forms.BooleanField(label=_("Public"), required=False, initial=True)


class PartnerForm(_WithOrganizations):
    organization = forms.ChoiceField(label=_("Organization"))
    role = forms.ChoiceField(label=_("Role"), choices=PartnerRole.choices)
    role_note = forms.CharField(label=_("What it does"), required=False, max_length=300)
    contribution = forms.DecimalField(
        label=_("Contribution"), required=False, max_digits=14, decimal_places=2, min_value=0
    )
    in_kind = forms.CharField(label=_("Contribution in kind"), required=False, max_length=300)


class MediaForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MediaKind.choices)
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    url = forms.URLField(label=_("Link"), assume_scheme="https")


class PracticeForm(_WithOrganizations):
    organization = forms.ChoiceField(label=_("Organization"))
    slug = forms.SlugField(label=_("Short address"), max_length=140)
    title = TranslationsField(label=_("Title"))
    summary = TranslationsField(label=_("Summary"), required=False, textarea=True)
    body = TranslationsField(label=_("Description"), required=False, textarea=True)
    theme = forms.ChoiceField(label=_("Theme"), choices=PracticeTheme.choices)
    contact_name = forms.CharField(label=_("Contact person"), required=False, max_length=200)
    contact_email = forms.EmailField(label=_("Contact e-mail"))
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=40)


class DecideForm(forms.Form):
    """Accept or reject (a practice), accept or decline (a learning request), with a text."""

    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Accept")), ("0", _("Reject"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    text = forms.CharField(label=_("Reason or answer"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class LearnForm(_WithOrganizations):
    organization = forms.ChoiceField(label=_("In the name of"))
    message = forms.CharField(label=_("What would you like to learn?"), widget=forms.Textarea(attrs={"rows": 3}))
