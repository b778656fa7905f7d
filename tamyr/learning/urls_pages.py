"""Pages of learning under /courses/: the catalogue, the learner's pages, the teachers' and the staff's pages.

Fixed words come before `<slug>/` so that no course address can hide them (`services_authoring.RESERVED_SLUGS`)."""

from django.urls import URLPattern, URLResolver, path

from tamyr.learning import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.course_list, name="course_list"),
    path("mine/", views.my_courses, name="my_courses"),
    path("new/", views.course_create, name="course_create"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/enroll/", views.group_enroll, name="group_enroll"),
    path("groups/<int:pk>/attendance/", views.group_attendance, name="group_attendance"),
    path("enrollments/<int:pk>/", views.learn, name="learn"),
    path("enrollments/<int:pk>/withdraw/", views.enrollment_withdraw, name="enrollment_withdraw"),
    path("enrollments/<int:pk>/lessons/<int:lesson_id>/", views.lesson_view, name="lesson_view"),
    path("enrollments/<int:pk>/quizzes/<int:quiz_id>/", views.quiz_take, name="quiz_take"),
    path("<slug:slug>/", views.course_detail, name="course_detail"),
    path("<slug:slug>/edit/", views.course_edit, name="course_edit"),
    path("<slug:slug>/manage/", views.course_manage, name="course_manage"),
]
