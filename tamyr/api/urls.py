"""The /api/v1/ router. Each app registers its own viewsets in its api/ package; no domain logic here."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from tamyr.api.views import hello
from tamyr.registry.api import views as registry

router = DefaultRouter()
router.register("countries", registry.CountryViewSet, basename="country")
router.register("organizations", registry.OrganizationViewSet, basename="organization")
router.register("networks", registry.NetworkViewSet, basename="network")
router.register("people", registry.PersonViewSet, basename="person")

urlpatterns = [
    path("", include(router.urls)),
    path("hello/", hello, name="api-hello"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
