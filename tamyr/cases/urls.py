"""Case pages under /cases/; the `cases` namespace."""

from django.urls import path

from tamyr.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_open, name="case_open"),
    path("request/", views.case_request, name="case_request"),
    path("mine/", views.my_cases, name="my_cases"),
    path("supervision/", views.supervision, name="supervision"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/<int:pk>/", views.referral_respond, name="referral_respond"),
    path("statistics/", views.statistics, name="statistics"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/act/", views.case_action, name="case_action"),
    path("<int:pk>/consent/", views.consent_record, name="consent_record"),
]
