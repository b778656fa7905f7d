"""Analytics pages, mounted at /analytics/."""

from django.urls import path

from tamyr.analytics import map_views, views

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard_home, name="dashboard_home"),
    path("networks/<slug:slug>/", views.network_dashboard, name="network_dashboard"),
    path("organizations/<slug:slug>/", views.organization_dashboard, name="organization_dashboard"),
    path("map/", map_views.map_page, name="map"),
    path("estimates/", map_views.estimates_list, name="estimates_list"),
    path("estimates/import/", map_views.estimates_import, name="estimates_import"),
    path("estimates/<str:origin>/<str:residence>/", map_views.estimates_country, name="estimates_country"),
]
