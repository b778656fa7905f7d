from django.urls import path

from tamyr.registry import network_views, views

app_name = "registry"

urlpatterns = [
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization_detail"),
    path("organizations/<slug:slug>/edit/", views.organization_edit, name="organization_edit"),
    path("networks/", views.network_list, name="network_list"),
    path("networks/<slug:slug>/", views.network_detail, name="network_detail"),
    path("networks/<slug:slug>/members/", network_views.network_members, name="network_members"),
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/duplicates/", views.duplicate_list, name="duplicate_list"),
    path("people/duplicates/run/", views.duplicate_run, name="duplicate_run"),
    path("people/duplicates/<int:pk>/", views.duplicate_detail, name="duplicate_detail"),
    path("people/merges/<int:pk>/undo/", views.person_merge_undo_view, name="person_merge_undo"),
    path("people/import/", views.person_import, name="person_import"),
    path("people/import/<int:pk>/", views.person_import_detail, name="person_import_detail"),
    path("people/import/<int:pk>/progress/", views.person_import_progress, name="person_import_progress"),
    path("people/import/<int:pk>/report/", views.person_import_report, name="person_import_report"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/export/", views.person_export, name="person_export"),
    path("people/<int:pk>/erase/", views.person_erase, name="person_erase"),
]
