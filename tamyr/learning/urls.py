"""Learning URLs (mounted at /courses/): pages (urls_pages), certificates (urls_certificates), statistics."""

from django.urls import include, path

app_name = "learning"

urlpatterns = [
    path("", include("tamyr.learning.urls_statistics")),
    path("", include("tamyr.learning.urls_certificates")),
    path("", include("tamyr.learning.urls_pages")),
]
