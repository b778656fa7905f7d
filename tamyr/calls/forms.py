"""Forms of the calls pages. They only shape input; the rules (deadlines, eligibility, completeness, amounts) are
the services', whose errors come back onto these fields."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tamyr.calls.models import Application, CallKind, Question, QuotaGroup, RequiredDocument
from tamyr.calls.services import document_policy
from tamyr.core import questions, uploads
from tamyr.core.choices import CollatedModelMultipleChoiceField
from tamyr.core.i18n import TranslationsField
from tamyr.core.uploads import UploadField
from tamyr.core.zones import TimeZoneChoiceField, ZonedDateTimeField, in_zone, time_zone_choices
from tamyr.registry.models import Country, Organization

BUDGET_ROWS = 8


class CallFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *CallKind.choices], required=False)
    open = forms.BooleanField(label=_("Open for applications now"), required=False)


class CallForm(forms.Form):
    """A new call: the essentials; questions, documents and quota groups are added on the call's own pages or API."""

    organization = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    title = TranslationsField(label=_("Title"), required=True)
    summary = TranslationsField(label=_("Summary"), required=False, textarea=True)
    slug = forms.SlugField(label=_("Web address"), max_length=140, help_text=_("E.g. hungary-scholarship-2027."))
    kind = forms.ChoiceField(label=_("Kind"), choices=CallKind.choices)
    time_zone = TimeZoneChoiceField(label=_("Time zone"), choices=time_zone_choices, initial="Asia/Almaty")
    opens_at = ZonedDateTimeField(label=_("Opens"))
    closes_at = ZonedDateTimeField(label=_("Closes"))
    places = forms.IntegerField(label=_("Places"), required=False, min_value=1)
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3)
    budget = forms.DecimalField(label=_("Budget"), required=False, min_value=0, max_digits=14, decimal_places=2)
    award_min = forms.DecimalField(
        label=_("Smallest award"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    award_max = forms.DecimalField(
        label=_("Largest award"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    residence_countries = CollatedModelMultipleChoiceField(
        label=_("Countries of residence"), queryset=Country.objects.all(), required=False, to_field_name="code"
    )
    age_min = forms.IntegerField(label=_("Minimum age"), required=False, min_value=0, max_value=120)
    age_max = forms.IntegerField(label=_("Maximum age"), required=False, min_value=0, max_value=120)

    def __init__(self, *args: Any, organizations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        zone = data["time_zone"]
        data["opens_at"] = in_zone(data["opens_at"], zone)
        data["closes_at"] = in_zone(data["closes_at"], zone)
        data["residence_countries"] = list(data.get("residence_countries") or [])
        return {key: value for key, value in data.items() if value not in (None, "") or key in ("summary",)}


class ApplicationForm(forms.Form):
    """The answers (`q<id>`), the quota group the applicant chooses, and for financing the budget table
    (`budget-item-N`, `budget-amount-N`) and partner organizations."""

    def __init__(
        self,
        *args: Any,
        application: Application,
        questions_asked: Iterable[Question],
        groups: Iterable[QuotaGroup] = (),
        partner_choices: Any = None,
        **kwargs: Any,
    ) -> None:
        self.application = application
        draft = application.status == "draft"
        if not args or args[0] is None:
            kwargs.setdefault("initial", self._initial(application, questions_asked))
        super().__init__(*args, **kwargs)
        self.questions = list(questions_asked)
        for question in self.questions:
            # optional while a draft: the service says what is missing when the applicant submits
            self.fields[f"q{question.pk}"] = questions.form_field(question, required=False if draft else None)
        self.groups = list(groups)
        if self.groups:
            self.fields["quota_group"] = forms.ModelChoiceField(
                label=_("Group you apply in"),
                queryset=QuotaGroup.objects.filter(pk__in=[group.pk for group in self.groups]),
                required=False,
                empty_label=_("— choose —"),
                widget=forms.RadioSelect,
            )
        self.is_financing = application.call.kind == CallKind.FINANCING
        if self.is_financing:
            self.fields["partners"] = forms.ModelMultipleChoiceField(
                label=_("Partner organizations"),
                queryset=partner_choices if partner_choices is not None else Organization.objects.none(),
                required=False,
                help_text=_("Organizations from the registry that carry out the project with you."),
            )

    @staticmethod
    def _initial(application: Application, questions_asked: Iterable[Question]) -> dict[str, Any]:
        initial: dict[str, Any] = {
            f"q{question.pk}": questions.initial_value(question, application.answers.get(str(question.pk)))
            for question in questions_asked
        }
        initial["quota_group"] = application.quota_group_id
        if application.pk:
            initial["partners"] = list(application.partners.values_list("pk", flat=True))
        return initial

    def budget_rows(self) -> list[dict[str, str]]:
        """The table's rows as shown: what was posted, else what is stored, and empty rows to fill."""
        stored = [dict(line) for line in self.application.budget_lines]
        rows = budget_lines_from(self.data) if self.is_bound else stored
        return rows + [{"item": "", "amount": ""}] * max(2, BUDGET_ROWS - len(rows))

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        answers: dict[str, Any] = {}
        for question in self.questions:
            value = data.get(f"q{question.pk}")
            if value not in (None, "", []):
                answers[str(question.pk)] = value
        arguments: dict[str, Any] = {"answers": answers}
        if self.groups:
            arguments["quota_group"] = data.get("quota_group")
        if self.is_financing:
            arguments["budget_lines"] = budget_lines_from(self.data)
            arguments["partners"] = list(data.get("partners") or [])
        return arguments


def budget_lines_from(data: Mapping[str, Any]) -> list[dict[str, str]]:
    """The budget table's posted rows, empty ones dropped."""
    rows = []
    for index in range(50):
        item = str(data.get(f"budget-item-{index}", "") or "").strip()
        amount = str(data.get(f"budget-amount-{index}", "") or "").strip()
        if item or amount:
            rows.append({"item": item, "amount": amount})
    return rows


class DocumentForm(forms.Form):
    """One required document, checked by content and size against what the call asks."""

    def __init__(self, *args: Any, document: RequiredDocument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.document = document
        self.fields["file"] = UploadField(label=str(document), policy=document_policy(document))


class RefereeRequestForm(forms.Form):
    referee_name = forms.CharField(label=_("Referee's name"), max_length=200)
    referee_email = forms.EmailField(label=_("Referee's e-mail"))


class RefereeUploadForm(forms.Form):
    def __init__(self, *args: Any, document: RequiredDocument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"] = UploadField(label=_("Your letter"), policy=document_policy(document))


class ReportUploadForm(forms.Form):
    """A report on an award: checked by its real content and size (core.uploads, the evidence policy)."""

    file = UploadField(label=_("Report file"), policy=uploads.EVIDENCE)
