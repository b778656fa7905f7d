"""News at /news/, pages at /pages/, feeds at /news/feeds/, the editor at /content/, mailings at
/mailings/, unsubscribing at /unsubscribe/<token>/; the `content` namespace."""

from django.urls import path, re_path

from tamyr.content import feeds, mailing_views, views

app_name = "content"

FEED = r"^news/feeds/(?P<scope>organizations|networks)/(?P<slug>[-a-zA-Z0-9_]+)/(?P<language>[a-z]{2})/"

urlpatterns = [
    path("news/", views.news_list, name="news_list"),
    re_path(FEED + r"rss\.xml$", feeds.rss_feed, name="feed_rss"),
    re_path(FEED + r"atom\.xml$", feeds.atom_feed, name="feed_atom"),
    re_path(FEED + r"feed\.json$", feeds.json_feed, name="feed_json"),
    path("news/<slug:slug>/", views.news_detail, name="news_detail"),
    path("pages/<slug:slug>/", views.page_detail, name="page_detail"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("content/", views.manage, name="manage"),
    path("content/new/", views.entry_create, name="entry_create"),
    path("content/<int:pk>/", views.entry_edit, name="entry_edit"),
    path("content/<int:pk>/revisions/", views.entry_revisions, name="entry_revisions"),
    path("content/<int:pk>/attachments/", views.entry_attachments, name="entry_attachments"),
    path("mailings/", mailing_views.mailings, name="mailings"),
    path("mailings/new/", mailing_views.campaign_create, name="campaign_create"),
    path("mailings/<int:pk>/", mailing_views.campaign_edit, name="campaign_edit"),
    path("mailings/<int:pk>/actions/", mailing_views.campaign_action, name="campaign_action"),
    path("mailings/<int:pk>/progress/", mailing_views.campaign_progress, name="campaign_progress"),
    path("mailings/senders/", mailing_views.senders, name="senders"),
    path("mailings/senders/<slug:slug>/", mailing_views.sender_edit, name="sender_edit"),
    path("mailings/segments/new/", mailing_views.segment_create, name="segment_create"),
    path("mailings/segments/preview/", mailing_views.segment_preview, name="segment_preview"),
    path("mailings/segments/<int:pk>/", mailing_views.segment_edit, name="segment_edit"),
]
