"""After a quiz attempt the learner sees which answers were wrong, keeps the answers given, and sees the right
answers only once they have passed (retries are unlimited; see `selectors.quiz_review`)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.learning.factories import GroupFactory, QuizFactory, QuizQuestionFactory
from tests.learning.test_pages import enrolled

pytestmark = pytest.mark.django_db


def _quiz(client: Client) -> tuple[str, Any, Any]:
    quiz = QuizFactory(pass_mark=60)
    single = QuizQuestionFactory(quiz=quiz, text={"en": "How do you say thank you?"})
    multiple = QuizQuestionFactory(
        quiz=quiz,
        kind="multiple",
        text={"en": "Which are greetings?"},
        choices=[{"en": "Salem"}, {"en": "Rakhmet"}, {"en": "Salemetsiz be"}],
        correct=[0, 2],
    )
    user, enrollment = enrolled(GroupFactory(course=quiz.course))
    client.force_login(user)
    return reverse("learning:quiz_take", kwargs={"pk": enrollment.pk, "quiz_id": quiz.pk}), single, multiple


def _review(content: str) -> str:
    return content.split('class="quiz-review"', 1)[1].split("</ol>", 1)[0]


def test_a_failed_attempt_marks_the_wrong_question_as_wrong(client: Client) -> None:
    url, single, multiple = _quiz(client)
    content = client.post(url, {f"q{single.pk}": "0", f"q{multiple.pk}": ["0"]}, follow=True).content.decode()
    wrong = re.findall(r'<li class="is-wrong">\s*<p><strong>([^<]+)</strong>', _review(content))
    assert wrong == ["Which are greetings?"]


def test_a_failed_attempt_shows_the_answers_given(client: Client) -> None:
    url, single, multiple = _quiz(client)
    content = client.post(url, {f"q{single.pk}": "0", f"q{multiple.pk}": ["1"]}, follow=True).content.decode()
    assert "Your answer: Rakhmet" in _review(content)


def test_a_failed_attempt_does_not_reveal_the_right_answers(client: Client) -> None:
    url, single, multiple = _quiz(client)
    content = client.post(url, {f"q{single.pk}": "0", f"q{multiple.pk}": ["1"]}, follow=True).content.decode()
    assert "Right answer" not in _review(content)


def test_once_passed_the_right_answers_of_a_wrong_question_are_shown(client: Client) -> None:
    quiz_url, single, multiple = _quiz(client)
    client.post(quiz_url, {f"q{single.pk}": "0", f"q{multiple.pk}": ["0", "2"]})
    content = client.post(quiz_url, {f"q{single.pk}": "1", f"q{multiple.pk}": ["0", "2"]}, follow=True)
    review = _review(content.content.decode())
    assert "Right answer: Рахмет" in review


def test_the_form_keeps_the_answers_of_the_last_attempt(client: Client) -> None:
    url, single, multiple = _quiz(client)
    content = client.post(url, {f"q{single.pk}": "1", f"q{multiple.pk}": ["0", "1"]}, follow=True).content.decode()
    form = content.split('class="form quiz-form"', 1)[1]
    checked = re.findall(r'name="(q\d+)" value="(\d)"[^>]*checked', form)
    assert sorted(checked) == sorted([(f"q{single.pk}", "1"), (f"q{multiple.pk}", "0"), (f"q{multiple.pk}", "1")])
