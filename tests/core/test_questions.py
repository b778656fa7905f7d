"""The shared form engine (core.questions): one answer check and one form field per kind, for events and calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile

from tamyr.core import questions, uploads
from tamyr.core.errors import DomainError


@dataclass
class Q:
    """A question as the engine sees it: any object with pk, label, kind, choices and required."""

    pk: int
    kind: str
    required: bool = False
    choices: list[dict[str, str]] = field(default_factory=list)
    label: dict[str, str] = field(default_factory=lambda: {"en": "Question"})

    def __str__(self) -> str:
        return self.label["en"]

    @property
    def display_choices(self) -> list[str]:
        return [choice["en"] for choice in self.choices]


CHOICES = [{"en": "Bachelor"}, {"en": "Master"}, {"en": "Doctorate"}]


def clean(question: Q, value: Any, **kwargs: Any) -> dict[str, Any]:
    return questions.clean_answers([question], {str(question.pk): value}, {}, **kwargs)[0]


def test_a_single_choice_is_stored_as_its_index() -> None:
    assert clean(Q(1, "single", choices=CHOICES), "1") == {"1": 1}


def test_a_multiple_choice_is_stored_as_sorted_indexes() -> None:
    assert clean(Q(1, "multiple", choices=CHOICES), ["2", "0"]) == {"1": [0, 2]}


def test_a_choice_that_was_not_offered_is_refused_and_names_the_question() -> None:
    with pytest.raises(DomainError) as refused:
        clean(Q(7, "single", choices=CHOICES), "5")
    assert refused.value.field == "q7"


def test_yes_no_takes_the_words_a_form_sends() -> None:
    assert clean(Q(1, "yes_no"), "yes") == {"1": True}
    assert clean(Q(1, "yes_no"), "no") == {"1": False}


def test_a_missing_required_answer_is_refused() -> None:
    with pytest.raises(DomainError):
        clean(Q(1, "text", required=True), "")


def test_a_draft_may_leave_a_required_answer_out() -> None:
    assert clean(Q(1, "text", required=True), "", partial=True) == {}


def test_a_too_long_text_is_refused() -> None:
    with pytest.raises(DomainError):
        clean(Q(1, "text"), "x" * (questions.MAX_TEXT + 1))


def test_a_file_answer_is_checked_by_content_against_the_callers_policy() -> None:
    fake = SimpleUploadedFile("cv.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    with pytest.raises(uploads.UploadRefused):
        questions.clean_answers([Q(3, "file")], {}, {"3": fake}, policy=uploads.ANSWER)


def test_the_form_field_of_a_draft_is_optional_even_for_a_required_question() -> None:
    assert questions.form_field(Q(1, "text", required=True), required=False).required is False


def test_each_kind_gets_its_own_form_field() -> None:
    assert isinstance(questions.form_field(Q(1, "multiple", choices=CHOICES)), forms.MultipleChoiceField)
    assert isinstance(questions.form_field(Q(1, "file")), uploads.UploadField)


def test_a_stored_answer_goes_back_into_the_form_as_the_field_expects_it() -> None:
    assert questions.initial_value(Q(1, "yes_no"), True) == questions.YES
    assert questions.initial_value(Q(1, "multiple", choices=CHOICES), [0, 2]) == ["0", "2"]


def test_an_answer_reads_as_the_chosen_texts() -> None:
    assert questions.answer_text(Q(1, "multiple", choices=CHOICES), [0, 1]) == "Bachelor; Master"


def test_a_choice_question_needs_two_answers() -> None:
    with pytest.raises(DomainError):
        questions.clean_question(label={"en": "Level"}, kind="single", choices=[{"en": "Only"}])


def test_events_keep_their_question_kinds_importable_from_their_models() -> None:
    from tamyr.events.models import QuestionKind

    assert QuestionKind is questions.QuestionKind
