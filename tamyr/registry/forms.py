from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tamyr.core import uploads
from tamyr.core.choices import CollatedModelChoiceField, CollatedModelMultipleChoiceField
from tamyr.core.i18n import TranslationsField
from tamyr.core.uploads import UploadField
from tamyr.registry.models import ConsentMethod, Country, Gender, Organization, OrganizationKind


class ExpertiseFieldsField(forms.MultipleChoiceField):
    """Fields of the OECD classification, grouped by major field, in the visitor's language; codes in and out."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Fields of expertise"))
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text", _("From the OECD Fields of Science and Technology; choose several with Ctrl or ⌘.")
        )
        kwargs.setdefault("widget", forms.SelectMultiple(attrs={"size": 8}))
        super().__init__(**kwargs)


def _with_expertise_choices(field: forms.Field, *, blank: str | None = None) -> None:
    """The classification's choices, read when the form is made (in the visitor's language)."""
    from tamyr.registry.selectors import expertise_field_choices

    assert isinstance(field, forms.ChoiceField)
    field.choices = [*([("", blank)] if blank is not None else []), *expertise_field_choices()]


class OrganizationForm(forms.Form):
    name = TranslationsField(label=_("Name"), required=True)
    short_name = forms.CharField(label=_("Short name"), max_length=60, required=False)
    description = TranslationsField(label=_("Description"), required=False, textarea=True)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganizationKind.choices)
    country = CollatedModelChoiceField(label=_("Country"), queryset=Country.objects.all(), required=False)
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    logo = UploadField(label=_("Logo"), required=False, policy=uploads.LOGO)
    expertise_fields = ExpertiseFieldsField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _with_expertise_choices(self.fields["expertise_fields"])

    @classmethod
    def initial_for(cls, organization: Organization) -> dict[str, Any]:
        initial = {
            field: getattr(organization, field)
            for field in cls.base_fields
            if field not in ("logo", "expertise_fields")
        }
        initial["expertise_fields"] = [f.code for f in organization.expertise_fields.all()]
        return initial


class PersonForm(forms.Form):
    display_name = forms.CharField(label=_("Name as the person writes it"), max_length=200)
    name_variants = forms.CharField(
        label=_("Other ways of writing the name"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, in any script, e.g. Қасым Тоқаев, Kassym Tokayev, Kasım Tokayev."),
    )
    residence_country = CollatedModelChoiceField(
        label=_("Country of residence"), queryset=Country.objects.all(), required=False
    )
    residence_city = forms.CharField(label=_("City of residence"), max_length=120, required=False)
    citizenships = CollatedModelMultipleChoiceField(
        label=_("Citizenships"),
        queryset=Country.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "—"), *Gender.choices], required=False)
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False, min_value=1900, max_value=2100)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    expertise_fields = ExpertiseFieldsField()
    expertise = forms.CharField(
        label=_("Expertise keywords"), required=False, help_text=_("Comma-separated, e.g. history, IT, music.")
    )
    expertise_consent = forms.BooleanField(
        label=_("The person agrees to be found and matched by their expertise (as a reviewer, host or expert)"),
        required=False,
        help_text=_("Without this consent their fields and keywords are kept but never used to find or match them."),
    )
    consent_method = forms.ChoiceField(
        label=_("How the consent was given"),
        choices=ConsentMethod.choices,
        initial=ConsentMethod.PAPER,
        required=False,
    )
    orcid = forms.CharField(
        label=_("ORCID iD"),
        max_length=60,
        required=False,
        help_text=_("e.g. 0000-0002-1825-0097 or https://orcid.org/0000-0002-1825-0097"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _with_expertise_choices(self.fields["expertise_fields"])

    def clean_name_variants(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["name_variants"].splitlines() if line.strip()]

    def clean_expertise(self) -> list[str]:
        return [tag.strip() for tag in self.cleaned_data["expertise"].split(",") if tag.strip()]


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    country = CollatedModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All countries"),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *OrganizationKind.choices], required=False)
    network = forms.ChoiceField(label=_("Network"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from tamyr.registry.models import Network

        self.fields["country"].queryset = Country.objects.filter(organizations__isnull=False).distinct()  # type: ignore[attr-defined]
        self.fields["network"].choices = [("", _("All networks"))] + [  # type: ignore[attr-defined]
            (n.slug, n.display_name) for n in Network.objects.all()
        ]


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Name in any script"), required=False)
    country = CollatedModelChoiceField(
        label=_("Country of residence"),
        queryset=Country.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All countries"),
    )
    field = forms.ChoiceField(label=_("Field of expertise"), required=False)
    expertise = forms.CharField(label=_("Expertise keyword"), required=False, max_length=60)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _with_expertise_choices(self.fields["field"], blank=str(_("All fields")))


class PersonImportForm(forms.Form):
    file = UploadField(
        policy=uploads.PEOPLE_IMPORT,
        label=_("File"),
        help_text=_("CSV or XLSX; the first row names the columns (e.g. ФИО, Аты-жөні, ad soyad, e-mail, country)."),
    )
    organization = forms.ModelChoiceField(
        label=_("Organization that keeps the records"), queryset=Organization.objects.none()
    )
    dry_run = forms.BooleanField(label=_("Dry run: check and report, write nothing"), required=False)
    skip_bad_rows = forms.BooleanField(
        label=_("Import the good rows even if some rows are bad"),
        required=False,
        help_text=_("By default one bad row stops the whole import, so the file can be fixed and imported again."),
    )

    def __init__(self, *args: Any, organizations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organizations if organizations is not None else Organization.objects.none()


class ImportMappingForm(forms.Form):
    """The file's encoding (CSV only) and one choice per field of a person: which column of the file holds it.

    `shown_encoding` is the encoding the page showed the sample and the columns in: when the user picks another
    one, the view shows the file in it first instead of starting (the columns may read differently)."""

    def __init__(
        self,
        *args: Any,
        header: list[str],
        mapping: dict[str, str],
        encoding: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        from tamyr.registry.imports import FIELDS, encoding_choices

        if encoding is not None:
            self.fields["encoding"] = forms.ChoiceField(
                label=_("Encoding of the file"),
                choices=[("", _("— choose —")), *encoding_choices()],
                required=False,
                initial=encoding,
                help_text=_("If the names in the sample are garbled, choose another encoding and show the file again."),
            )
            self.fields["shown_encoding"] = forms.CharField(required=False, initial=encoding, widget=forms.HiddenInput)
        choices = [("", _("— not in the file —")), *[(column, column) for column in header if column]]
        for name, spec in FIELDS.items():
            self.fields[name] = forms.ChoiceField(
                label=spec.label, choices=choices, required=spec.required, initial=mapping.get(name, "")
            )

    def mapping(self) -> dict[str, str]:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value and name not in ("encoding", "shown_encoding")
        }
