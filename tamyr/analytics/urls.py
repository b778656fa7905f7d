"""Analytics pages under /analytics/: the diaspora map and the estimates (branch dmap); the lead adds the
dashboard's routes beside them."""

from django.urls import path

from tamyr.analytics import map_views

app_name = "analytics"

urlpatterns = [
    path("map/", map_views.map_page, name="map"),
    path("estimates/", map_views.estimates_list, name="estimates_list"),
    path("estimates/import/", map_views.estimates_import, name="estimates_import"),
    path("estimates/<str:origin>/<str:residence>/", map_views.estimates_country, name="estimates_country"),
]
