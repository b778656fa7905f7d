"""Forms of the public event pages: the list's filters and the registration form built from the event's questions.

The registration form only shapes input (field per question, `q<question id>`); the rules (required answers,
seats, deadlines, invitations) are the service's, and its errors come back onto these fields.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tamyr.accounts.forms import NameFields, clean_latin_name, clean_name
from tamyr.core import questions, uploads
from tamyr.core.choices import CollatedModelChoiceField
from tamyr.core.i18n import translate
from tamyr.events.models import EventKind, Question, QuestionKind, RegistrationCategory
from tamyr.registry.models import Country, Network, Organization

YES, NO = questions.YES, questions.NO


class DateInput(forms.DateInput):
    input_type = "date"


class EventFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    country = CollatedModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All countries"),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *EventKind.choices], required=False)
    organizer = forms.ChoiceField(label=_("Organizer"), required=False)
    network = forms.ChoiceField(label=_("Network"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)
    online = forms.ChoiceField(
        label=_("Online"),
        required=False,
        choices=[("", _("Online and in person")), (YES, _("Online")), (NO, _("In person only"))],
    )

    def __init__(self, *args: Any, organizers: Iterable[Organization] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.filter(  # type: ignore[attr-defined]
            venues__events__status__in=["published", "cancelled"]
        ).distinct()
        self.fields["organizer"].choices = [  # type: ignore[attr-defined]
            ("", _("All organizers")),
            *((organization.slug, organization.display_name) for organization in organizers),
        ]
        self.fields["network"].choices = [  # type: ignore[attr-defined]
            ("", _("All networks")),
            *((network.slug, network.display_name) for network in Network.objects.order_by("slug")),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", gettext("The end of the period comes before its start."))
        return cleaned

    def selector_filters(self) -> dict[str, Any]:
        """Keyword arguments for `selectors.event_list`; empty when the form is invalid."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        country = data.get("country")
        online = data.get("online")
        return {
            "search": (data.get("q") or "").strip(),
            "country": country.code if country else "",
            "kind": data.get("kind") or "",
            "organizer": data.get("organizer") or "",
            "network": data.get("network") or "",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "online": True if online == YES else False if online == NO else None,
        }


def category_label(category: RegistrationCategory) -> str:
    """ "Foreign scholars — 3 seats left", from `categories_with_seats`."""
    name = translate(category.name)
    left = getattr(category, "seats_left", None)
    if left is None:
        return name
    if left == 0:
        return gettext("%(name)s — full (waiting list)") % {"name": name}
    return gettext("%(name)s — %(count)s seats left") % {"name": name, "count": left}


class RegistrationForm(forms.Form):
    """Category, the organization represented, then one field per question of the event, named `q<id>`."""

    def __init__(
        self,
        *args: Any,
        questions: Iterable[Question],
        categories: Iterable[RegistrationCategory] = (),
        organizations: Any = None,
        ask_name: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        if ask_name:
            # A first registration of an account that never gave its name: the record, the badge and the mail
            # need it, and the username is never printed in its place.
            for name, field in NameFields.base_fields.items():
                self.fields[name] = copy.deepcopy(field)
        self.categories = {str(category.pk): category for category in categories}
        if self.categories:
            self.fields["category"] = forms.ChoiceField(
                label=_("Category"),
                choices=[(key, category_label(category)) for key, category in self.categories.items()],
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose a category.")},
            )
        self.fields["organization"] = forms.ModelChoiceField(
            label=_("Organization you represent"),
            queryset=organizations if organizations is not None else Organization.objects.none(),
            required=False,
            empty_label=_("— none, I come in my own name —"),
        )
        for question in self.questions:
            self.fields[f"q{question.pk}"] = self._field_for(question)

    def clean_name(self) -> str:
        return clean_name(self.cleaned_data.get("name", ""), required=True)

    def clean_name_latin(self) -> str:
        return clean_latin_name(self.cleaned_data.get("name_latin", ""))

    def given_name(self) -> tuple[str, str] | None:
        """The name and its Latin spelling when the form asked for them."""
        if "name" not in self.fields:
            return None
        return self.cleaned_data["name"], self.cleaned_data.get("name_latin", "")

    @staticmethod
    def _field_for(question: Question) -> forms.Field:
        return questions.form_field(question, policy=uploads.ANSWER)

    @property
    def has_files(self) -> bool:
        return any(question.kind == QuestionKind.FILE for question in self.questions)

    def service_arguments(self) -> dict[str, Any]:
        """`category`, `organization`, `answers` and `files` for `services.registration_create`."""
        data = self.cleaned_data
        answers: dict[str, Any] = {}
        files: dict[str, UploadedFile] = {}
        for question in self.questions:
            value = data.get(f"q{question.pk}")
            if question.kind == QuestionKind.FILE:
                if value:
                    files[str(question.pk)] = value
            elif value not in (None, "", []):
                answers[str(question.pk)] = value
        return {
            "category": self.categories.get(data.get("category") or ""),
            "organization": data.get("organization"),
            "answers": answers,
            "files": files,
        }
