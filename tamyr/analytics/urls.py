"""Analytics pages, mounted at /analytics/."""

from django.urls import path

from tamyr.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard_home, name="dashboard_home"),
    path("networks/<slug:slug>/", views.network_dashboard, name="network_dashboard"),
    path("organizations/<slug:slug>/", views.organization_dashboard, name="organization_dashboard"),
]
