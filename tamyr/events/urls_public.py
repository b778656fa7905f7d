"""Public and participant pages of events, mounted at /events/ in the `events` namespace.

Fixed paths come first: an event's slug could otherwise be taken for "calendar" or "mine".
"""

from django.urls import path

from tamyr.events import views_public as views

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("calendar/", views.event_calendar, name="event_calendar"),
    path("mine/", views.my_registrations, name="my_registrations"),
    path("feeds/organizations/<slug:slug>.ics", views.organization_feed, name="organization_feed"),
    path("feeds/networks/<slug:slug>.ics", views.network_feed, name="network_feed"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("registrations/<str:code>/", views.registration_detail, name="registration_detail"),
    path("registrations/<str:code>/cancel/", views.registration_cancel, name="registration_cancel"),
    path("<slug:slug>/", views.event_detail, name="event_detail"),
    path("<slug:slug>/event.ics", views.event_ics, name="event_ics"),
    path("<slug:slug>/programme/", views.event_programme, name="event_programme"),
    path("<slug:slug>/register/", views.event_register, name="event_register"),
]
