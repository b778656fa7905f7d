"""Certificates as Open Badges 3.0 `OpenBadgeCredential`s (W3C Verifiable Credentials Data Model 2.0), and the one
routine that verifies a credential: `verify_credential`, used by `tamyr verify-credential`, the verification page
and `POST /api/v1/certificates/verify/`.

Shape of a credential (`build_credential`):

- `id`: the credential's URL, /api/v1/certificates/<code>/; `validFrom`: the issue date;
- `issuer`: a `Profile` whose `id` is the organization's did:web, with its name and page;
- `credentialSubject`: an `AchievementSubject` naming the holder as they consented (full name, or initials) with an
  `IdentityObject` of type "name", the way Open Badges 3.0 names a recipient, and the `Achievement`: the course's
  page as `id`, its English title, a description in the course's language and English, `achievementType`
  "Course", the completion rule as the criteria narrative, and the CEFR level as an alignment;
- `credentialStatus`: a `BitstringStatusListEntry` (W3C Bitstring Status List) at the certificate's status index,
  drawn at random when it was issued (`allocate_status_indexes`), in the issuer's status list at
  /organizations/<slug>/credentials/status.json.

Why a status list and not a link to the verification page or a `1EdTechRevocationList`: the status list is the
W3C mechanism every VC 2.0 verifier implements, its terms are in the credentials/v2 context we ship (a
`1EdTechRevocationList` type, or a custom one for our page, is defined in neither shipped context: without an
`@vocab` it would be dropped from the signed data, or need a third context), and a verifier learns about one
certificate by downloading the list of all, so the issuer does not see who checks whom. Our own verifier reads
revocation straight from the database.
"""

from __future__ import annotations

import base64
import functools
import gzip
import json
import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pycountry
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tamyr.core.i18n import translate
from tamyr.learning.credentials import canonical, keys, signing
from tamyr.learning.models import AttendanceCredential, Certificate, CompletionRule, Course
from tamyr.registry.models import Organization

CONTEXT = [canonical.CREDENTIALS_V2, canonical.OPEN_BADGES_V3]
CEFR_URL = "https://www.coe.int/en/web/common-european-framework-reference-languages/level-descriptions"
STATUS_LIST_MIN_BITS = 131072  # 16 KB, the Bitstring Status List minimum (herd privacy)


# --- URLs -------------------------------------------------------------------------------------------------------


def credential_url(code: str) -> str:
    return keys.absolute_url(reverse("certificate-credential", kwargs={"code": code}))


def verify_page_url(code: str) -> str:
    return keys.absolute_url(reverse("verify", kwargs={"code": code}))


def status_list_url(slug: str) -> str:
    return keys.absolute_url(reverse("issuer_status_list", kwargs={"slug": slug}))


def course_url(course: Course) -> str:
    try:
        path = course.get_absolute_url()
    except NoReverseMatch:  # the course pages are not mounted (an API-only deployment)
        path = f"/courses/{course.slug}/"
    return keys.absolute_url(path)


def code_from_credential_id(credential_id: Any) -> str | None:
    """The certificate code of one of our credential URLs, under whatever address the site had when it was issued
    (the signature, checked before, says it is ours); None for anything else."""
    if not isinstance(credential_id, str):
        return None
    path = reverse("certificate-credential", kwargs={"code": "CODE"}).removesuffix("CODE/")
    parts = urlsplit(credential_id)
    if parts.scheme not in ("http", "https") or not parts.path.startswith(path) or not parts.path.endswith("/"):
        return None
    if parts.query or parts.fragment:
        return None
    code = parts.path[len(path) : -1]
    return code if code.isalnum() and code.isupper() else None


# --- building and signing ---------------------------------------------------------------------------------------


def english(value: dict[str, str] | str | None) -> str:
    return translate(value, "en")


def criteria_narrative(rule: CompletionRule | None) -> str:
    """The completion rule in words, in English (the credential's language)."""
    with translation.override("en"):
        if rule is None:
            return _("Completed the course as confirmed by its teachers.")
        parts = []
        if rule.min_attendance_percent:
            parts.append(
                _("attended at least %(percent)s%% of the live lessons") % {"percent": rule.min_attendance_percent}
            )
        if rule.min_lessons_done_percent:
            parts.append(
                _("completed at least %(percent)s%% of the self-paced lessons")
                % {"percent": rule.min_lessons_done_percent}
            )
        if rule.requires_final_quiz:
            parts.append(_("passed the final quiz"))
        if not parts:
            return _("Completed the course as confirmed by its teachers.")
        conditions = (
            parts[0]
            if len(parts) == 1
            else _("%(first)s and %(last)s")
            % {
                "first": ", ".join(parts[:-1]),
                "last": parts[-1],
            }
        )
        return _("The learner %(conditions)s.") % {"conditions": conditions}


def language_name(code: str) -> str:
    """The English name of an ISO 639 language ("kk" → "Kazakh")."""
    found = pycountry.languages.get(alpha_2=code) or pycountry.languages.get(alpha_3=code)
    return str(found.name) if found else code


def achievement_description(course: Course) -> str:
    title_en = english(course.title) or course.slug
    native = (course.title or {}).get(course.language, "") if isinstance(course.title, dict) else ""
    with translation.override("en"):
        summary = _("%(format)s course in %(language)s by %(provider)s.") % {
            "format": str(course.get_format_display()),
            "language": language_name(course.language),
            "provider": english(course.provider.name) or course.provider.slug,
        }
    lines = [f"{native} — {title_en}" if native and native != title_en else title_en, summary]
    description = english(course.description)
    if description:
        lines.append(description)
    return "\n".join(lines)


def build_credential(
    certificate: Certificate, *, course: Course, issuer: Organization, rule: CompletionRule | None
) -> dict[str, Any]:
    """The unsigned credential of a certificate (which needs its status list index)."""
    if certificate.status_index is None:
        raise ValueError("A certificate is signed only once it has its status list index.")
    achievement: dict[str, Any] = {
        "id": course_url(course),
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": english(course.title) or course.slug,
        "description": achievement_description(course),
        "criteria": {"narrative": criteria_narrative(rule)},
    }
    if course.level:
        achievement["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": f"CEFR {course.level}",
                "targetFramework": "Common European Framework of Reference for Languages (CEFR)",
                "targetCode": course.level,
                "targetUrl": CEFR_URL,
            }
        ]
    list_url = status_list_url(issuer.slug)
    return {
        "@context": CONTEXT,
        "id": credential_url(certificate.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement["name"],
        "issuer": {
            "id": keys.did_for(issuer),
            "type": ["Profile"],
            "name": english(issuer.name) or issuer.slug,
            "url": keys.absolute_url(issuer.get_absolute_url()),
        },
        "validFrom": signing.xsd_datetime(certificate.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": certificate.holder_name,
                }
            ],
            "achievement": achievement,
        },
        "credentialStatus": {
            "id": f"{list_url}#{certificate.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate.status_index),
            "statusListCredential": list_url,
        },
    }


def _status_entry(issuer: Organization, index: int) -> dict[str, Any]:
    list_url = status_list_url(issuer.slug)
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def attendance_achievement_type(event: Any) -> str:
    """A training programme (Vienna's) is a `LearningProgram` in Open Badges' vocabulary; the vocabulary has no
    term for having attended a forum, a kurultai or a concert, so those use its extension form."""
    return "LearningProgram" if event.kind == "training" else "ext:EventAttendance"


def attendance_narrative(event: Any) -> str:
    """What the holder did, in English (the credential's language): where and when, and who confirmed it."""
    from tamyr.events.templatetags.events_tags import date_range

    with translation.override("en"):
        dates = date_range(event.starts_at, event.ends_at, event.time_zone)
        place = _("online")
        if event.venue_id:
            place = ", ".join(
                part for part in (event.venue.city, event.venue.country.name if event.venue.country_id else "") if part
            )
        return _("Attended %(event)s (%(place)s, %(dates)s); checked in on site by the organizer.") % {
            "event": english(event.title) or event.slug,
            "place": place,
            "dates": dates,
        }


def build_attendance_credential(record: AttendanceCredential, *, event: Any, issuer: Organization) -> dict[str, Any]:
    """The unsigned credential of an attendance: the certificate's shape, with the event as the achievement."""
    description = english(event.description) or english(event.title) or event.slug
    achievement: dict[str, Any] = {
        "id": keys.absolute_url(event.get_absolute_url()),
        "type": ["Achievement"],
        "achievementType": attendance_achievement_type(event),
        "name": english(event.title) or event.slug,
        "description": description,
        "criteria": {"narrative": attendance_narrative(event)},
    }
    return {
        "@context": CONTEXT,
        "id": credential_url(record.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement["name"],
        "issuer": {
            "id": keys.did_for(issuer),
            "type": ["Profile"],
            "name": english(issuer.name) or issuer.slug,
            "url": keys.absolute_url(issuer.get_absolute_url()),
        },
        "validFrom": signing.xsd_datetime(record.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": record.holder_name,
                }
            ],
            "achievement": achievement,
        },
        "credentialStatus": _status_entry(issuer, record.status_index),
    }


def sign(document: dict[str, Any], signing_key: keys.SigningKey, created: datetime) -> dict[str, Any]:
    """`document` with its proof. `proof` is a list (a proof set of one), as 1EdTech's Open Badges 3.0 JSON Schema
    requires (VC 2.0 allows an object or a list, and the proof is not part of the signed data). Verification
    accepts both, so credentials issued before, whose proof is an object, keep verifying."""
    signed = signing.add_proof(
        document,
        private_key=signing_key.private_key,
        verification_method=signing_key.verification_method,
        created=signing.xsd_datetime(created),
    )
    signed["proof"] = [signed["proof"]]
    return signed


# --- verification -----------------------------------------------------------------------------------------------


@dataclass
class VerificationResult:
    """What a verifier learned. `verified` is the answer; `code` says why not ("valid" when verified)."""

    verified: bool
    code: str
    message: str
    signature_valid: bool = False
    verification_method: str | None = None
    issuer_name: str = ""
    issuer_did: str = ""
    certificate_code: str | None = None
    holder_name: str = ""
    course_title: str = ""
    issued_at: datetime | None = None
    revoked: bool = False
    revoked_at: datetime | None = None
    revocation_reason: str = ""
    checks: list[tuple[str, bool]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("issued_at", "revoked_at"):
            data[key] = data[key].isoformat() if data[key] else None
        data["checks"] = [{"check": label, "passed": passed} for label, passed in self.checks]
        return data


FAILURE_MESSAGES = {
    "malformed": lambda: _("This file is not a credential Tamyr can read."),
    "no_proof": lambda: _("The credential is not signed."),
    "unsupported_proof": lambda: _(
        "The credential is signed with a method Tamyr does not check (only eddsa-rdfc-2022)."
    ),
    "wrong_purpose": lambda: _("The signature was not made to assert a credential."),
    "unknown_key": lambda: _("The credential was signed with a key that no issuer on this platform holds."),
    "unknown_context": lambda: _("The credential uses a JSON-LD context this platform does not know."),
    "signature_mismatch": lambda: _("The signature does not match: the credential was changed after it was issued."),
    "undefined_terms": lambda: _("The credential contains data that its signature does not cover."),
    "issuer_mismatch": lambda: _("The credential names another issuer than the one whose key signed it."),
    "not_found": lambda: _("The issuer has no record of this certificate."),
    "revoked": lambda: _("The signature is valid, but the issuer has revoked this certificate."),
}


def _failure(code: str, detail: str = "", **fields: Any) -> VerificationResult:
    message = FAILURE_MESSAGES.get(code, lambda: detail)()
    return VerificationResult(verified=False, code=code, message=str(message), **fields)


@dataclass(frozen=True)
class _Signed:
    """A credential whose signature holds, waiting for its certificate to be looked up."""

    checks: list[tuple[str, bool]]
    verification_method: str
    organization_id: int
    issuer_did: str
    code: str | None


def _check_signature(document: Any) -> VerificationResult | _Signed:
    if not isinstance(document, dict):
        return _failure("malformed")
    checks: list[tuple[str, bool]] = []
    try:
        proof = signing.check_proof(document, keys.resolve_verification_method)
    except signing.ProofError as error:
        signed = error.code not in ("malformed", "no_proof", "unsupported_proof", "wrong_purpose", "unknown_key")
        checks.append((_("Issuer key known"), signed or error.code != "unknown_key"))
        checks.append((_("Signature valid"), False))
        return _failure(error.code, str(error), checks=checks)
    checks += [(_("Issuer key known"), True), (_("Signature valid"), True)]
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    key_did = proof.verification_method.partition("#")[0]
    if issuer_id != key_did:
        checks.append((_("Signed by the issuer it names"), False))
        return _failure(
            "issuer_mismatch", checks=checks, signature_valid=True, verification_method=proof.verification_method
        )
    checks.append((_("Signed by the issuer it names"), True))
    return _Signed(
        checks=checks,
        verification_method=proof.verification_method,
        organization_id=proof.organization_id,
        issuer_did=key_did,
        code=code_from_credential_id(document.get("id")),
    )


@functools.cache
def _records_sql(vendor: str) -> str:
    """One SELECT by certificate code, written once from the models' own table and column names. Raw SQL because
    this is the hot path of verification: building the ORM query cost more than running it (tested on SQLite and
    PostgreSQL by the suite)."""
    certificate, organization, course = Certificate._meta, Organization._meta, Course._meta

    def column(meta: Any, name: str) -> str:
        return connection.ops.quote_name(meta.get_field(name).column)

    table = connection.ops.quote_name
    return (
        f"SELECT c.{column(certificate, 'code')}, c.{column(certificate, 'issuer')}, "
        f"c.{column(certificate, 'holder_name')}, c.{column(certificate, 'issued_at')}, "
        f"c.{column(certificate, 'revoked_at')}, c.{column(certificate, 'revocation_reason')}, "
        f"o.{column(organization, 'name')}, o.{column(organization, 'slug')}, "
        f"k.{column(course, 'title')}, k.{column(course, 'slug')} "
        f"FROM {table(certificate.db_table)} c "
        f"JOIN {table(organization.db_table)} o ON o.{column(organization, 'id')} = c.{column(certificate, 'issuer')} "
        f"JOIN {table(course.db_table)} k ON k.{column(course, 'id')} = c.{column(certificate, 'course')} "
        f"WHERE c.{column(certificate, 'code')} IN "
    )


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite without declared-type parsing
        value = datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _records(codes: list[str]) -> dict[str, tuple[Any, ...]]:
    """The certificates behind `codes`, in one query: (code, issuer id, holder, issued, revoked, reason, issuer name,
    issuer slug, course title, course slug)."""
    if not codes:
        return {}
    placeholders = ", ".join(["%s"] * len(codes))
    with connection.cursor() as cursor:
        cursor.execute(f"{_records_sql(connection.vendor)}({placeholders})", codes)
        rows = cursor.fetchall()
    missing = set(codes) - {row[0] for row in rows}
    if missing:  # attendance credentials: rarer, read through the ORM (a second query only when needed)
        rows = list(rows) + [
            (record.code, record.issuer_id, record.holder_name, record.issued_at, record.revoked_at,
             record.revocation_reason, record.issuer.name, record.issuer.slug, record.event.title, record.event.slug)
            for record in AttendanceCredential.objects.filter(code__in=missing).select_related("issuer", "event")
        ]  # fmt: skip
    return {
        row[0]: (
            row[0],
            row[1],
            row[2],
            _aware(row[3]),
            _aware(row[4]),
            row[5],
            _json(row[6]),
            row[7],
            _json(row[8]),
            row[9],
        )
        for row in rows
    }


def _finish(signed: _Signed, record: tuple[Any, ...] | None) -> VerificationResult:
    checks = list(signed.checks)
    fields: dict[str, Any] = {"signature_valid": True, "verification_method": signed.verification_method}
    if record is None or record[1] != signed.organization_id:
        checks.append((_("Recorded by the issuer"), False))
        return _failure("not_found", checks=checks, **fields)
    checks.append((_("Recorded by the issuer"), True))
    code, _issuer, holder, issued_at, revoked_at, reason, issuer_name, issuer_slug, course_title, course_slug = record
    fields.update(
        issuer_name=translate(issuer_name) or issuer_slug,
        issuer_did=signed.issuer_did,
        certificate_code=code,
        holder_name=holder,
        course_title=translate(course_title) or course_slug,
        issued_at=issued_at,
        revoked=revoked_at is not None,
        revoked_at=revoked_at,
        revocation_reason=reason,
    )
    checks.append((_("Not revoked"), revoked_at is None))
    if revoked_at is not None:
        return _failure("revoked", checks=checks, **fields)
    return VerificationResult(
        verified=True, code="valid", message=_("The credential is authentic and valid."), checks=checks, **fields
    )


def verify_credentials(documents: Sequence[Any]) -> list[VerificationResult]:
    """`verify_credential` for many documents: the same checks, the certificates looked up in one query (a
    registry checking a cohort, the benchmark)."""
    outcomes = [_check_signature(document) for document in documents]
    records = _records([outcome.code for outcome in outcomes if isinstance(outcome, _Signed) and outcome.code])
    return [
        outcome if isinstance(outcome, VerificationResult) else _finish(outcome, records.get(outcome.code or ""))
        for outcome in outcomes
    ]


def verify_credential(document: Any) -> VerificationResult:
    """Check one credential: its eddsa-rdfc-2022 signature with the issuing organization's key (from our database,
    never fetched), that the issuer it names holds that key, and — the credential being one of ours — that the
    certificate exists and is not revoked. The one routine behind the page, the API and `tamyr verify-credential`."""
    return verify_credentials([document])[0]


# --- the issuer's status list -----------------------------------------------------------------------------------


def status_list_size(entries: int, highest_index: int = 0) -> int:
    """Bits in an issuer's list: the minimum, doubled until the entries fill at most half of it (so that a random
    free index is found in a couple of draws), and never short of the highest index in use (certificates issued
    before random indexes carry their row id)."""
    size = STATUS_LIST_MIN_BITS
    while entries * 2 > size:
        size *= 2
    return max(size, (highest_index // 8 + 1) * 8)


def used_status_indexes(issuer: Organization) -> set[int]:
    """Every index the issuer has given out, to certificates and to attendance credentials: one list covers both."""
    certificates = Certificate.objects.filter(issuer=issuer, status_index__isnull=False)
    used = {index for index in certificates.values_list("status_index", flat=True) if index is not None}
    used.update(AttendanceCredential.objects.filter(issuer=issuer).values_list("status_index", flat=True))
    return used


def allocate_status_indexes(used: set[int], count: int) -> list[int]:
    """`count` indexes drawn at random from the issuer's list, none of them in `used` nor repeated. The caller holds
    the issuer's lock (`keys.issuer_key_for` takes it) and `used` is every index the issuer has given out."""
    size = status_list_size(len(used) + count)
    taken = set(used)
    fresh: list[int] = []
    while len(fresh) < count:
        index = secrets.randbelow(size)
        if index not in taken:
            taken.add(index)
            fresh.append(index)
    return fresh


def encoded_status_list(revoked_indexes: list[int], size: int = STATUS_LIST_MIN_BITS) -> str:
    """GZIP-compressed bitstring of `size` bits (more when an index needs it), index 0 the left-most bit, as
    multibase base64url without padding (`u…`)."""
    size = max(size, ((max(revoked_indexes, default=0) // 8) + 1) * 8)
    bits = bytearray(size // 8)
    for index in revoked_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


def status_list_credential(organization: Organization) -> dict[str, Any]:
    """The organization's signed BitstringStatusListCredential, rebuilt when its revocations change."""
    issued = Certificate.objects.filter(issuer=organization)
    attended = AttendanceCredential.objects.filter(issuer=organization)
    revoked = issued.filter(revoked_at__isnull=False)
    revoked_attendance = attended.filter(revoked_at__isnull=False)
    entries = issued.aggregate(count=Count("id"), highest=Max("status_index"))
    attendance_entries = attended.aggregate(count=Count("id"), highest=Max("status_index"))
    size = status_list_size(
        entries["count"] + attendance_entries["count"],
        max(entries["highest"] or 0, attendance_entries["highest"] or 0),
    )
    summary = revoked.aggregate(count=Count("id"), latest=Max("revoked_at"))
    attendance_summary = revoked_attendance.aggregate(count=Count("id"), latest=Max("revoked_at"))
    latest = max(
        summary["latest"].timestamp() if summary["latest"] else 0,
        attendance_summary["latest"].timestamp() if attendance_summary["latest"] else 0,
    )
    revoked_count = summary["count"] + attendance_summary["count"]
    cache_key = f"learning:status-list:{organization.pk}:{size}:{revoked_count}:{latest}"
    cached = cache.get(cache_key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    url = status_list_url(organization.slug)
    signing_key = keys.signing_key_for(organization)
    now = timezone.now()
    document = {
        "@context": [canonical.CREDENTIALS_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": keys.did_for(organization),
        "validFrom": signing.xsd_datetime(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_status_list(
                [index for index in revoked.values_list("status_index", flat=True) if index is not None]
                + list(revoked_attendance.values_list("status_index", flat=True)),
                size,
            ),
        },
    }
    signed = sign(document, signing_key, now)
    cache.set(cache_key, signed, 24 * 3600)
    return signed


def is_revoked_in_list(encoded_list: str, index: int) -> bool:
    """Read one bit of an encoded status list (what a third-party verifier does)."""
    data = encoded_list[1:]
    compressed = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    bits = gzip.decompress(compressed)
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
