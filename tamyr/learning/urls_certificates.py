"""Certificate pages under /courses/ (namespace `learning`): the PDF, revocation, the batch job page."""

from django.urls import URLPattern, URLResolver, path, re_path

from tamyr.learning import views_certificates as views

urlpatterns: list[URLPattern | URLResolver] = [
    re_path(r"^certificates/(?P<code>[A-Za-z0-9]{4,16})\.pdf$", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/<str:code>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("<slug:slug>/certificates/batch/", views.certificate_batch, name="certificate_batch"),
]
