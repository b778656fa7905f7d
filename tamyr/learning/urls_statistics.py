"""Learning statistics for the staff of course providers (names in the `learning` namespace)."""

from django.urls import URLPattern, URLResolver, path

from tamyr.learning import views_statistics

urlpatterns: list[URLPattern | URLResolver] = [
    path("statistics/", views_statistics.statistics_page, name="statistics"),
]
