"""Events URLs: public and participant pages (urls_public) and organizers' pages (urls_staff)."""

from django.urls import include, path

app_name = "events"

urlpatterns = [
    path("", include("tamyr.events.urls_public")),
    path("", include("tamyr.events.urls_staff")),
]
