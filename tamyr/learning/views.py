"""Pages of learning: the public catalogue and course page, the learner's pages (enroll, learn, lessons, quizzes,
my courses), the teacher's pages (one attendance grid per group, the group's learners) and the staff's authoring
pages (course form and one page to manage groups, lessons, quizzes and the completion rule).

Each view asks `can()`, calls selectors or a service, and renders; no rules live here. Pages with several forms tell
them apart by the POST's `action` field, and redirect after a change so a reload never repeats it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tamyr.accounts import permissions
from tamyr.accounts.services import signed_in_user
from tamyr.core import audit
from tamyr.core.errors import DomainError
from tamyr.core.exports import EXPORT_FORMATS, export_response
from tamyr.core.i18n import LANGUAGE_CODES
from tamyr.learning import selectors, services, services_authoring
from tamyr.learning.forms import (
    CourseFilterForm,
    CourseForm,
    EnrollOnBehalfForm,
    GroupForm,
    LessonForm,
    MaterialForm,
    OverrideForm,
    QuestionForm,
    QuizForm,
    QuizTakeForm,
    RuleForm,
)
from tamyr.learning.models import (
    Course,
    CourseGroup,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonMaterial,
    LessonProgress,
    Quiz,
    QuizAttempt,
    QuizQuestion,
)
from tamyr.registry import selectors as registry_selectors
from tamyr.registry import services as registry_services
from tamyr.registry.models import Person

PAGE_SIZE = 12
CANDIDATES = 15


def optional_url(name: str, *args: Any) -> str:
    """The URL of a page another part of the app provides, or "" while it does not exist, so no page crashes."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _form_error(form: Form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


def _teaches_course(user: Any, course: Course) -> bool:
    user_id = getattr(user, "pk", None)
    return user_id is not None and any(teacher.pk == user_id for teacher in course.teachers.all())


def _may_preview(user: Any, course: Course) -> bool:
    """Drafts are seen by the provider's staff and the course's teachers only."""
    return permissions.can(user, "learning.change_course", course) or _teaches_course(user, course)


def _person_for(user: Any) -> Person:
    """The signed-in user's record in the registry, created from their account with their consent to keep it
    (the same way the events pages do for a first registration)."""
    person = registry_services.person_create_for_user(user=user)
    return person


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def _with_seats(groups: list[CourseGroup]) -> list[CourseGroup]:
    today = timezone.localdate()
    for group in groups:
        group.seats_left = selectors.seats_left(group)  # type: ignore[attr-defined]
        group.is_open = selectors.is_open(group, today)  # type: ignore[attr-defined]
        group.has_ended = selectors.has_ended(group, today)  # type: ignore[attr-defined]
        group.zone = selectors.zone_label(group.time_zone)  # type: ignore[attr-defined]
    return groups


# --- the catalogue ------------------------------------------------------------------------------------------


def course_list(request: HttpRequest) -> HttpResponse:
    params = request.GET.copy()
    params.pop("page", None)
    form = CourseFilterForm(params or None)
    filters: dict[str, Any] = dict(form.selector_filters())
    # the provider's staff also see their drafts here, marked as such, so they can find them again
    courses = selectors.course_list(**filters, user=request.user, include_drafts=request.user.is_authenticated)
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    for course in page.object_list:
        groups = _with_seats(list(getattr(course, "group_list", [])))
        course.open_groups = [group for group in groups if group.is_open]  # type: ignore[attr-defined]
        course.language_name = selectors.language_name(course.language)  # type: ignore[attr-defined]
    context = {
        "form": form,
        "page": page,
        "can_add": request.user.is_authenticated and permissions.can(request.user, "learning.add_course"),
    }
    if request.headers.get("HX-Request"):
        return render(request, "learning/pages/_course_results.html", context)
    return render(request, "learning/pages/course_list.html", context)


def _course_or_404(request: HttpRequest, slug: str) -> Course:
    try:
        course = selectors.course_get(slug)
    except Course.DoesNotExist as error:
        raise Http404(_("No such course.")) from error
    if not course.is_published and not _may_preview(request.user, course):
        raise Http404(_("No such course."))
    return course


def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    course = _course_or_404(request, slug)
    person = registry_selectors.person_of_user(request.user)
    groups = _with_seats(list(getattr(course, "group_list", [])))
    mine = selectors.enrollment_of(person, [group.pk for group in groups])
    current = next(
        (e for e in sorted(mine.values(), key=lambda e: e.pk) if e.status in selectors.CURRENT_STATUSES), None
    )
    for group in groups:
        group.mine = mine.get(group.pk)  # type: ignore[attr-defined]
        group.can_teach = request.user.is_authenticated and permissions.can(  # type: ignore[attr-defined]
            request.user, "learning.teach_group", group
        )
    lessons = list(course.lessons.all())
    rule = selectors.completion_rule_of(course)
    context = {
        "course": course,
        "groups": groups,
        "lessons": lessons,
        "quizzes": list(course.quizzes.all()),
        "teachers": list(course.teachers.all()),
        "rule_text": selectors.rule_in_words(
            rule,
            has_live=any(lesson.is_live for lesson in lessons),
            has_self_paced=any(not lesson.is_live for lesson in lessons),
        ),
        "rule": rule,
        "current": current,
        "language_name": selectors.language_name(course.language),
        "instruction_language_name": (
            selectors.language_name(course.instruction_language) if course.instruction_language else ""
        ),
        "can_manage": permissions.can(request.user, "learning.change_course", course),
    }
    return render(request, "learning/pages/course_detail.html", context)


# --- enrolling ----------------------------------------------------------------------------------------------


def _enrolled_message(enrollment: Enrollment) -> str:
    title = enrollment.group.course.display_title
    if enrollment.status == EnrollmentStatus.WAITLISTED:
        return _(
            "The group is full, so you are on its waiting list for %(course)s. You get a seat automatically as soon "
            "as one frees up."
        ) % {"course": title}
    return _("You are enrolled in %(course)s. Start with the first lesson below.") % {"course": title}


@require_POST
@login_required
def group_enroll(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(CourseGroup.objects.select_related("course"), pk=pk)
    if not group.course.is_published and not _may_preview(request.user, group.course):
        raise Http404(_("No such group."))
    user = signed_in_user(request)
    person = registry_selectors.person_of_user(user)
    try:
        # one transaction: a record created for a first-time learner goes away again if the enrollment is refused
        with transaction.atomic():
            enrollment = services.enrollment_create(group=group, person=person or _person_for(user), acting_user=user)
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect(group.course)
    level = messages.INFO if enrollment.status == EnrollmentStatus.WAITLISTED else messages.SUCCESS
    messages.add_message(request, level, _enrolled_message(enrollment))
    return redirect("learning:learn", pk=enrollment.pk)


def _enrollment_or_404(request: HttpRequest, pk: int) -> Enrollment:
    """The enrollment, if this user may see it (the learner, the group's teachers, the provider's staff)."""
    try:
        enrollment = selectors.enrollment_get(pk)
    except Enrollment.DoesNotExist as error:
        raise Http404(_("No such enrollment.")) from error
    if not permissions.can(request.user, "learning.view_enrollment", enrollment):
        raise Http404(_("No such enrollment."))
    return enrollment


def _is_own(request: HttpRequest, enrollment: Enrollment) -> bool:
    return bool(enrollment.person.user_id and enrollment.person.user_id == request.user.pk)


@require_POST
@login_required
def enrollment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    enrollment = _enrollment_or_404(request, pk)
    own = _is_own(request, enrollment)
    if not own and not permissions.can(request.user, "learning.manage_enrollments", enrollment.group):
        raise PermissionDenied(_("Only the learner and the provider's staff can withdraw an enrollment."))
    try:
        services.enrollment_withdraw(enrollment=enrollment, acting_user=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        if own:
            messages.success(
                request,
                _("You have left %(course)s. Your seat goes to the next person waiting.")
                % {"course": enrollment.group.course.display_title},
            )
        else:
            messages.success(
                request, _("%(name)s is withdrawn from the group.") % {"name": enrollment.person.display_name}
            )
    fallback = (
        enrollment.group.course.get_absolute_url()
        if own
        else reverse("learning:group_detail", kwargs={"pk": enrollment.group_id})
    )
    return redirect(_safe_next(request, fallback))


# --- learning -----------------------------------------------------------------------------------------------


def _certificate_links(enrollment: Enrollment) -> dict[str, Any]:
    if enrollment.status != EnrollmentStatus.COMPLETED:
        return {"certificate": None}
    certificate = selectors.certificate_of(enrollment)
    if certificate is None:
        return {"certificate": None}
    return {
        "certificate": certificate,
        "certificate_pdf_url": optional_url("learning:certificate_pdf", certificate.code),
        "certificate_verify_url": optional_url("verify", certificate.code),
    }


@login_required
def learn(request: HttpRequest, pk: int) -> HttpResponse:
    """The learner's course page: progress, lessons with their status, quizzes, and the certificate when earned."""
    enrollment = _enrollment_or_404(request, pk)
    group = enrollment.group
    course = group.course
    lessons = list(Lesson.objects.filter(course=course).order_by("order", "id"))
    rows = selectors.lesson_rows(enrollment, lessons)
    results = selectors.quiz_results(enrollment)
    quizzes = list(Quiz.objects.filter(course=course).select_related("lesson").order_by("id"))
    for quiz in quizzes:
        quiz.result = results.get(quiz.pk)  # type: ignore[attr-defined]
    seated = enrollment.status in selectors.SEAT_STATUSES
    next_row = next((row for row in rows if row.status == "todo" and not row.lesson.is_live), None)
    context = {
        "enrollment": enrollment,
        "group": group,
        "course": course,
        "rows": rows,
        "quizzes": quizzes,
        "seated": seated,
        "next_row": next_row,
        "is_own": _is_own(request, enrollment),
        "zone": selectors.zone_label(group.time_zone),
        "rule_text": selectors.rule_in_words(
            selectors.completion_rule_of(course),
            has_live=any(lesson.is_live for lesson in lessons),
            has_self_paced=any(not lesson.is_live for lesson in lessons),
        ),
        "can_withdraw": enrollment.status in (EnrollmentStatus.ACTIVE, EnrollmentStatus.WAITLISTED)
        and (_is_own(request, enrollment) or permissions.can(request.user, "learning.manage_enrollments", group)),
        **_certificate_links(enrollment),
    }
    return render(request, "learning/pages/learn.html", context)


@login_required
def lesson_view(request: HttpRequest, pk: int, lesson_id: int) -> HttpResponse:
    enrollment = _enrollment_or_404(request, pk)
    course_id = enrollment.group.course_id
    lesson = get_object_or_404(Lesson.objects.prefetch_related("materials"), pk=lesson_id, course_id=course_id)
    own = _is_own(request, enrollment)
    if own and enrollment.status not in selectors.SEAT_STATUSES:
        messages.info(request, _("The lessons open once you have a seat in the group."))
        return redirect("learning:learn", pk=enrollment.pk)
    lessons = list(Lesson.objects.filter(course_id=course_id).order_by("order", "id"))
    index = next(i for i, item in enumerate(lessons) if item.pk == lesson.pk)
    following = lessons[index + 1] if index + 1 < len(lessons) else None
    if request.method == "POST":
        try:
            services.lesson_mark_done(enrollment=enrollment, lesson=lesson, acting_user=request.user)
        except DomainError as error:
            messages.error(request, str(error.message))
            return redirect("learning:lesson_view", pk=enrollment.pk, lesson_id=lesson.pk)
        messages.success(request, _("“%(lesson)s” is marked done.") % {"lesson": lesson.display_title})
        if following is not None:
            return redirect("learning:lesson_view", pk=enrollment.pk, lesson_id=following.pk)
        return redirect("learning:learn", pk=enrollment.pk)
    progress = LessonProgress.objects.filter(enrollment=enrollment, lesson=lesson).first()
    context = {
        "enrollment": enrollment,
        "course": enrollment.group.course,
        "lesson": lesson,
        "number": index + 1,
        "total": len(lessons),
        "previous": lessons[index - 1] if index > 0 else None,
        "following": following,
        "video": selectors.video_of(lesson.video_url),
        "materials": list(lesson.materials.all()),
        "quizzes": list(Quiz.objects.filter(lesson=lesson)),
        "progress": progress,
        "is_own": own,
        "may_mark_done": own and not lesson.is_live and not (progress and progress.done_at),
    }
    return render(request, "learning/pages/lesson.html", context)


@login_required
def quiz_take(request: HttpRequest, pk: int, quiz_id: int) -> HttpResponse:
    enrollment = _enrollment_or_404(request, pk)
    quiz = get_object_or_404(Quiz, pk=quiz_id, course_id=enrollment.group.course_id)
    own = _is_own(request, enrollment)
    if own and enrollment.status not in selectors.SEAT_STATUSES:
        messages.info(request, _("The quizzes open once you have a seat in the group."))
        return redirect("learning:learn", pk=enrollment.pk)
    questions = list(QuizQuestion.objects.filter(quiz=quiz).order_by("order", "id"))
    attempts = list(QuizAttempt.objects.filter(enrollment=enrollment, quiz=quiz).order_by("-submitted_at", "-id"))
    last = attempts[0] if attempts else None
    form = QuizTakeForm(
        request.POST if request.method == "POST" else None,
        questions=questions,
        initial=selectors.quiz_initial(last, questions),
    )
    if request.method == "POST" and own and form.is_valid():
        try:
            attempt = services.quiz_submit(
                enrollment=enrollment, quiz=quiz, answers=form.answers(), acting_user=request.user
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            if attempt.passed:
                messages.success(
                    request,
                    _("You scored %(score)s %% and passed (the pass mark is %(mark)s %%).")
                    % {"score": attempt.score_percent, "mark": quiz.pass_mark},
                )
            else:
                messages.warning(
                    request,
                    _("You scored %(score)s %%; the pass mark is %(mark)s %%. Look at the lessons again and retry.")
                    % {"score": attempt.score_percent, "mark": quiz.pass_mark},
                )
            return redirect("learning:quiz_take", pk=enrollment.pk, quiz_id=quiz.pk)
    passed = any(attempt.passed for attempt in attempts)
    context = {
        "enrollment": enrollment,
        "course": enrollment.group.course,
        "quiz": quiz,
        "form": form,
        "attempts": attempts,
        "last": last,
        "review": selectors.quiz_review(last, questions, reveal_right=passed) if last else [],
        "passed": passed,
        "is_own": own,
    }
    return render(request, "learning/pages/quiz.html", context)


@login_required
def my_courses(request: HttpRequest) -> HttpResponse:
    person = registry_selectors.person_of_user(request.user)
    enrollments = list(selectors.enrollments_of_person(person)) if person else []
    current = [e for e in enrollments if e.status in (EnrollmentStatus.ACTIVE, EnrollmentStatus.WAITLISTED)]
    completed = [e for e in enrollments if e.status == EnrollmentStatus.COMPLETED]
    withdrawn = [e for e in enrollments if e.status == EnrollmentStatus.WITHDRAWN]
    teaching = _with_seats(list(selectors.groups_taught_by(request.user)))
    return render(
        request,
        "learning/pages/my_courses.html",
        {"current": current, "completed": completed, "withdrawn": withdrawn, "teaching": teaching},
    )


# --- teachers -----------------------------------------------------------------------------------------------


def _group_for(request: HttpRequest, pk: int, action: str) -> CourseGroup:
    try:
        group = selectors.group_get(pk)
    except CourseGroup.DoesNotExist as error:
        raise Http404(_("No such group.")) from error
    if not permissions.can(request.user, action, group):
        raise PermissionDenied(_("Only the group's teachers and the provider's staff can open this page."))
    return group


def _grid_changes(request: HttpRequest, grid: selectors.AttendanceGrid) -> dict[int, dict[int, bool]]:
    """Lesson id → {enrollment id: present} for the cells that differ from what is recorded.

    A ticked box is "present". An unticked box is "absent" once the lesson's attendance has been taken (someone is
    ticked or was marked before); in a column where nobody is ticked and nothing was marked, the lesson has not
    been held yet and its cells stay unmarked.
    """
    enrollment_ids = [row.enrollment.pk for row in grid.rows]
    recorded = selectors.attendance_marks(grid.group, [lesson.pk for lesson in grid.lessons])
    changes: dict[int, dict[int, bool]] = {}
    for lesson in grid.lessons:
        ticked = {pk for pk in enrollment_ids if request.POST.get(f"a-{pk}-{lesson.pk}")}
        taken = bool(ticked) or any(recorded.get((pk, lesson.pk)) is not None for pk in enrollment_ids)
        for pk in enrollment_ids:
            before = recorded.get((pk, lesson.pk))
            if pk in ticked and before is not True:
                changes.setdefault(lesson.pk, {})[pk] = True
            elif pk not in ticked and taken and before is not False:
                changes.setdefault(lesson.pk, {})[pk] = False
    return changes


def _override_post(request: HttpRequest, group: CourseGroup) -> tuple[HttpResponse | None, int, OverrideForm | None]:
    enrollment = get_object_or_404(
        Enrollment.objects.select_related("person", "group__course"),
        pk=request.POST.get("enrollment"),
        group=group,
    )
    form = OverrideForm(request.POST, prefix=f"o{enrollment.pk}")
    if form.is_valid():
        try:
            updated = services.completion_override(
                enrollment=enrollment,
                complete=form.complete(),
                reason=form.cleaned_data.get("reason") or "",
                acting_user=request.user,
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s: %(status)s.")
                % {"name": enrollment.person.display_name, "status": updated.get_status_display()},
            )
            url = reverse("learning:group_attendance", kwargs={"pk": group.pk}) + f"#learner-{enrollment.pk}"
            return redirect(url), enrollment.pk, None
    return None, enrollment.pk, form


@login_required
def group_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """One grid for the whole group: learners × live lessons, saved in one POST; completion by hand below it."""
    group = _group_for(request, pk, "learning.teach_group")
    grid = selectors.attendance_grid(group)
    failed: dict[int, OverrideForm] = {}
    if request.method == "POST":
        if request.POST.get("action") == "override":
            response, enrollment_id, form = _override_post(request, group)
            if response is not None:
                return response
            if form is not None:
                failed[enrollment_id] = form
        else:
            changes = _grid_changes(request, grid)
            lessons = {lesson.pk: lesson for lesson in grid.lessons}
            try:
                with transaction.atomic():
                    for lesson_id, present in changes.items():
                        services.attendance_mark(
                            group=group, lesson=lessons[lesson_id], present=present, acting_user=request.user
                        )
            except DomainError as error:
                messages.error(request, str(error.message))
            else:
                count = sum(len(cells) for cells in changes.values())
                if count:
                    text = ngettext(
                        "Attendance saved: %(count)s change.", "Attendance saved: %(count)s changes.", count
                    )
                    messages.success(request, text % {"count": count})
                else:
                    messages.info(request, _("Nothing changed."))
            return redirect("learning:group_attendance", pk=group.pk)
    for row in grid.rows:
        enrollment = row.enrollment
        row.override_form = failed.get(enrollment.pk) or OverrideForm(  # type: ignore[attr-defined]
            initial=OverrideForm.initial_for(enrollment.override, enrollment.override_reason),
            prefix=f"o{enrollment.pk}",
        )
    audit.record(request.user, "learning.attendance_viewed", group, learners=len(grid.rows))
    context = {
        "group": group,
        "course": group.course,
        "grid": grid,
        "zone": selectors.zone_label(group.time_zone),
        "can_change_course": permissions.can(request.user, "learning.change_course", group.course),
        "rule_text": selectors.rule_in_words(selectors.completion_rule_of(group.course)),
        "open_override": next(iter(failed), None),
    }
    return render(request, "learning/pages/group_attendance.html", context)


def _candidates(request: HttpRequest) -> tuple[str, list[Person]]:
    text = request.GET.get("who", "").strip()
    if not text:
        return "", []
    people = registry_selectors.people_in_reach(request.user)  # whom the enroll form accepts
    return text, registry_selectors.person_search(people, text, limit=200)[:CANDIDATES]


def _group_export(request: HttpRequest, group: CourseGroup, fmt: str) -> HttpResponseBase:
    roster = list(selectors.group_roster(group))
    codes = selectors.certificate_codes([e.pk for e in roster])
    header = [_("Name"), _("Country of residence"), _("Status"), _("Progress (%)"), _("Completed"), _("Certificate")]
    zone = selectors.zone_of(group.time_zone)
    rows = [
        [
            e.person.display_name,
            e.person.residence_country.name if e.person.residence_country else "",
            e.get_status_display(),
            e.progress_percent,
            timezone.localtime(e.completed_at, zone).date().isoformat() if e.completed_at else "",
            codes.get(e.pk, ""),
        ]
        for e in roster
    ]
    audit.record(request.user, "learning.group_exported", group, format=fmt, count=len(rows))
    return export_response(fmt, f"group-{group.course.slug}-{group.pk}", header, rows)


@login_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The group's learners and waiting list; staff enroll someone on their behalf and withdraw; exports."""
    group = _group_for(request, pk, "learning.teach_group")
    can_manage = permissions.can(request.user, "learning.manage_enrollments", group)
    on_behalf: EnrollOnBehalfForm | None = None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(_("Only the provider's staff can enroll or withdraw learners."))
        on_behalf = EnrollOnBehalfForm(request.POST, user=request.user)
        if on_behalf.is_valid():
            person = on_behalf.cleaned_data["person"]
            try:
                enrollment = services.enrollment_create(group=group, person=person, acting_user=request.user)
            except DomainError as error:
                _form_error(on_behalf, error)
            else:
                messages.success(
                    request,
                    _("%(name)s: %(status)s.")
                    % {"name": person.display_name, "status": enrollment.get_status_display()},
                )
                return redirect("learning:group_detail", pk=group.pk)
    export = request.GET.get("export")
    if export in EXPORT_FORMATS:
        return _group_export(request, group, export)
    roster = list(selectors.group_roster(group))
    codes = selectors.certificate_codes([e.pk for e in roster if e.status == EnrollmentStatus.COMPLETED])
    for enrollment in roster:
        enrollment.certificate_code = codes.get(enrollment.pk, "")  # type: ignore[attr-defined]
    seated = [e for e in roster if e.status in selectors.SEAT_STATUSES]
    completed_count = sum(1 for e in seated if e.status == EnrollmentStatus.COMPLETED)
    waiting = sorted(
        (e for e in roster if e.status == EnrollmentStatus.WAITLISTED), key=lambda e: (e.waitlisted_at, e.pk)
    )
    withdrawn = [e for e in roster if e.status == EnrollmentStatus.WITHDRAWN]
    audit.record(request.user, "learning.group_listed", group, count=len(roster))
    who, candidates = _candidates(request) if can_manage else ("", [])
    _with_seats([group])
    context = {
        "group": group,
        "course": group.course,
        "seated": seated,
        "learning_count": len(seated) - completed_count,
        "completed_count": completed_count,
        "waiting": waiting,
        "withdrawn": withdrawn,
        "can_manage": can_manage,
        "can_change_course": permissions.can(request.user, "learning.change_course", group.course),
        "on_behalf": on_behalf or EnrollOnBehalfForm(user=request.user),
        "who": who,
        "candidates": candidates,
        "teachers": list(group.teachers.all()),
        "zone": selectors.zone_label(group.time_zone),
    }
    return render(request, "learning/pages/group_detail.html", context)


# --- authoring ----------------------------------------------------------------------------------------------


@login_required
def course_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can(request.user, "learning.add_course"):
        raise PermissionDenied(_("Only staff of an organization can create courses."))
    form = CourseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.service_arguments()
        try:
            course = services_authoring.course_create(
                slug=data.pop("slug"), provider=data.pop("provider"), acting_user=request.user, **data
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                _("The course is created. Add its groups, lessons and completion rule, then publish it."),
            )
            return redirect("learning:course_manage", slug=course.slug)
    return render(request, "learning/pages/course_form.html", {"form": form, "course": None})


def _course_for_change(request: HttpRequest, slug: str) -> Course:
    course = get_object_or_404(Course.objects.select_related("provider"), slug=slug)
    if not permissions.can(request.user, "learning.change_course", course):
        raise PermissionDenied(_("Only the provider's staff can change this course."))
    return course


@login_required
def course_edit(request: HttpRequest, slug: str) -> HttpResponse:
    course = _course_for_change(request, slug)
    form = CourseForm(request.POST or None, user=request.user, course=course)
    if request.method == "POST" and form.is_valid():
        try:
            services_authoring.course_update(course=course, acting_user=request.user, **form.service_arguments())
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The course is saved."))
            return redirect("learning:course_manage", slug=course.slug)
    return render(request, "learning/pages/course_form.html", {"form": form, "course": course})


# The manage page: one handler per POST `action`. Each returns a redirect on success, or the bound form (with the
# errors) and the slot it belongs in, so the page shows it again where it was.


def _back(course: Course, anchor: str) -> HttpResponse:
    return redirect(reverse("learning:course_manage", kwargs={"slug": course.slug}) + f"#{anchor}")


def _done(request: HttpRequest, course: Course, anchor: str, message: str) -> tuple[HttpResponse, str, None]:
    messages.success(request, message)
    return _back(course, anchor), "", None


def _refused(request: HttpRequest, course: Course, anchor: str, error: DomainError) -> tuple[HttpResponse, str, None]:
    messages.error(request, str(error.message))
    return _back(course, anchor), "", None


def _item(request: HttpRequest, model: Any, **lookup: Any) -> Any:
    return get_object_or_404(model, pk=request.POST.get("id"), **lookup)


def _group_save(request: HttpRequest, course: Course) -> tuple[HttpResponse | None, str, Form | None]:
    group = _item(request, CourseGroup, course=course) if request.POST.get("id") else None
    slot = f"group-{group.pk}" if group else "group-add"
    form = GroupForm(request.POST, course=course, prefix=slot)
    if form.is_valid():
        try:
            if group is None:
                group = services_authoring.group_create(
                    course=course, acting_user=request.user, **form.service_arguments()
                )
            else:
                services_authoring.group_update(group=group, acting_user=request.user, **form.service_arguments())
        except DomainError as error:
            _form_error(form, error)
        else:
            return _done(
                request, course, f"group-{group.pk}", _("The group “%(name)s” is saved.") % {"name": group.name}
            )
    return None, slot, form


def _group_delete(request: HttpRequest, course: Course) -> tuple[HttpResponse | None, str, Form | None]:
    group = _item(request, CourseGroup, course=course)
    try:
        services_authoring.group_delete(group=group, acting_user=request.user)
    except DomainError as error:
        return _refused(request, course, f"group-{group.pk}", error)
    return _done(request, course, "groups", _("The group is deleted."))


def _lesson_save(request: HttpRequest, course: Course) -> tuple[HttpResponse | None, str, Form | None]:
    lesson = _item(request, Lesson, course=course) if request.POST.get("id") else None
    slot = f"lesson-{lesson.pk}" if lesson else "lesson-add"
    form = LessonForm(request.POST, prefix=slot)
    if form.is_valid():
        try:
            if lesson is None:
                lesson = services_authoring.lesson_create(
                    course=course, acting_user=request.user, **form.service_arguments()
                )
            else:
                services_authoring.lesson_update(lesson=lesson, acting_user=request.user, **form.service_arguments())
        except DomainError as error:
            _form_error(form, error)
        else:
            return _done(request, course, f"lesson-{lesson.pk}", _("The lesson is saved."))
    return None, slot, form


def _lesson_delete(request: HttpRequest, course: Course) -> tuple[HttpResponse | None, str, Form | None]:
    lesson = _item(request, Lesson, course=course)
    try:
        services_authoring.lesson_delete(lesson=lesson, acting_user=request.user)
    except DomainError as error:
        return _refused(request, course, f"lesson-{lesson.pk}", error)
    return _done(request, course, "lessons", _("The lesson is deleted."))


def _lesson_move(request: HttpRequest, course: Course) -> tuple[HttpResponse | None, str, Form | None]:
    lesson = _item(request, Lesson, course=course)
    offset = -1 if request.POST.get("direction") == "up" else 1
    services_authoring.lesson_move(lesson=lesson, offset=offset, acting_user=request.user)
    return _done(request, course, f"lesson-{lesson.pk}", _("The lessons are reordered."))


def _material_add(request: HttpRequest, course: Course) -> tuple[HttpResponse | None, str, Form | None]:
    lesson = _item(request, Lesson, course=course)
    slot = f"material-{lesson.pk}"
    form = MaterialForm(request.POST, request.FILES, prefix=slot)
    if form.is_valid():
        try:
            services_authoring.material_add(
                lesson=lesson,
                title=form.cleaned_data["title"],
                url=form.cleaned_data.get("url") or "",
                file=form.cleaned_data.get("file"),
                acting_user=request.user,
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            return _done(request, course, f"lesson-{lesson.pk}", _("The material is added."))
    return None, slot, form


def _material_delete(request: HttpRequest, course: Course) -> tuple[HttpResponse | None, str, Form | None]:
    material = _item(request, LessonMaterial.objects.select_related("lesson__course"), lesson__course=course)
    services_authoring.material_delete(material=material, acting_user=request.user)
    return _done(request, course, f"lesson-{material.lesson_id}", _("The material is removed."))


def _quiz_save(request: HttpRequest, course: Course) -> tuple[HttpResponse | None, str, Form | None]:
    quiz = _item(request, Quiz, course=course) if request.POST.get("id") else None
    slot = f"quiz-{quiz.pk}" if quiz else "quiz-add"
    form = QuizForm(request.POST, course=course, prefix=slot)
    if form.is_valid():
        try:
            if quiz is None:
                quiz = services_authoring.quiz_create(course=course, acting_user=request.user, **form.cleaned_data)
            else:
                services_authoring.quiz_update(quiz=quiz, acting_user=request.user, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            return _done(request, course, f"quiz-{quiz.pk}", _("The quiz is saved."))
    return None, slot, form


def _quiz_delete(request: HttpRequest, course: Course) -> tuple[HttpResponse | None, str, Form | None]:
    quiz = _item(request, Quiz, course=course)
    try:
        services_authoring.quiz_delete(quiz=quiz, acting_user=request.user)
    except DomainError as error:
        return _refused(request, course, f"quiz-{quiz.pk}", error)
    return _done(request, course, "quizzes", _("The quiz is deleted."))


def _choices_language(course: Course) -> str:
    """Choices of a language course are usually in the language taught; else in the author's language."""
    if course.language in LANGUAGE_CODES:
        return course.language
    return (translation.get_language() or "en").split("-")[0]


def _question_save(request: HttpRequest, course: Course) -> tuple[HttpResponse | None, str, Form | None]:
    question = None
    if request.POST.get("id"):
        question = _item(request, QuizQuestion.objects.select_related("quiz__course"), quiz__course=course)
        quiz = question.quiz
        slot = f"question-{question.pk}"
    else:
        quiz = get_object_or_404(Quiz, pk=request.POST.get("quiz"), course=course)
        slot = f"question-add-{quiz.pk}"
    form = QuestionForm(request.POST, prefix=slot)
    if form.is_valid():
        choices, correct = services_authoring.parse_choices(form.cleaned_data["choices"], _choices_language(course))
        arguments = {
            "text": form.cleaned_data["text"],
            "kind": form.cleaned_data["kind"],
            "choices": choices,
            "correct": correct,
            "acting_user": request.user,
        }
        try:
            if question is None:
                services_authoring.question_create(quiz=quiz, **arguments)
            else:
                services_authoring.question_update(question=question, **arguments)
        except DomainError as error:
            _form_error(form, error)
        else:
            return _done(request, course, f"quiz-{quiz.pk}", _("The question is saved."))
    return None, slot, form


def _question_delete(request: HttpRequest, course: Course) -> tuple[HttpResponse | None, str, Form | None]:
    question = _item(request, QuizQuestion.objects.select_related("quiz__course"), quiz__course=course)
    services_authoring.question_delete(question=question, acting_user=request.user)
    return _done(request, course, f"quiz-{question.quiz_id}", _("The question is deleted."))


def _rule_save(request: HttpRequest, course: Course) -> tuple[HttpResponse | None, str, Form | None]:
    form = RuleForm(request.POST, prefix="rule")
    if form.is_valid():
        try:
            services_authoring.completion_rule_set(course=course, acting_user=request.user, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            return _done(
                request,
                course,
                "rule",
                _("The completion rule is saved; every learner's completion has been checked against it again."),
            )
    return None, "rule", form


MANAGE_ACTIONS: dict[str, Callable[[HttpRequest, Course], tuple[HttpResponse | None, str, Form | None]]] = {
    "group_save": _group_save,
    "group_delete": _group_delete,
    "lesson_save": _lesson_save,
    "lesson_delete": _lesson_delete,
    "lesson_move": _lesson_move,
    "material_add": _material_add,
    "material_delete": _material_delete,
    "quiz_save": _quiz_save,
    "quiz_delete": _quiz_delete,
    "question_save": _question_save,
    "question_delete": _question_delete,
    "rule_save": _rule_save,
}


@login_required
def course_manage(request: HttpRequest, slug: str) -> HttpResponse:
    """Groups, lessons (with materials), quizzes (with questions) and the completion rule, on one page."""
    course = _course_for_change(request, slug)
    failed_slot, failed_form = "", None
    if request.method == "POST":
        handler = MANAGE_ACTIONS.get(request.POST.get("action", ""))
        if handler is None:
            return _back(course, "top")
        response, failed_slot, failed_form = handler(request, course)
        if response is not None:
            return response
        messages.error(request, _("Nothing was saved: correct the form marked below."))
    course = selectors.course_for_manage(slug)
    editing = failed_slot or request.GET.get("edit", "")
    groups = _with_seats(list(getattr(course, "group_list", [])))
    lessons = list(course.lessons.all())
    quizzes = list(course.quizzes.all())
    rule = selectors.completion_rule_of(course)

    def pick(slot: str, fresh: Form) -> Form:
        """The form that failed validation in this slot, else a fresh one (forms are lazy: building is cheap)."""
        return failed_form if failed_form is not None and slot == failed_slot else fresh

    for group in groups:
        slot = f"group-{group.pk}"
        group.form = (  # type: ignore[attr-defined]
            pick(slot, GroupForm(initial=GroupForm.initial_for(group), course=course, prefix=slot))
            if editing == slot
            else None
        )
    for lesson in lessons:
        slot, material_slot = f"lesson-{lesson.pk}", f"material-{lesson.pk}"
        editing_lesson = editing in (slot, material_slot)
        lesson.form = (  # type: ignore[attr-defined]
            pick(slot, LessonForm(initial=LessonForm.initial_for(lesson), prefix=slot)) if editing_lesson else None
        )
        lesson.material_form = (  # type: ignore[attr-defined]
            pick(material_slot, MaterialForm(prefix=material_slot)) if editing_lesson else None
        )
    for quiz in quizzes:
        slot, add_slot = f"quiz-{quiz.pk}", f"question-add-{quiz.pk}"
        quiz.form = (  # type: ignore[attr-defined]
            pick(slot, QuizForm(initial=QuizForm.initial_for(quiz), course=course, prefix=slot))
            if editing == slot
            else None
        )
        quiz.question_form = pick(add_slot, QuestionForm(prefix=add_slot))  # type: ignore[attr-defined]
        quiz.question_form_open = failed_slot == add_slot  # type: ignore[attr-defined]
        questions = list(quiz.questions.all())
        for question in questions:
            question_slot = f"question-{question.pk}"
            question.form = (  # type: ignore[attr-defined]
                pick(question_slot, QuestionForm(initial=QuestionForm.initial_for(question), prefix=question_slot))
                if editing == question_slot
                else None
            )
            question.rows = [  # type: ignore[attr-defined]
                {"text": choice, "correct": index in question.correct} for index, choice in enumerate(question.choices)
            ]
        quiz.question_list = questions  # type: ignore[attr-defined]
    context = {
        "course": course,
        "groups": groups,
        "lessons": lessons,
        "quizzes": quizzes,
        "rule": rule,
        "rule_text": selectors.rule_in_words(
            rule,
            has_live=any(lesson.is_live for lesson in lessons),
            has_self_paced=any(not lesson.is_live for lesson in lessons),
        ),
        "group_add_form": pick("group-add", GroupForm(course=course, prefix="group-add")),
        "lesson_add_form": pick("lesson-add", LessonForm(prefix="lesson-add")),
        "quiz_add_form": pick("quiz-add", QuizForm(course=course, prefix="quiz-add")),
        "rule_form": pick("rule", RuleForm(initial=RuleForm.initial_for(rule), prefix="rule")),
        "failed_slot": failed_slot,
        "statistics_url": optional_url("learning:statistics"),
        "certificate_batch_url": optional_url("learning:certificate_batch", course.slug),
    }
    return render(request, "learning/pages/course_manage.html", context)
