"""Organizers' pages of events (names in the `events` namespace; other pages link to them)."""

from django.urls import path

from tamyr.events import views_staff as views

urlpatterns = [
    path("new/", views.event_create, name="event_create"),
    path("statistics/", views.statistics_overview, name="statistics_overview"),
    path("registrations/<str:code>/badge.pdf", views.registration_badge, name="registration_badge"),
    path("<slug:slug>/edit/", views.event_edit, name="event_edit"),
    path("<slug:slug>/manage/", views.event_manage, name="event_manage"),
    path("<slug:slug>/sessions/", views.event_sessions, name="event_sessions"),
    path("<slug:slug>/registration-form/", views.event_form_builder, name="event_form_builder"),
    path("<slug:slug>/registrations/", views.event_registrations, name="event_registrations"),
    path("<slug:slug>/delegations/", views.event_delegations, name="event_delegations"),
    path("<slug:slug>/check-in/", views.event_checkin, name="event_checkin"),
    path("<slug:slug>/badges.pdf", views.event_badges, name="event_badges"),
    path("<slug:slug>/statistics/", views.event_statistics, name="event_statistics"),
    path("<slug:slug>/gallery/manage/", views.event_gallery, name="event_gallery"),
]
