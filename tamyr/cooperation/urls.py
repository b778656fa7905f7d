from django.urls import path

from tamyr.cooperation import views

app_name = "cooperation"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("<slug:slug>/", views.plan_detail, name="plan_detail"),
    path("<slug:slug>/progress/", views.progress_report, name="progress_report"),
    path("<slug:slug>/public/", views.plan_public, name="plan_public"),
    path("<slug:slug>/bulk/", views.plan_bulk, name="plan_bulk"),
    path("<slug:slug>/import/", views.plan_import, name="plan_import"),
    path("<slug:slug>/import/<int:pk>/", views.plan_import_detail, name="plan_import_detail"),
    path("<slug:slug>/import/<int:pk>/progress/", views.plan_import_progress, name="plan_import_progress"),
    path("<slug:slug>/iati.xml", views.plan_iati, name="plan_iati"),
    path("<slug:slug>/measures/<str:code>/", views.measure_detail, name="measure_detail"),
    path("<slug:slug>/periods/<int:pk>/counted/", views.period_counted, name="period_counted"),
    path("<slug:slug>/periods/<int:pk>/report/", views.period_report, name="period_report"),
    path("<slug:slug>/sign-off/", views.plan_signoff, name="plan_signoff"),
    path("<slug:slug>/approvals/", views.value_approvals, name="value_approvals"),
    path("<slug:slug>/approvals/<int:pk>/", views.value_decide, name="value_decide"),
]
