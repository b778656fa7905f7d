"""The /api/v1/ router. Each app registers its own viewsets in its api/ package; no domain logic here."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from tamyr.analytics.api_estimates import EstimateViewSet
from tamyr.api.views import hello, network_file_schema
from tamyr.calls.api import views as calls
from tamyr.cases.api import views as cases
from tamyr.content.api import mailings
from tamyr.content.api import views as content
from tamyr.content.api.mail import BounceWebhookView
from tamyr.cooperation.api import projects as cooperation_projects
from tamyr.cooperation.api import views as cooperation
from tamyr.events.api import views as events
from tamyr.learning.api import views as learning
from tamyr.learning.views_statistics import LearningStatisticsView
from tamyr.registry.api import views as registry

router = DefaultRouter()
router.register("countries", registry.CountryViewSet, basename="country")
router.register("organizations", registry.OrganizationViewSet, basename="organization")
router.register("networks", registry.NetworkViewSet, basename="network")
router.register("people", registry.PersonViewSet, basename="person")
router.register("expertise-fields", registry.ExpertiseFieldViewSet, basename="expertise-field")
router.register("events", events.EventViewSet, basename="event")
router.register("registrations", events.RegistrationViewSet, basename="registration")
router.register("calls", calls.CallViewSet, basename="call")
router.register("applications", calls.ApplicationViewSet, basename="application")
router.register("awards", calls.AwardViewSet, basename="award")
router.register("courses", learning.CourseViewSet, basename="course")
router.register("groups", learning.GroupViewSet, basename="course-group")
router.register("enrollments", learning.EnrollmentViewSet, basename="enrollment")
router.register("plans", cooperation.PlanViewSet, basename="plan")
router.register("projects", cooperation_projects.ProjectViewSet, basename="project")
router.register("practices", cooperation_projects.PracticeViewSet, basename="practice")
router.register("news", content.NewsViewSet, basename="news")
router.register("pages", content.PageViewSet, basename="page")
router.register("estimates", EstimateViewSet, basename="estimate")
router.register("segments", mailings.SegmentViewSet, basename="segment")
router.register("campaigns", mailings.CampaignViewSet, basename="campaign")
router.register("cases", cases.CaseViewSet, basename="case")
router.register("case-referrals", cases.ReferralViewSet, basename="case-referral")

urlpatterns = [
    # certificates/<code>/ (the signed credential) and certificates/verify/: before the router, so they win
    path("", include("tamyr.learning.api_certificates")),
    path("learning/statistics/", LearningStatisticsView.as_view(), name="api-learning-statistics"),
    path("", include("tamyr.analytics.api.urls")),
    path("mail/bounces/", BounceWebhookView.as_view(), name="api-mail-bounces"),
    path("", include(router.urls)),
    path("hello/", hello, name="api-hello"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # the JSON Schema of network files (tamyr load); a stable address for editors and other tools
    path("network-file/schema.json", network_file_schema, name="api-network-file-schema"),
    # the split view serves Swagger UI's start-up script as a file: our CSP (script-src 'self') blocks inline ones
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
