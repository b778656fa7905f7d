from django.urls import path

from tamyr.accounts import views

app_name = "me"

urlpatterns = [
    path("", views.my_profile, name="profile"),
    path("name/", views.my_name, name="name"),
    path("data.json", views.my_data, name="data"),
    path("erase/", views.my_erase, name="erase"),
    path("consents/", views.my_consents, name="consents"),
]
