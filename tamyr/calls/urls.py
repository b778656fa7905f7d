"""Pages of calls, mounted at /calls/ in the `calls` namespace. Fixed paths come before a call's `<slug>/`."""

from django.urls import path

from tamyr.calls import award_views, fund_views, hosting_views, review_views, views

app_name = "calls"

urlpatterns = [
    path("", views.call_list, name="call_list"),
    path("new/", views.call_create, name="call_create"),
    path("mine/", views.my_applications, name="my_applications"),
    path("awards/<int:pk>/", award_views.award_detail, name="award_detail"),
    path("referees/<str:token>/", views.referee_upload, name="referee_upload"),
    path("applications/<str:code>/", views.application_detail, name="application_detail"),
    path("applications/<str:code>/autosave/", views.application_autosave, name="application_autosave"),
    path("applications/<str:code>/submit/", views.application_submit, name="application_submit"),
    path("applications/<str:code>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("applications/<str:code>/reopen/", views.application_reopen, name="application_reopen"),
    path("applications/<str:code>/documents/<slug:key>/", views.document_upload, name="document_upload"),
    path("applications/<str:code>/documents/<slug:key>/remove/", views.document_remove, name="document_remove"),
    path("applications/<str:code>/referees/<slug:key>/", views.referee_request, name="referee_request"),
    path("<slug:slug>/", views.call_detail, name="call_detail"),
    path("<slug:slug>/apply/", views.call_apply, name="call_apply"),
    path("<slug:slug>/publish/", views.call_publish, name="call_publish"),
    path("<slug:slug>/applications/", views.call_applications, name="call_applications"),
    # --- review and selection ---
    path("<slug:slug>/review/", review_views.reviewer_home, name="reviewer_home"),
    path("<slug:slug>/review/<str:code>/", review_views.review_application, name="review_application"),
    path("<slug:slug>/committee/", review_views.committee, name="committee"),
    path("<slug:slug>/fund/", fund_views.fund, name="fund"),
    path("<slug:slug>/hosts/", hosting_views.host_pairs, name="host_pairs"),
    path("<slug:slug>/fund/reports/", award_views.fund_reports, name="fund_reports"),
    path("offers/<int:pk>/", review_views.offer, name="offer"),
    path("offers/<int:pk>/letter.pdf", review_views.offer_letter, name="offer_letter"),
]
