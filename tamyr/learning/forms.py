"""Forms of the learning pages. They only shape input: rules (seats, who may enroll whom, completion) live in
`services` and `services_authoring`, and their errors come back onto these fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tamyr.core import uploads
from tamyr.core.choices import collated
from tamyr.core.i18n import TranslationsField, translate
from tamyr.core.uploads import UploadField
from tamyr.core.zones import TimeZoneChoiceField, time_zone_choices
from tamyr.learning import selectors
from tamyr.learning.models import Course, CourseFormat, Lesson, Level, QuestionKind, Quiz, QuizQuestion
from tamyr.registry.models import Organization, Person


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def language_choices(codes: list[str]) -> list[tuple[str, str]]:
    return collated([(code, selectors.language_name(code)) for code in codes])


# --- the catalogue ------------------------------------------------------------------------------------------


class CourseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    language = forms.ChoiceField(label=_("Language taught"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("All levels")), *Level.choices])
    format = forms.ChoiceField(
        label=_("Format"), required=False, choices=[("", _("All formats")), *CourseFormat.choices]
    )
    provider = forms.ChoiceField(label=_("Provider"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            ("", _("All languages")),
            *language_choices(selectors.languages_taught()),
        ]
        self.fields["provider"].choices = [  # type: ignore[attr-defined]
            ("", _("All providers")),
            *((org.slug, org.display_name) for org in selectors.providers_with_courses()),
        ]

    def selector_filters(self) -> dict[str, str]:
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "search": (data.get("q") or "").strip(),
            "language": data.get("language") or "",
            "level": data.get("level") or "",
            "format": data.get("format") or "",
            "provider": data.get("provider") or "",
        }


# --- learners -----------------------------------------------------------------------------------------------


class QuizTakeForm(forms.Form):
    """One field per question, `q<id>`: radio buttons for single choice, checkboxes for multiple choice."""

    def __init__(self, *args: Any, questions: list[QuizQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            choices = [(str(index), translate(choice)) for index, choice in enumerate(question.choices)]
            label = f"{number}. {translate(question.text)}"
            if question.kind == QuestionKind.MULTIPLE:
                self.fields[f"q{question.pk}"] = forms.MultipleChoiceField(
                    label=label,
                    choices=choices,
                    widget=forms.CheckboxSelectMultiple,
                    help_text=_("Tick every right answer."),
                    error_messages={"required": _("Tick at least one answer.")},
                )
            else:
                self.fields[f"q{question.pk}"] = forms.ChoiceField(
                    label=label,
                    choices=choices,
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Choose an answer.")},
                )

    def answers(self) -> dict[str, list[int]]:
        result: dict[str, list[int]] = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            values = value if isinstance(value, list) else [value] if value not in (None, "") else []
            result[str(question.pk)] = [int(item) for item in values]
        return result


# --- teachers -----------------------------------------------------------------------------------------------


OVERRIDE_YES, OVERRIDE_NO, OVERRIDE_RULE = "yes", "no", "rule"


class OverrideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Completion"),
        choices=[
            (OVERRIDE_RULE, _("Follow the course's rule")),
            (OVERRIDE_YES, _("Completed, whatever the rule says")),
            (OVERRIDE_NO, _("Not completed, whatever the rule says")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("Required when you set completion by hand; it is kept in the audit log."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") in (OVERRIDE_YES, OVERRIDE_NO) and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason for the override."))
        return data

    def complete(self) -> bool | None:
        decision = self.cleaned_data["decision"]
        return True if decision == OVERRIDE_YES else False if decision == OVERRIDE_NO else None

    @staticmethod
    def initial_for(override: bool | None, reason: str) -> dict[str, str]:
        decision = OVERRIDE_RULE if override is None else OVERRIDE_YES if override else OVERRIDE_NO
        return {"decision": decision, "reason": reason}


class PersonChoiceField(forms.ModelChoiceField):
    widget = forms.RadioSelect

    def label_from_instance(self, obj: Any) -> str:
        country = f" · {obj.residence_country.name}" if obj.residence_country_id else ""
        return f"{obj.display_name}{country}"


class EnrollOnBehalfForm(forms.Form):
    person = PersonChoiceField(label=_("Person"), queryset=Person.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from tamyr.registry import selectors as registry_selectors

        self.fields["person"].queryset = registry_selectors.people_in_reach(user)  # type: ignore[attr-defined]


# --- authoring ----------------------------------------------------------------------------------------------


class TeacherChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class CourseForm(forms.Form):
    title = TranslationsField(label=_("Title"))
    slug = forms.SlugField(
        label=_("Address"),
        max_length=140,
        help_text=_("The end of the course's web address, e.g. kazakh-a1-online. It cannot be changed later."),
    )
    description = TranslationsField(label=_("Description"), textarea=True, required=False)
    syllabus = TranslationsField(
        label=_("Syllabus"), textarea=True, required=False, help_text=_("What learners cover, one topic per line.")
    )
    language = forms.CharField(
        label=_("Language taught"),
        max_length=3,
        initial="kk",
        help_text=_("ISO 639 code: kk Kazakh, ky Kyrgyz, uz Uzbek, az Azerbaijani, tr Turkish, hu Hungarian…"),
    )
    instruction_language = forms.CharField(
        label=_("Language of instruction"),
        max_length=3,
        required=False,
        help_text=_("ISO 639 code of the language the teacher explains in, e.g. tr or ru; empty: the language taught."),
    )
    for_children = forms.BooleanField(label=_("For children"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("No level")), *Level.choices])
    format = forms.ChoiceField(label=_("Format"), choices=CourseFormat.choices)
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Organization.objects.none(), empty_label=None)
    teachers = TeacherChoiceField(
        label=_("Teachers"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("People with a role at the provider. Teachers of the course teach all of its groups."),
    )
    is_published = forms.BooleanField(
        label=_("Published: shown in the catalogue and open for enrollment"), required=False
    )

    def __init__(self, *args: Any, user: Any, course: Course | None = None, **kwargs: Any) -> None:
        if course is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": course.title,
                    "description": course.description,
                    "syllabus": course.syllabus,
                    "language": course.language,
                    "instruction_language": course.instruction_language,
                    "for_children": course.for_children,
                    "level": course.level,
                    "format": course.format,
                    "provider": course.provider,
                    "teachers": list(course.teachers.all()),
                    "is_published": course.is_published,
                },
            )
        super().__init__(*args, **kwargs)
        providers = selectors.providers_for(user)
        if course is not None:
            providers = providers | Organization.objects.filter(pk=course.provider_id)
            del self.fields["slug"]
        self.fields["provider"].queryset = providers.distinct()  # type: ignore[attr-defined]
        self.fields["teachers"].queryset = selectors.teacher_candidates(  # type: ignore[attr-defined]
            providers.values("pk")
        )

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["level"] = data.get("level") or ""
        data["teachers"] = list(data.get("teachers") or [])
        return data


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("E.g. Evening group, August 2025."))
    starts_on = forms.DateField(label=_("Starts"), required=False, widget=DateInput)
    ends_on = forms.DateField(label=_("Ends"), required=False, widget=DateInput)
    schedule = TranslationsField(
        label=_("Schedule"),
        textarea=True,
        required=False,
        help_text=_("When the group meets, e.g. Tuesdays and Thursdays 19:00–20:30, in the group's time zone."),
    )
    time_zone = TimeZoneChoiceField(label=_("Time zone"), initial="Asia/Almaty")
    lessons_at = forms.TimeField(
        label=_("Lessons start at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Local time in the group's time zone."),
    )
    capacity = forms.IntegerField(
        label=_("Seats"), required=False, min_value=1, help_text=_("Leave empty for no limit.")
    )
    meeting_url = forms.URLField(
        assume_scheme="https",
        label=_("Meeting link"),
        required=False,
        help_text=_("Shown only to enrolled learners and teachers."),
    )
    teachers = TeacherChoiceField(
        label=_("Teachers of this group"), queryset=Organization.objects.none(), required=False
    )
    self_enrollment = forms.BooleanField(label=_("Open for self-enrollment"), required=False, initial=True)

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()  # type: ignore[attr-defined]
        self.fields["teachers"].queryset = selectors.teacher_candidates(  # type: ignore[attr-defined]
            [course.provider_id]
        )

    @staticmethod
    def initial_for(group: Any) -> dict[str, Any]:
        return {
            "name": group.name,
            "starts_on": group.starts_on,
            "ends_on": group.ends_on,
            "schedule": group.schedule,
            "time_zone": group.time_zone,
            "lessons_at": group.lessons_at,
            "capacity": group.capacity,
            "meeting_url": group.meeting_url,
            "teachers": list(group.teachers.all()),
            "self_enrollment": group.self_enrollment,
        }

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["teachers"] = list(data.get("teachers") or [])
        data["meeting_url"] = data.get("meeting_url") or ""
        return data


class LessonForm(forms.Form):
    title = TranslationsField(label=_("Title"))
    body = TranslationsField(label=_("Text"), textarea=True, required=False)
    video_url = forms.URLField(
        assume_scheme="https",
        label=_("Video"),
        required=False,
        help_text=_("A YouTube or Vimeo link, or the address of a video file (.mp4, .webm)."),
    )
    is_live = forms.BooleanField(
        label=_("Live lesson: the teacher marks attendance (otherwise learners mark it done themselves)"),
        required=False,
    )

    @staticmethod
    def initial_for(lesson: Lesson) -> dict[str, Any]:
        return {"title": lesson.title, "body": lesson.body, "video_url": lesson.video_url, "is_live": lesson.is_live}

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["video_url"] = data.get("video_url") or ""
        return data


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Material's title"), max_length=200)
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    file = UploadField(label=_("Or a file"), required=False, policy=uploads.LESSON_MATERIAL)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("url") and not data.get("file"):
            self.add_error("url", _("Give a link or choose a file."))
        return data


class QuizForm(forms.Form):
    title = TranslationsField(label=_("Title"))
    pass_mark = forms.IntegerField(label=_("Pass mark (%)"), min_value=0, max_value=100, initial=60)
    is_final = forms.BooleanField(label=_("Final quiz (the completion rule can require passing it)"), required=False)
    lesson = forms.ModelChoiceField(
        label=_("After lesson"), queryset=Lesson.objects.none(), required=False, empty_label=_("Not tied to a lesson")
    )

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lesson"].queryset = Lesson.objects.filter(course=course)  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(quiz: Quiz) -> dict[str, Any]:
        return {"title": quiz.title, "pass_mark": quiz.pass_mark, "is_final": quiz.is_final, "lesson": quiz.lesson}


class QuestionForm(forms.Form):
    text = TranslationsField(label=_("Question"))
    kind = forms.ChoiceField(
        label=_("Kind"), choices=QuestionKind.choices, widget=forms.RadioSelect, initial=QuestionKind.SINGLE
    )
    choices = forms.CharField(
        label=_("Choices"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One choice per line. Start each right choice with *, e.g. “* Рахмет”."),
    )

    @staticmethod
    def initial_for(question: QuizQuestion) -> dict[str, Any]:
        lines = [
            ("* " if index in question.correct else "") + translate(choice)
            for index, choice in enumerate(question.choices)
        ]
        return {"text": question.text, "kind": question.kind, "choices": "\n".join(lines)}


class RuleForm(forms.Form):
    min_attendance_percent = forms.IntegerField(
        label=_("Minimum attendance of live lessons (%)"), min_value=0, max_value=100, initial=0
    )
    min_lessons_done_percent = forms.IntegerField(
        label=_("Minimum self-paced lessons done (%)"), min_value=0, max_value=100, initial=0
    )
    requires_final_quiz = forms.BooleanField(label=_("The final quiz must be passed"), required=False)
    issues_certificate = forms.BooleanField(label=_("Issue a certificate on completion"), required=False, initial=True)

    @staticmethod
    def initial_for(rule: Any) -> dict[str, Any]:
        if rule is None:
            return {}
        return {
            "min_attendance_percent": rule.min_attendance_percent,
            "min_lessons_done_percent": rule.min_lessons_done_percent,
            "requires_final_quiz": rule.requires_final_quiz,
            "issues_certificate": rule.issues_certificate,
        }
