"""/api/v1/analytics/…, included by tamyr/api/urls.py."""

from django.urls import path

from tamyr.analytics.api import views

urlpatterns = [
    path("analytics/dashboard/", views.PlatformDashboardView.as_view(), name="api-analytics-platform"),
    path("analytics/networks/<slug:slug>/", views.NetworkDashboardView.as_view(), name="api-analytics-network"),
    path(
        "analytics/organizations/<slug:slug>/",
        views.OrganizationDashboardView.as_view(),
        name="api-analytics-organization",
    ),
]
