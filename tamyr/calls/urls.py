from django.urls import path

from tamyr.calls import review_views

app_name = "calls"

urlpatterns = [
    # --- review and selection ---
    path("<slug:slug>/review/", review_views.reviewer_home, name="reviewer_home"),
    path("<slug:slug>/review/<str:code>/", review_views.review_application, name="review_application"),
    path("<slug:slug>/committee/", review_views.committee, name="committee"),
    path("offers/<int:pk>/", review_views.offer, name="offer"),
    path("offers/<int:pk>/letter.pdf", review_views.offer_letter, name="offer_letter"),
]
