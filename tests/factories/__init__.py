"""Factories for every model the tests need; tests never use fixtures files."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tamyr.accounts.models import NetworkCoordinator, OrganizationRole, User
from tamyr.registry.models import (
    Affiliation,
    Consent,
    Country,
    ExpertiseField,
    NameVariant,
    Network,
    NetworkMembership,
    Organization,
    Person,
)
from tamyr.registry.search import new_variant, write_grams


def country(code: str) -> Country:
    """Countries are loaded by a migration; tests fetch them. A transactional test (threads, the browser) ends
    with a flush that empties every table, so a later test may find none: load them again as the migration does."""
    try:
        return Country.objects.get(code=code)
    except Country.DoesNotExist:
        from tamyr.registry.countries import sync_countries

        sync_countries(Country)
        return Country.objects.get(code=code)


def expertise_field(code: str) -> ExpertiseField:
    """Fields of science are loaded by a migration; as with countries, load them again after a flush."""
    try:
        return ExpertiseField.objects.get(code=code)
    except ExpertiseField.DoesNotExist:
        from tamyr.registry.fields_of_science import sync_fields

        sync_fields(ExpertiseField)
        return ExpertiseField.objects.get(code=code)


def with_expertise(person: Person, *codes: str, keywords: tuple[str, ...] = (), consent: bool = True) -> Person:
    """Give `person` fields of science and keywords, and (by default) the consent to be found and matched by them."""
    person.expertise_fields.set([expertise_field(code) for code in codes])
    if keywords:
        person.expertise = list(keywords)
        person.save(update_fields=["expertise"])
    if consent:
        ConsentFactory(person=person, purpose="expertise")
    return person


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def verified(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )
            self.save()


def with_totp(user: User) -> str:
    """Give a staff user an authenticator, as the demo does; returns the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    slug = factory.Sequence(lambda n: f"org-{n}")
    name = factory.LazyAttribute(lambda o: {"en": f"Organization {o.slug}"})
    kind = "cultural_centre"
    country = factory.LazyFunction(lambda: country("KZ"))
    city = "Astana"


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    slug = factory.Sequence(lambda n: f"network-{n}")
    name = factory.LazyAttribute(lambda o: {"en": f"Network {o.slug}"})


class NetworkMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkMembership

    network = factory.SubFactory(NetworkFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = "member"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    display_name = factory.Sequence(lambda n: f"Aigerim Test{n}")
    residence_country = factory.LazyFunction(lambda: country("TR"))
    registered_by = factory.SubFactory(OrganizationFactory)
    birth_year = 1990

    @factory.post_generation
    def variants(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if not create:
            return
        variants = [new_variant(person_id=self.pk, text=text) for text in [self.display_name, *(extracted or [])]]
        write_grams(NameVariant.objects.bulk_create(variants))


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    person = factory.SubFactory(PersonFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = "member"


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    person = factory.SubFactory(PersonFactory)
    purpose = "registry"
    method = "web_form"
    given_at = factory.Faker("date_time_this_year", tzinfo=__import__("datetime").timezone.utc)


def showing_their_name(person: Person) -> Person:
    """Give `person` the consent to show their name on public pages (certificates, delegation heads)."""
    ConsentFactory(person=person, purpose="public_profile")
    return person


def grant(user: User, organization: Organization, role: str) -> OrganizationRole:
    return OrganizationRole.objects.create(user=user, organization=organization, role=role)


def coordinate(user: User, network: Network) -> NetworkCoordinator:
    return NetworkCoordinator.objects.create(user=user, network=network)


# --- the cast of the role matrix: one user per role around organizations A and B ---------------------------

ROLE_NAMES = (
    "anonymous",
    "compatriot",
    "person_owner",
    "org_admin_a",
    "staff_a",
    "teacher_a",
    "reviewer_a",
    "org_admin_b",
    "coordinator_a",
    "coordinator_other",
    "platform_admin",
)


class RoleWorld:
    """Organization A (in network A) keeps person A; organization B (in network B) keeps person B. Organization A
    also runs events and courses (see `_add_events` and `_add_learning`).

    `users` maps every role name except "anonymous" to a user holding exactly that role; staff roles have an
    authenticator app (the middleware would send them to set one up otherwise). `person_owner` is the
    compatriot whose own record is person A.
    """

    media_root = ""  # where the world's files are; the `role_world` fixture sets it

    def __init__(self) -> None:
        self.org_a = OrganizationFactory(slug="org-a", name={"en": "Organization A"})
        self.org_b = OrganizationFactory(slug="org-b", name={"en": "Organization B"}, country=country("TR"))
        self.network_a = NetworkFactory(slug="network-a", name={"en": "Network A"})
        self.network_b = NetworkFactory(slug="network-b", name={"en": "Network B"})
        NetworkMembershipFactory(network=self.network_a, organization=self.org_a)
        NetworkMembershipFactory(network=self.network_b, organization=self.org_b)
        self.users: dict[str, User] = {}
        for role in ROLE_NAMES[1:]:
            self.users[role] = UserFactory(username=role.replace("_", "-"))
        self.person_a = PersonFactory(display_name="Person Alpha", registered_by=self.org_a)
        self.person_b = PersonFactory(display_name="Person Beta", registered_by=self.org_b)
        self.person_a.user = self.users["person_owner"]
        self.person_a.save(update_fields=["user"])
        grant(self.users["org_admin_a"], self.org_a, "admin")
        grant(self.users["staff_a"], self.org_a, "staff")
        grant(self.users["teacher_a"], self.org_a, "teacher")
        grant(self.users["reviewer_a"], self.org_a, "reviewer")
        grant(self.users["org_admin_b"], self.org_b, "admin")
        coordinate(self.users["coordinator_a"], self.network_a)
        coordinate(self.users["coordinator_other"], self.network_b)
        platform = self.users["platform_admin"]
        platform.is_superuser = platform.is_staff = True
        platform.save(update_fields=["is_superuser", "is_staff"])
        for role, user in self.users.items():
            if role not in ("compatriot", "person_owner"):
                with_totp(user)
        self._add_duplicates_and_imports()
        self._add_events()
        self._add_learning()
        self._add_private_files()
        self._add_plan()
        self._add_projects()
        self._add_calls()
        self._add_content()
        self._add_estimates()
        self._add_cases()

    def user(self, role: str) -> User | None:
        return self.users.get(role)

    def _add_estimates(self) -> None:
        """`estimate`: a census figure of the Kazakh diaspora in Russia (reference data, public)."""
        from tamyr.analytics.models import DiasporaEstimate

        self.estimate = DiasporaEstimate.objects.create(
            origin=country("KZ"),
            residence=country("RU"),
            year=2010,
            point=647732,
            measure="ethnic",
            publisher="Federal State Statistics Service (Rosstat)",
            title="All-Russian Population Census 2010",
        )

    def _add_duplicates_and_imports(self) -> None:
        """Organization A's registry work: `duplicate_a`, an open pair of person A and "Person Alfa" (of A);
        `merge_a`, a merge of another record of A into person A that can still be undone; `import_a`, a finished
        people import for A with its report. Made directly, without the services: they are what pages look at."""
        from django.core.files.base import ContentFile
        from django.utils import timezone

        from tamyr.registry.models import DuplicateCandidate, ImportStatus, PersonImport, PersonMerge

        self.alfa = PersonFactory(display_name="Person Alfa", registered_by=self.org_a)
        self.duplicate_a = DuplicateCandidate.objects.create(
            person_a=self.person_a, person_b=self.alfa, score=0.93, reasons={"levels": {"name_close": 0.9}}
        )
        merged = PersonFactory(display_name="P. Alpha", registered_by=self.org_a)
        merged.merged_into = self.person_a
        merged.save(update_fields=["merged_into"])
        self.merge_a = PersonMerge.objects.create(kept=self.person_a, merged=merged)
        now = timezone.now()
        self.import_a = PersonImport.objects.create(
            file=ContentFile(b"display_name\nPerson Imported\n", name="people.csv"),
            original_name="people.csv",
            organization=self.org_a,
            status=ImportStatus.DONE,
            total_rows=1,
            processed_rows=1,
            imported_rows=1,
            started_at=now,
            finished_at=now,
            report=ContentFile(b"row,problem\n", name="report.csv"),
        )

    def _add_events(self) -> None:
        """Organization A organizes `event_a` (published; person A is registered and confirmed, so the owner has a
        registration code) and `draft_event_a` (a draft). Each has an invitation: `invitation_a`, `draft_invitation_a`.
        """
        from tamyr.events.models import EventStatus, Invitation
        from tests.events.factories import EventFactory, RegistrationFactory

        self.event_a = EventFactory(slug="event-a", title={"en": "Event A"}, organizer=self.org_a, capacity=None)
        self.draft_event_a = EventFactory(
            slug="draft-event-a", title={"en": "Draft event A"}, organizer=self.org_a, status=EventStatus.DRAFT
        )
        self.registration_a = RegistrationFactory(event=self.event_a, person=self.person_a)
        self.invitation_a = Invitation.objects.create(event=self.event_a, email="guest@example.org")
        self.draft_invitation_a = Invitation.objects.create(event=self.draft_event_a, email="guest@example.org")

    def _add_learning(self) -> None:
        """Organization A provides `course_a` (published, issuing certificates) and `draft_course_a` (a draft).
        `group_a` of course A is taught by the teacher of A; in it, person A has an active enrollment
        (`enrollment_a`) and `graduate` (a person of A without an account) a completed one (`graduate_enrollment`)
        with its `certificate`. Course A has a live lesson, a self-paced lesson and a final quiz."""
        from django.utils import timezone

        from tamyr.learning import certificates
        from tamyr.learning.models import Enrollment, EnrollmentStatus
        from tests.learning.factories import (
            CompletionRuleFactory,
            CourseFactory,
            GroupFactory,
            LessonFactory,
            QuizFactory,
            QuizQuestionFactory,
        )

        self.course_a = CourseFactory(slug="course-a", title={"en": "Course A"}, provider=self.org_a)
        CompletionRuleFactory(course=self.course_a, min_attendance_percent=50, requires_final_quiz=False)
        self.draft_course_a = CourseFactory(
            slug="draft-course-a", title={"en": "Draft course A"}, provider=self.org_a, is_published=False
        )
        self.group_a = GroupFactory(course=self.course_a, name="Group A", capacity=None)
        self.group_a.teachers.add(self.users["teacher_a"])
        self.live_lesson_a = LessonFactory(course=self.course_a, order=1, is_live=True)
        self.lesson_a = LessonFactory(course=self.course_a, order=2, is_live=False)
        self.quiz_a = QuizFactory(course=self.course_a)
        QuizQuestionFactory(quiz=self.quiz_a)
        self.enrollment_a = Enrollment.objects.create(
            person=self.person_a, group=self.group_a, status=EnrollmentStatus.ACTIVE
        )
        self.graduate = PersonFactory(display_name="Person Gamma", registered_by=self.org_a)
        self.graduate_enrollment = Enrollment.objects.create(
            person=self.graduate, group=self.group_a, status=EnrollmentStatus.COMPLETED, completed_at=timezone.now()
        )
        self.certificate = certificates.certificate_issue(enrollment=self.graduate_enrollment, acting_user=None)
        # the graduate also attended event A: checked in, with the attendance credential `attendance`
        from tamyr.learning.attendance import attendance_credential_issue
        from tests.events.factories import RegistrationFactory

        attended = RegistrationFactory(event=self.event_a, person=self.graduate, checked_in_at=timezone.now())
        self.attendance = attendance_credential_issue(registration_id=attended.pk)

    def _add_plan(self) -> None:
        """Network A's `plan_a` (not public): measure 1.1 led by A, with a computed indicator's `counted_period`
        and a reported one's `reported_period`, whose `value_a` (with an evidence file) awaits approval; its
        `version_a` awaits sign-off by A, the network's only member."""
        from datetime import date
        from decimal import Decimal

        from django.core.files.base import ContentFile
        from django.utils import timezone

        from tamyr.cooperation.models import (
            Direction,
            Indicator,
            IndicatorPeriod,
            Measure,
            Plan,
            PlanVersion,
            ReportedValue,
        )

        self.plan_a = Plan.objects.create(
            slug="plan-a", title={"en": "Plan A"}, network=self.network_a, starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
        )  # fmt: skip
        direction = Direction.objects.create(plan=self.plan_a, code="1", title={"en": "Direction 1"})
        measure = Measure.objects.create(
            plan=self.plan_a, direction=direction, code="1.1", title={"en": "Measure 1.1"}, lead=self.org_a
        )
        year = {"starts_on": date(2026, 1, 1), "ends_on": date(2026, 12, 31), "target": Decimal(10)}
        counted = Indicator.objects.create(
            measure=measure, title={"en": "Participants"}, unit="people", source="computed", query="unique_participants"
        )
        self.counted_period = IndicatorPeriod.objects.create(indicator=counted, **year)
        reported = Indicator.objects.create(
            measure=measure, title={"en": "Agreements"}, unit="agreements", source="reported"
        )
        self.reported_period = IndicatorPeriod.objects.create(indicator=reported, **year)
        self.value_a = ReportedValue.objects.create(
            period=self.reported_period, value=Decimal(2), organization=self.org_a, reported_at=timezone.now(),
            evidence_file=ContentFile(b"%PDF-1.4 minutes", name="minutes.pdf"), evidence_name="minutes.pdf",
        )  # fmt: skip
        self.version_a = PlanVersion.objects.create(plan=self.plan_a, number=1, snapshot={})
        from tamyr.cooperation.models import PlanImport

        self.plan_import_a = PlanImport.objects.create(
            plan=self.plan_a, kind="measures", original_name="measures.csv", status="done", total=1, done=1,
            report={"kind": "measures", "dry_run": True, "written": False, "rows": 1, "created": ["1.2"],
                    "changed": [], "unchanged": [], "reported": [], "bad_rows": []},
        )  # fmt: skip

    def _add_projects(self) -> None:
        """Organization A leads `project-a` (not public); its `practice-a` is in network A's library and
        `draft-practice-a` awaits review; organization B's `learn_a` asks to learn from practice A."""
        from django.utils import timezone

        from tamyr.cooperation.models import JointProject, LearnRequest, Practice, ProjectPartner

        self.project_a = JointProject.objects.create(
            slug="project-a", title={"en": "Project A"}, lead=self.org_a, is_public=False
        )
        ProjectPartner.objects.create(project=self.project_a, organization=self.org_a, role="lead")
        common = {"organization": self.org_a, "network": self.network_a, "contact_email": "a@example.org"}
        self.practice_a = Practice.objects.create(
            slug="practice-a", title={"en": "Practice A"}, status="accepted", **common
        )
        Practice.objects.create(slug="draft-practice-a", title={"en": "Draft practice A"}, **common)
        self.learn_a = LearnRequest.objects.create(
            practice=self.practice_a, organization=self.org_b, message="May we learn?", requested_at=timezone.now()
        )

    def _add_private_files(self) -> None:
        """Private files besides the import's and the certificate's: `answer_a`, a file person A gave as an answer
        when registering for event A; `session_material_a`, an attachment of a session of the draft event;
        `lesson_material_a`, a file of course A's self-paced lesson."""
        from django.core.files.base import ContentFile

        from tamyr.events.models import RegistrationFile, SessionMaterial
        from tamyr.learning.models import LessonMaterial
        from tests.events.factories import QuestionFactory, SessionFactory

        question = QuestionFactory(event=self.event_a, kind="file", required=False)
        self.answer_a = RegistrationFile.objects.create(
            registration=self.registration_a,
            question=question,
            file=ContentFile(b"%PDF-1.4 answer\n", name="answer.pdf"),
            original_name="cv.pdf",
        )
        self.session_material_a = SessionMaterial.objects.create(
            session=SessionFactory(event=self.draft_event_a),
            title="Slides",
            file=ContentFile(b"%PDF-1.4 slides\n", name="slides.pdf"),
        )
        self.lesson_material_a = LessonMaterial.objects.create(
            lesson=self.lesson_a, title="Chart", file=ContentFile(b"%PDF-1.4 chart\n", name="chart.pdf")
        )

    def _add_cases(self) -> None:
        """A return case of A for person A (`case_a`, worked on by staff of A) with a document for the organization
        (`case_document`), a plan waiting for approval, and a referral to B (`case_referral`) still waiting, whose
        consent was withdrawn afterwards (so answering it is refused and the world stays as it is)."""
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.utils import timezone

        from tamyr.cases import services as cases
        from tamyr.cases.models import SharingConsent

        staff = self.users["staff_a"]
        self.case_a = cases.case_open(owner=self.org_a, head=self.person_a, acting_user=staff, worker=staff,
                                      origin_country=country("MN"))  # fmt: skip
        case = self.case_a
        self.case_document = cases.document_add(
            case=case, version=case.version, upload=SimpleUploadedFile("passport.pdf", b"%PDF-1.4\n%%EOF\n"),
            doc_type="passport", acting_user=staff)  # fmt: skip
        cases.plan_set(case=case, version=case.version, plan="Documents first.", acting_user=staff)
        self.case_approval = cases.approval_request(case=case, version=case.version, kind="plan", acting_user=staff)
        consent = SharingConsent.objects.create(person=self.person_a, organization=self.org_b, method="paper")
        self.case_referral = cases.referral_create(case=case, version=case.version, to_organization=self.org_b,
                                                   service="housing", acting_user=staff)  # fmt: skip
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])

    def _add_content(self) -> None:
        """News and pages: `news-a` (published, A) with a published attachment (`news_attachment`), `draft-news-a`
        (a draft of A, saved twice: `draft_revision` is its first revision) with an attachment
        (`draft_attachment`), `network-news-a` (a draft of network A), `page-a` and `sub-page-a` (published pages of A) and
        `page-b` (a published page of B)."""
        import datetime as dt

        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.utils import timezone

        from tamyr.accounts.permissions import SYSTEM
        from tamyr.content import services as content

        def pdf() -> SimpleUploadedFile:
            return SimpleUploadedFile("programme.pdf", b"%PDF-1.4\n%%EOF\n")

        past = timezone.now() - dt.timedelta(days=1)
        self.news_a = content.entry_create(kind="news", slug="news-a", organization=self.org_a, acting_user=SYSTEM,
                                           title={"en": "News A"}, status="published", published_at=past)  # fmt: skip
        self.news_attachment = content.attachment_add(entry=self.news_a, upload=pdf(), acting_user=SYSTEM)
        self.draft_news_a = content.entry_create(kind="news", slug="draft-news-a", organization=self.org_a,
                                                 acting_user=SYSTEM, title={"en": "Draft news A"})  # fmt: skip
        content.entry_update(entry=self.draft_news_a, acting_user=SYSTEM, title={"en": "Draft news A, again"})
        self.draft_revision = self.draft_news_a.revisions.get(number=1)
        self.draft_attachment = content.attachment_add(entry=self.draft_news_a, upload=pdf(), acting_user=SYSTEM)
        self.network_news_a = content.entry_create(kind="news", slug="network-news-a", network=self.network_a,
                                                   acting_user=SYSTEM, title={"en": "Network news A"})  # fmt: skip
        self.page_a = content.entry_create(kind="page", slug="page-a", organization=self.org_a, acting_user=SYSTEM,
                                           title={"en": "Page A"}, status="published", published_at=past)  # fmt: skip
        self.sub_page_a = content.entry_create(kind="page", slug="sub-page-a", organization=self.org_a,
                                               acting_user=SYSTEM, title={"en": "Sub-page A"}, status="published",
                                               published_at=past)  # fmt: skip
        # a campaign of A sent to person A: `unsubscribe_token` is the link in that e-mail
        from tamyr.content import delivery
        from tamyr.content.models import Campaign, Message, Segment

        segment = Segment.objects.create(organization=self.org_a, name="Everyone")
        campaign = Campaign.objects.create(organization=self.org_a, segment=segment, name="Campaign A",
                                           subject={"en": "Hello"}, status="sent")  # fmt: skip
        message = Message.objects.create(campaign=campaign, person=self.person_a, email="a@example.org", language="en",
                                         message_id="<role-matrix@tamyr.example>", state="sent")  # fmt: skip
        self.unsubscribe_token = delivery.unsubscribe_token(message.message_id)
        self.page_b = content.entry_create(kind="page", slug="page-b", organization=self.org_b, acting_user=SYSTEM,
                                           title={"en": "Page B"}, status="published", published_at=past)  # fmt: skip
        # mailings: `segment_a` names nobody who may be written to (so sending it is refused before anything is
        # sent), `campaign_a` is a draft of A to it; `segment_b` is B's
        from tamyr.content.models import Campaign, Segment

        self.segment_a = Segment.objects.create(organization=self.org_a, name="Segment A", rules={"countries": ["AQ"]})
        self.campaign_a = Campaign.objects.create(organization=self.org_a, segment=self.segment_a, name="Campaign A",
                                                  subject={"en": "Hello {name}"}, body={"en": "News"})  # fmt: skip
        self.segment_b = Segment.objects.create(organization=self.org_b, name="Segment B", rules={})

    def _add_calls(self) -> None:
        """Organization A runs `call_a` (a published scholarship, open, asking for a transcript and a referee's
        letter), `draft_call_a` (a draft) and `fund_a` (a published financing call, open). Person A applied to
        call A (`application_a`, submitted) and uploaded the transcript (`call_document_a`); `referee_token` is the
        link of a referee asked for the letter.
        `review_call_a` ("review-call-a", closed, in an open review phase that shows reviewers only their
        assignments): the reviewer of A reviews as "Reviewer Rho" and is assigned the application "CALLAREV" of
        another person; person A's application "CALLAOFR" was offered a place (`call_offer`)."""
        from datetime import timedelta

        from django.core.files.base import ContentFile
        from django.utils import timezone

        from tamyr.calls.models import Application, ApplicationDocument, Call, RefereeRequest, RequiredDocument
        from tamyr.calls.services import referee_link_token

        now = timezone.now()
        window = {"opens_at": now - timedelta(days=1), "closes_at": now + timedelta(days=60)}
        self.call_a = Call.objects.create(
            slug="call-a", kind="scholarship", status="published", organization=self.org_a,
            title={"en": "Call A"}, time_zone="Asia/Almaty", **window,
        )  # fmt: skip
        self.draft_call_a = Call.objects.create(
            slug="draft-call-a", kind="scholarship", organization=self.org_a, title={"en": "Draft call A"}, **window
        )
        self.fund_a = Call.objects.create(
            slug="fund-a", kind="financing", status="published", organization=self.org_a, title={"en": "Fund A"},
            currency="USD", **window,
        )  # fmt: skip
        transcript = RequiredDocument.objects.create(
            call=self.call_a, key="transcript", name={"en": "Transcript"}, formats=["pdf"], required=False
        )
        letter = RequiredDocument.objects.create(
            call=self.call_a, key="letter", name={"en": "Letter"}, formats=["pdf"], from_referee=True, required=False
        )
        self.application_a = Application.objects.create(
            call=self.call_a, person=self.person_a, status="submitted", submitted_at=now
        )
        self.call_document_a = ApplicationDocument.objects.create(
            application=self.application_a, document=transcript, original_name="transcript.pdf",
            file=ContentFile(b"%PDF-1.4 transcript\n", name="transcript.pdf"),
        )  # fmt: skip
        request = RefereeRequest.objects.create(
            application=self.application_a, document=letter, referee_name="Referee", referee_email="r@example.org"
        )
        self.referee_token = referee_link_token(request)

        from tamyr.calls.models import (
            CallReviewer,
            Outcome,
            QuotaGroup,
            ReviewAssignment,
            ReviewPhase,
            ScoreCategory,
            Selection,
        )

        self.review_call_a = Call.objects.create(
            slug="review-call-a", kind="scholarship", status="published", organization=self.org_a,
            title={"en": "Review call A"}, opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=30),
        )  # fmt: skip
        ReviewPhase.objects.create(
            call=self.review_call_a,
            name={"en": "Review"},
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=30),
        )
        ScoreCategory.objects.create(call=self.review_call_a, key="merit", name={"en": "Merit"}, required=False)
        reviewer = Person.objects.create(display_name="Reviewer Rho", user=self.users["reviewer_a"])
        CallReviewer.objects.create(call=self.review_call_a, person=reviewer)
        applicant = Person.objects.create(display_name="Person Sigma")
        reviewed = Application.objects.create(
            call=self.review_call_a, code="CALLAREV", person=applicant, status="submitted", submitted_at=now
        )
        ReviewAssignment.objects.create(application=reviewed, reviewer=reviewer)
        group = QuotaGroup.objects.create(call=self.review_call_a, key="kz", name={"en": "Kazakhstan"}, places=1)
        offered = Application.objects.create(
            call=self.review_call_a, code="CALLAOFR", person=self.person_a, status="submitted", submitted_at=now,
            quota_group=group,
        )  # fmt: skip
        Selection.objects.create(call=self.review_call_a, ranked_at=now, offers_sent_at=now)
        self.call_offer = Outcome.objects.create(
            application=offered, call=self.review_call_a, quota_group=group, rank=1, score=80, status="offered",
            offered_at=now, respond_by=now + timedelta(days=14),
        )  # fmt: skip

        # financing: organization B won an award of fund A (1,000 USD), with a planned tranche of 500 (`tranche`),
        # a submitted report with its file (`award_report`) and a report still due (`award_report_due`)
        from tamyr.calls.models import Award, AwardReport, Tranche

        funded = Application.objects.create(
            call=self.fund_a, code="FUNDAAWD", person=self.person_b, organization=self.org_b, status="submitted",
            submitted_at=now, amount_requested=1000,
        )  # fmt: skip
        funded_outcome = Outcome.objects.create(
            application=funded, call=self.fund_a, rank=1, score=90, status="accepted", offered_at=now
        )
        self.award = Award.objects.create(outcome=funded_outcome, amount=1000, currency="USD")
        self.tranche = Tranche.objects.create(award=self.award, amount=500, due_on=now.date() + timedelta(days=30))
        self.award_report = AwardReport.objects.create(
            award=self.award, due_on=now.date() + timedelta(days=60), status="submitted", submitted_at=now,
            original_name="report.pdf", file=ContentFile(b"%PDF-1.4 report\n", name="report.pdf"),
        )  # fmt: skip
        self.award_report_due = AwardReport.objects.create(award=self.award, due_on=now.date() + timedelta(days=90))
