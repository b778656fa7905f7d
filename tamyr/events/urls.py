"""Events URLs: organizers' pages (urls_staff) and public and participant pages (urls_public).

The organizers' patterns come first: their fixed paths (new/, statistics/) would otherwise be read as an event's
slug by the public `<slug>/` page. None of them can shadow a public page (each ends in its own fixed part).
"""

from django.urls import include, path

app_name = "events"

urlpatterns = [
    path("", include("tamyr.events.urls_staff")),
    path("", include("tamyr.events.urls_public")),
]
