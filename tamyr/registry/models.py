"""The network registry: countries, organizations, networks, and the people (compatriots) they serve."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tamyr.core.i18n import translate
from tamyr.core.jobs import Job
from tamyr.core.models import TimeStampedModel
from tamyr.core.uploads import RandomName, private_storage


class Country(models.Model):
    """ISO 3166-1. Names come from CLDR in the reader's language (tamyr.core.cldr); `names` (pycountry's
    translations) stays for search and as the fallback for a code CLDR does not name."""

    code = models.CharField(_("ISO 3166 alpha-2"), max_length=2, primary_key=True)
    alpha3 = models.CharField(max_length=3, unique=True)
    numeric = models.CharField(max_length=3, blank=True)
    names = models.JSONField(default=dict, help_text=_("Name per language code."))

    class Meta:
        ordering = ["code"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        from tamyr.core.cldr import country_name

        found = country_name(self.code)
        return found if found != self.code.upper() else (translate(self.names) or self.code)

    @property
    def flag(self) -> str:
        return "".join(chr(0x1F1E6 + ord(letter) - ord("A")) for letter in self.code.upper())


class ExpertiseField(models.Model):
    """One field of the OECD Fields of Science and Technology (FORD, Frascati Manual 2007): six major fields ("5"
    Social sciences) and 42 fields under them ("5.2" Economics and business). A controlled classification, so that
    a scholar in Baku and a host in Astana who write their subject differently still match; it is data shipped
    with the code (`data/fields_of_science.json`, loaded by a migration) with its names in every interface
    language, and nobody edits it on the site."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    name = models.JSONField(_("name"), default=dict)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("major field"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Order in the classification."))

    class Meta:
        ordering = ["position"]
        verbose_name = _("field of science")
        verbose_name_plural = _("fields of science")

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    @property
    def display_name(self) -> str:
        return translate(self.name) or self.code

    @property
    def major_code(self) -> str:
        return self.code.split(".")[0]

    @property
    def is_major(self) -> bool:
        return "." not in self.code


class OrganizationKind(models.TextChoices):
    STATE_DIASPORA_INSTITUTION = "state_institution", _("State diaspora institution")
    INTERNATIONAL_ORGANIZATION = "international", _("International organization")
    NGO = "ngo", _("NGO")
    CULTURAL_CENTRE = "cultural_centre", _("Cultural centre")
    EMBASSY = "embassy", _("Embassy or consulate")
    UNIVERSITY = "university", _("University")
    MEDIA = "media", _("Media")
    COMPANY = "company", _("Company")


class Organization(TimeStampedModel):
    slug = models.SlugField(max_length=120, unique=True)
    name = models.JSONField(_("name"), default=dict)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    description = models.JSONField(_("description"), default=dict, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganizationKind.choices, db_index=True)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        related_name="organizations",
        null=True,
        blank=True,
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    logo = models.ImageField(_("logo"), upload_to=RandomName("logos"), blank=True)
    expertise_fields = models.ManyToManyField(
        ExpertiseField, verbose_name=_("fields of expertise"), blank=True, related_name="organizations"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return translate(self.name) or self.slug

    @property
    def display_description(self) -> str:
        return translate(self.description)

    def get_absolute_url(self) -> str:
        return reverse("registry:organization_detail", kwargs={"slug": self.slug})


class Network(TimeStampedModel):
    """A network of organizations, e.g. the OTS diaspora institutions or the Abai Uii network of cultural centres."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.JSONField(_("name"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    website = models.URLField(_("website"), blank=True)
    organizations: models.ManyToManyField[Organization, NetworkMembership] = models.ManyToManyField(
        Organization, through="NetworkMembership", related_name="networks"
    )

    class Meta:
        ordering = ["slug"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return translate(self.name) or self.slug

    @property
    def display_description(self) -> str:
        return translate(self.description)

    def get_absolute_url(self) -> str:
        return reverse("registry:network_detail", kwargs={"slug": self.slug})


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")
    COORDINATOR = "coordinator", _("Coordinator")


class NetworkMembership(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="network_memberships")
    role = models.CharField(_("role"), max_length=16, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["network", "role", "organization"]
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")
        constraints = [
            models.UniqueConstraint(fields=["network", "organization"], name="one_membership_per_network"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} — {self.network} ({self.get_role_display()})"


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class Person(TimeStampedModel):
    """A compatriot. Personal data: every change is audited and every record carries its consents."""

    display_name = models.CharField(_("display name"), max_length=200)
    # Set only for the few people a network file names (speakers, heads of delegation): a partial index keeps the
    # million imported records, which have none, from paying for it.
    key = models.SlugField(
        _("key"),
        max_length=80,
        null=True,
        blank=True,
        db_index=False,
        help_text=_("A stable key by which network files name this person, e.g. daniyar-kadyrov."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    registered_by = models.ForeignKey(
        Organization,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registered_people",
        help_text=_("The organization that keeps this record."),
    )
    residence_country = models.ForeignKey(
        Country,
        verbose_name=_("country of residence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
        db_index=False,  # a plain index in Meta: PostgreSQL would add a LIKE-pattern twin to this text key
    )
    residence_city = models.CharField(_("city of residence"), max_length=120, blank=True)
    citizenships = models.ManyToManyField(Country, verbose_name=_("citizenships"), blank=True, related_name="citizens")
    gender = models.CharField(_("gender"), max_length=16, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    expertise = models.JSONField(_("expertise"), default=list, blank=True, help_text=_("Tags, e.g. history, IT."))
    expertise_fields = models.ManyToManyField(
        ExpertiseField, verbose_name=_("fields of expertise"), blank=True, related_name="people"
    )
    orcid = models.CharField(
        _("ORCID iD"), max_length=19, blank=True, help_text=_("16 digits in four groups, e.g. 0000-0002-1825-0097.")
    )
    heritage = models.CharField(
        _("ethnic origin or heritage"),
        max_length=120,
        blank=True,
        help_text=_("Special-category data: kept only with the person's explicit consent for this purpose."),
    )
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_people",
        help_text=_("Set when this record was found to be a duplicate and merged; it is then hidden everywhere."),
        db_index=False,
    )

    class Meta:
        ordering = ["display_name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # Each index is written for each of a million imported rows: the country one without its LIKE twin, the
        # merge one only over the few merged records.
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(key__isnull=False), name="registry_person_key_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["residence_country"], name="registry_person_country"),
            models.Index(
                fields=["merged_into"], condition=models.Q(merged_into__isnull=False), name="registry_person_merged"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        """The admin's check of what the services check: an ORCID iD must pass its check character."""
        from django.core.exceptions import ValidationError

        from tamyr.core.errors import DomainError
        from tamyr.registry.orcid import normalize

        try:
            self.orcid = normalize(self.orcid)
        except DomainError as error:
            raise ValidationError({"orcid": str(error.message)}) from error

    def get_absolute_url(self) -> str:
        return reverse("registry:person_detail", kwargs={"pk": self.pk})

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None


class Script(models.TextChoices):
    CYRILLIC = "Cyrl", _("Cyrillic")
    LATIN = "Latn", _("Latin")
    ARABIC = "Arab", _("Arabic")
    OTHER = "Zyyy", _("Other")


class NameVariant(models.Model):
    """One way of writing a person's name, tagged with script and language (ISO 15924, ISO 639)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_variants")
    text = models.CharField(_("name"), max_length=200)
    script = models.CharField(_("script"), max_length=4, choices=Script.choices, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    key = models.CharField(max_length=200, editable=False, help_text="Cross-script search key.")
    sorted_key = models.CharField(
        max_length=200,
        default="",
        editable=False,
        help_text="The key's words sorted, without the patronymic: the same for any word order (trigram index).",
    )
    blocking = models.CharField(
        max_length=16,
        default="",
        editable=False,
        help_text="Coarse surname and given-name starts (dedupe.lookup_key): imports look duplicates up by it.",
    )

    class Meta:
        ordering = ["person", "id"]
        verbose_name = _("name variant")
        verbose_name_plural = _("name variants")
        # Only the indexes something reads: every index costs time on each of a million imported rows. The search
        # key has none (search reads the trigram index on sorted_key, created by migration 0005 on PostgreSQL).
        indexes = [models.Index(fields=["blocking"], name="registry_variant_blocking")]

    def __str__(self) -> str:
        return self.text


class NameWord(models.Model):
    """Every word that occurs in a stored `NameVariant.sorted_key`: the vocabulary that search looks a typed word
    up in (trigram similarity) before finding the people who carry the words found.

    PostgreSQL only: a statement-level trigger (migration 0005) adds the words of every inserted or updated
    variant, whatever wrote it (services, imports with COPY, the admin, migrations). Words are never removed; a
    word nobody carries any more simply finds nobody. On other databases the table stays empty.
    """

    word = models.CharField(max_length=200, primary_key=True)

    class Meta:
        verbose_name = _("name word")
        verbose_name_plural = _("name words")

    def __str__(self) -> str:
        return self.word


class NameGram(models.Model):
    """Start and end letters of each word of a variant ("^tok", "aev$"), on the loose skeleton.

    Written and read only on databases without pg_trgm (SQLite): there, search finds its candidates by shared
    grams, which survives a typing error in any one place of a word. On PostgreSQL the trigram index on
    `NameVariant.sorted_key` does this job and the table stays empty (see docs/apps/registry.md, Search).
    """

    variant = models.ForeignKey(NameVariant, on_delete=models.CASCADE, related_name="grams")
    gram = models.CharField(max_length=8, db_index=True)

    class Meta:
        verbose_name = _("name gram")
        verbose_name_plural = _("name grams")

    def __str__(self) -> str:
        return self.gram


class LanguageLevel(models.TextChoices):
    NATIVE = "native", _("Native")
    C2 = "C2", "C2"
    C1 = "C1", "C1"
    B2 = "B2", "B2"
    B1 = "B1", "B1"
    A2 = "A2", "A2"
    A1 = "A1", "A1"


class SpokenLanguage(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=8, help_text=_("ISO 639 code, e.g. kk, tr, en."))
    level = models.CharField(_("level"), max_length=8, choices=LanguageLevel.choices, blank=True)

    class Meta:
        ordering = ["person", "language"]
        verbose_name = _("spoken language")
        verbose_name_plural = _("spoken languages")
        constraints = [models.UniqueConstraint(fields=["person", "language"], name="one_level_per_language")]

    def __str__(self) -> str:
        return f"{self.language} {self.level}".strip()


class Affiliation(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="affiliations")
    role = models.CharField(_("role"), max_length=200, blank=True, help_text=_("As the organization calls it."))
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["person", "organization"]
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")

    def __str__(self) -> str:
        return f"{self.person} — {self.organization}"


class ConsentPurpose(models.TextChoices):
    REGISTRY = "registry", _("Keeping my record in the diaspora registry")
    CONTACT = "contact", _("Being contacted about events, courses and calls")
    PUBLIC_PROFILE = "public_profile", _("Showing my name on public pages and certificates")
    PHOTOS = "photos", _("Using photos of me from events")
    HERITAGE = "heritage", _("Recording my ethnic origin or heritage")
    EXPERTISE = "expertise", _("Being found and matched by my expertise (as a reviewer, host or expert)")


class ConsentMethod(models.TextChoices):
    WEB_FORM = "web_form", _("Web form")
    PAPER = "paper", _("Signed paper form")
    EMAIL = "email", _("E-mail")
    IMPORT = "import", _("Imported with the record")
    VERBAL = "verbal", _("Verbal, noted by staff")


class Consent(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=32, choices=ConsentPurpose.choices)
    given_at = models.DateTimeField(_("given at"))
    method = models.CharField(_("how"), max_length=16, choices=ConsentMethod.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["person", "purpose", "-given_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.given_at:%Y-%m-%d})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


# --- duplicates, merges and imports ------------------------------------------------------------------------------


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("To review")
    MERGED = "merged", _("Merged")
    NOT_DUPLICATE = "not_duplicate", _("Not the same person")


class DuplicateCandidate(TimeStampedModel):
    """A pair of records that may be one person, waiting for staff to decide. The pair is stored with the lower
    id first, so each pair has one row; a "not the same person" row stays forever so the pair is never proposed
    again."""

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"), help_text=_("Probability that both records are one person."))
    reasons = models.JSONField(_("reasons"), default=dict)
    status = models.CharField(
        _("status"), max_length=16, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-score", "id"]
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="one_candidate_per_pair"),
            models.CheckConstraint(condition=models.Q(person_a__lt=models.F("person_b")), name="pair_in_id_order"),
        ]
        indexes = [models.Index(fields=["status", "-score"])]

    def __str__(self) -> str:
        return f"{self.person_a_id} ~ {self.person_b_id} ({self.score:.2f})"


class PersonMerge(TimeStampedModel):
    """One merge, with exactly what moved, so that it can be undone.

    `moves` lists every row that was re-pointed ({"model", "pk", "field"}: the row's `field` pointed at `merged`
    and now points at `kept`); `dropped` holds rows that could not move because the kept person already had an
    equivalent one (serialized, so undo can put them back); `added` lists rows the merge created; `kept_before`
    holds the kept person's fields before the merge filled its blanks.
    """

    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(
        DuplicateCandidate, null=True, blank=True, on_delete=models.SET_NULL, related_name="merges"
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moves = models.JSONField(default=list)
    dropped = models.JSONField(default=list)
    added = models.JSONField(default=list)
    kept_before = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("merge of people")
        verbose_name_plural = _("merges of people")

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.kept_id}"


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class DedupeRun(Job):
    """One run of duplicate detection (from `tamyr dedupe` or the staff page), with its progress and figures: a
    resumable job (`tamyr.core.jobs`) that is simply run again from the start, since it only rescores pairs."""

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.PENDING)
    stage = models.CharField(_("stage"), max_length=40, blank=True)
    people = models.PositiveIntegerField(_("people compared"), default=0)
    pairs_scored = models.PositiveIntegerField(_("pairs scored"), default=0)
    candidates_found = models.PositiveIntegerField(_("possible duplicates found"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("duplicate detection run")
        verbose_name_plural = _("duplicate detection runs")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to start")
    RUNNING = "running", _("Checking rows")
    WRITING = "writing", _("Writing")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused: bad rows")
    FAILED = "failed", _("Failed")


class PersonImport(Job):
    """One upload of a people file: its column mapping, its progress (polled by the page) and its report. A
    resumable job (`tamyr.core.jobs`): all or nothing, so a worker that dies or stops leaves nothing written and
    the next one runs it from the start."""

    file = models.FileField(_("file"), upload_to=RandomName("imports"), storage=private_storage, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, help_text=_("Field name → column header."))
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="person_imports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dry_run = models.BooleanField(_("dry run"), default=False)
    skip_bad_rows = models.BooleanField(_("import the good rows, skip the bad ones"), default=False)
    # the encoding a CSV file is read in, chosen or confirmed at the mapping step; empty for XLSX
    encoding = models.CharField(_("encoding"), max_length=16, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING, db_index=True
    )
    total_rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    processed_rows = models.PositiveIntegerField(_("rows read"), default=0)
    imported_rows = models.PositiveIntegerField(_("people imported"), default=0)
    bad_row_count = models.PositiveIntegerField(_("bad rows"), default=0)
    bad_rows = models.JSONField(
        _("bad rows"), default=list, blank=True, help_text=_("The first bad rows; the full list is in the report.")
    )
    report = models.FileField(_("report"), upload_to=RandomName("imports/reports"), storage=private_storage, blank=True)
    flagged_duplicates = models.PositiveIntegerField(_("possible duplicates"), default=0)
    duplicates = models.JSONField(_("possible duplicates"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("people import")
        verbose_name_plural = _("people imports")

    def __str__(self) -> str:
        return self.original_name or self.file.name

    def get_absolute_url(self) -> str:
        return reverse("registry:person_import_detail", kwargs={"pk": self.pk})

    running_statuses = (ImportStatus.RUNNING, ImportStatus.WRITING)

    @classmethod
    def runnable(cls) -> models.Q:
        return models.Q(started_at__isnull=False)  # not before its columns are confirmed

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.REFUSED, ImportStatus.FAILED)

    @property
    def report_rows(self) -> list[dict[str, object]]:
        return list(self.bad_rows)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.is_finished else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))
