from django.urls import path

from tamyr.cooperation import views_projects as views

app_name = "practices"

urlpatterns = [
    path("", views.practice_list, name="practice_list"),
    path("new/", views.practice_submit, name="practice_submit"),
    path("<slug:slug>/", views.practice_detail, name="practice_detail"),
    path("<slug:slug>/review/", views.practice_review, name="practice_review"),
    path("<slug:slug>/learn/", views.practice_learn, name="practice_learn"),
    path("<slug:slug>/requests/<int:pk>/", views.learn_answer, name="learn_answer"),
]
