"""The one form engine: the kinds of question a form may ask, how an answer is checked, and the form field that
asks it. Events' registration forms and calls' application forms both use it (each app keeps its own `Question`
table on `QuestionBase`, pointing at its event or call); see docs/decisions/0014-one-form-engine.md.

Answers are stored as JSON keyed by the question's id (as a string): text, `True`/`False`, the index of the chosen
answer, or a list of indexes. Files are not answers in the JSON: `clean_answers` returns them checked by
`core.uploads`, and the app stores them in its own private file table (the JSON keeps the uploaded name).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tamyr.core import uploads
from tamyr.core.errors import DomainError
from tamyr.core.i18n import clean_translations, translate

YES, NO = "yes", "no"
MAX_TEXT = 5000


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Text")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    YES_NO = "yes_no", _("Yes or no")
    FILE = "file", _("File")


CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


class QuestionBase(models.Model):
    """A question on a form. Subclasses add the foreign key to what the form belongs to and their `Meta.ordering`."""

    label = models.JSONField(_("question"), default=dict)
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices, default=QuestionKind.TEXT)
    choices = models.JSONField(
        _("choices"), default=list, blank=True, help_text=_("For choice questions: a list of {lang: text} objects.")
    )
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return translate(self.label)

    @property
    def display_choices(self) -> list[str]:
        return [translate(choice) for choice in self.choices]


def clean_question(*, label: Any, kind: str, choices: list[Any] | None) -> tuple[dict[str, str], list[dict[str, str]]]:
    """A new question's label and choices, cleaned; raises `DomainError` for an unknown kind or a choice question
    with fewer than two answers."""
    if kind not in QuestionKind.values:
        raise DomainError(_("Unknown kind of question."), field="kind")
    cleaned_choices = [clean_translations(choice) for choice in (choices or [])]
    if kind in CHOICE_KINDS and len(cleaned_choices) < 2:
        raise DomainError(_("A choice question needs at least two answers to choose from."), field="choices")
    return clean_translations(label), cleaned_choices


def clean_answers(
    questions: Iterable[Any],
    answers: Mapping[str, Any],
    files: Mapping[str, Any],
    *,
    policy: uploads.Policy = uploads.ANSWER,
    partial: bool = False,
) -> tuple[dict[str, Any], dict[int, uploads.CheckedFile]]:
    """Answers keyed by question id (as a string), each checked against its question; every error names its
    question (`field="q<id>"`). `partial=True` (a draft being saved) lets required questions stay unanswered."""
    cleaned: dict[str, Any] = {}
    checked_files: dict[int, uploads.CheckedFile] = {}
    for question in questions:
        key = str(question.pk)
        value = answers.get(key)
        label = str(question)
        field = f"q{key}"
        if question.kind == QuestionKind.FILE:
            upload = files.get(key)
            if upload is None:
                if question.required and not partial:
                    raise DomainError(gettext("Attach a file for “%(q)s”.") % {"q": label}, field=field)
                continue
            checked = uploads.check(upload, policy, field=field)  # by content; stored privately
            checked_files[question.pk] = checked
            cleaned[key] = checked.original_name
            continue
        if value in (None, "", []):
            if question.required and not partial:
                raise DomainError(gettext("Answer “%(q)s”.") % {"q": label}, field=field)
            continue
        if question.kind == QuestionKind.TEXT:
            text = str(value).strip()
            if len(text) > MAX_TEXT:
                raise DomainError(gettext("The answer to “%(q)s” is too long.") % {"q": label}, field=field)
            cleaned[key] = text
        elif question.kind == QuestionKind.YES_NO:
            if isinstance(value, bool):
                cleaned[key] = value
            elif str(value).lower() in {"yes", "true", "1", "on"}:
                cleaned[key] = True
            elif str(value).lower() in {"no", "false", "0", "off"}:
                cleaned[key] = False
            else:
                raise DomainError(gettext("Answer “%(q)s” with yes or no.") % {"q": label}, field=field)
        else:
            cleaned[key] = _clean_choice(question, value, label, field)
    return cleaned, checked_files


def _clean_choice(question: Any, value: Any, label: str, field: str) -> int | list[int]:
    options = range(len(question.choices))
    picked = value if isinstance(value, list) else [value]
    offered = gettext("Pick one of the offered answers for “%(q)s”.") % {"q": label}
    try:
        indexes = sorted({int(item) for item in picked})
    except (TypeError, ValueError):
        raise DomainError(offered, field=field)
    if not indexes or any(index not in options for index in indexes):
        raise DomainError(offered, field=field)
    if question.kind == QuestionKind.SINGLE and len(indexes) != 1:
        raise DomainError(gettext("Pick exactly one answer for “%(q)s”.") % {"q": label}, field=field)
    return indexes[0] if question.kind == QuestionKind.SINGLE else indexes


def form_field(question: Any, *, policy: uploads.Policy = uploads.ANSWER, required: bool | None = None) -> forms.Field:
    """The form field that asks one question (named `q<id>` by the form). `required=False` builds it optional
    (a draft form, where the service decides at submission what is missing)."""
    label = translate(question.label)
    required = question.required if required is None else required
    choices = [(str(index), text) for index, text in enumerate(question.display_choices)]
    if question.kind == QuestionKind.SINGLE:
        return forms.ChoiceField(
            label=label, required=required, choices=choices, widget=forms.RadioSelect,
            error_messages={"required": _("Pick one answer.")},
        )  # fmt: skip
    if question.kind == QuestionKind.MULTIPLE:
        return forms.MultipleChoiceField(
            label=label, required=required, choices=choices, widget=forms.CheckboxSelectMultiple,
            error_messages={"required": _("Pick at least one answer.")},
        )  # fmt: skip
    if question.kind == QuestionKind.YES_NO:
        return forms.ChoiceField(
            label=label, required=required, choices=[(YES, _("Yes")), (NO, _("No"))], widget=forms.RadioSelect,
            error_messages={"required": _("Answer yes or no.")},
        )  # fmt: skip
    if question.kind == QuestionKind.FILE:
        return uploads.UploadField(
            label=label, required=required, policy=policy, error_messages={"required": _("Attach a file.")}
        )
    return forms.CharField(
        label=label, required=required, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Answer this question.")},
    )  # fmt: skip


def initial_value(question: Any, value: Any) -> Any:
    """A stored answer as its form field's initial value (the reverse of what the form hands the service)."""
    if value is None:
        return None
    if question.kind == QuestionKind.YES_NO:
        return YES if value else NO
    if question.kind == QuestionKind.SINGLE:
        return str(value)
    if question.kind == QuestionKind.MULTIPLE:
        return [str(index) for index in (value if isinstance(value, list) else [value])]
    return value


def answer_text(question: Any, value: Any, *, separator: str = "; ") -> str:
    """An answer as a person reads it (a page, an export): the chosen answers' text, yes or no."""
    if value in (None, "", []):
        return ""
    if question.kind == QuestionKind.YES_NO:
        return gettext("Yes") if value else gettext("No")
    if question.kind in CHOICE_KINDS:
        labels = question.display_choices
        indexes = value if isinstance(value, list) else [value]
        return separator.join(labels[i] if isinstance(i, int) and 0 <= i < len(labels) else str(i) for i in indexes)
    return str(value)
