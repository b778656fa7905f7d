from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path

from tamyr.accounts.roles_views import organization_roles
from tamyr.core import files, netfile_views
from tamyr.core import views as core_views

# The admin signs in through allauth, so the same rate limits and two-factor rules apply there.
admin.site.login = login_required(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Tamyr"
admin.site.site_title = "Tamyr admin"

# under /api/ a missing address or a crash answers JSON with `code` and `detail`, as every API error does
handler404 = "tamyr.api.exceptions.page_not_found"
handler500 = "tamyr.api.exceptions.server_error"

urlpatterns = [
    path("", core_views.home, name="home"),
    # the platform admin's network-file page, in the admin's look and behind its sign-in (see core/netfile_views.py)
    path("admin/network-files/", admin.site.admin_view(netfile_views.network_files), name="network_files"),
    path(
        "admin/network-files/apply/",
        admin.site.admin_view(netfile_views.network_files_apply),
        name="network_files_apply",
    ),
    path(
        "admin/network-files/dump/", admin.site.admin_view(netfile_views.network_files_dump), name="network_files_dump"
    ),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("files/<str:kind>/<str:key>/", files.private_file, name="private_file"),
    path("api/v1/", include("tamyr.api.urls")),
    path("me/", include("tamyr.accounts.urls")),
    path("organizations/<slug:slug>/roles/", organization_roles, name="organization_roles"),
    path("events/", include("tamyr.events.urls")),
    path("courses/", include("tamyr.learning.urls")),
    path("plans/", include("tamyr.cooperation.urls")),
    path("projects/", include("tamyr.cooperation.urls_projects")),
    path("practices/", include("tamyr.cooperation.urls_practices")),
    path("calls/", include("tamyr.calls.urls")),
    path("analytics/", include("tamyr.analytics.urls")),
    path("cases/", include("tamyr.cases.urls")),
    path("", include("tamyr.content.urls")),
    path("", include("tamyr.learning.urls_verify")),
    path("", include("tamyr.registry.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", files.public_media)]
