"""Writes for joint projects and the practice library: one transaction each, an audit row each, every reference
checked against what the caller may act on. E-mails about learning requests leave only after the commit."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tamyr.accounts import permissions
from tamyr.accounts import selectors as account_selectors
from tamyr.cooperation.models import (
    Direction,
    JointProject,
    LearnRequest,
    LearnStatus,
    MediaKind,
    PartnerRole,
    Practice,
    PracticeStatus,
    PracticeTheme,
    ProjectKind,
    ProjectMedia,
    ProjectPartner,
    ProjectStatus,
)
from tamyr.cooperation.services import _decimal, _translations
from tamyr.core import audit
from tamyr.core.errors import DomainError, NotAllowed
from tamyr.names.transliterate import latin_skeleton, loose
from tamyr.registry.models import Country, Network, Organization

PROJECT_FIELDS = (
    "title",
    "description",
    "kind",
    "status",
    "starts_on",
    "ends_on",
    "place",
    "currency",
    "budget",
    "is_public",
    "measure",
    "network",
)


def search_key(text: str) -> str:
    """The loose Latin skeleton `registry.search` ranks names by, applied to free text: "Открытая академия" and
    "Otkrytaya akademiya" give the same words."""
    return loose(latin_skeleton(text or "")).lower()


def _choice(value: Any, choices: Any, field: str) -> str:
    if value not in choices.values:
        raise DomainError(_("Choose one of: %(values)s.") % {"values": ", ".join(choices.values)}, field=field)
    return str(value)


def _money(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    number = _decimal(value, field)
    if number < 0:
        raise DomainError(_("An amount cannot be negative."), field=field)
    return number


def _clean_project(fields: Mapping[str, Any], acting_user: Any) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in PROJECT_FIELDS:
            raise DomainError(_("Unknown field: %(name)s.") % {"name": name}, field=name)
        if name == "title":
            cleaned[name] = _translations(value, name, required=True)
        elif name == "description":
            cleaned[name] = _translations(value, name)
        elif name == "kind":
            cleaned[name] = _choice(value, ProjectKind, name)
        elif name == "status":
            cleaned[name] = _choice(value, ProjectStatus, name)
        elif name == "budget":
            cleaned[name] = _money(value, name)
        elif name == "currency":
            code = str(value or "").strip().upper()
            if len(code) != 3 or not code.isalpha():
                raise DomainError(_("Give a three-letter currency code, e.g. EUR or KZT."), field=name)
            cleaned[name] = code
        elif name == "measure":
            if value is not None and not permissions.can(acting_user, "cooperation.view_plan", value.plan):
                raise DomainError(_("Choose a measure of a plan you can see."), field=name)
            cleaned[name] = value
        else:
            cleaned[name] = value
    starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
    if isinstance(starts, date) and isinstance(ends, date) and ends < starts:
        raise DomainError(_("The project cannot end before it starts."), field="ends_on")
    return cleaned


@transaction.atomic
def project_create(*, slug: str, lead: Organization, acting_user: Any, **fields: Any) -> JointProject:
    if not permissions.can(acting_user, "cooperation.add_project", lead):
        raise NotAllowed(_("Only the lead organization's admins and staff can start its projects."))
    slug = slugify(slug)
    if not slug:
        raise DomainError(_("Give a short address (letters, digits and hyphens)."), field="slug")
    if JointProject.objects.filter(slug=slug).exists():
        raise DomainError(_("This address is taken; choose another."), field="slug")
    cleaned = _clean_project(fields, acting_user)
    if "title" not in cleaned:
        raise DomainError(_("Give the text in at least one language."), field="title")
    project = JointProject.objects.create(slug=slug, lead=lead, **cleaned)
    ProjectPartner.objects.create(project=project, organization=lead, role=PartnerRole.LEAD)
    audit.record(acting_user, "cooperation.project_created", project)
    return project


@transaction.atomic
def project_update(*, project: JointProject, acting_user: Any, **fields: Any) -> JointProject:
    if not permissions.can(acting_user, "cooperation.change_project", project):
        raise NotAllowed(_("Only the lead organization's admins and staff can change the project."))
    cleaned = _clean_project(fields, acting_user)
    merged_starts = cleaned.get("starts_on", project.starts_on)
    merged_ends = cleaned.get("ends_on", project.ends_on)
    if merged_starts and merged_ends and merged_ends < merged_starts:
        raise DomainError(_("The project cannot end before it starts."), field="ends_on")
    changed = sorted(name for name, value in cleaned.items() if getattr(project, name) != value)
    for name, value in cleaned.items():
        setattr(project, name, value)
    project.save()
    audit.record(acting_user, "cooperation.project_updated", project, changed=changed)
    return project


@transaction.atomic
def partner_set(
    *,
    project: JointProject,
    organization: Organization,
    acting_user: Any,
    role: str = PartnerRole.PARTNER,
    role_note: str = "",
    contribution: Any = None,
    in_kind: str = "",
) -> ProjectPartner:
    """Add a partner or change its role and contribution (the lead's row too: its contribution counts)."""
    if not permissions.can(acting_user, "cooperation.change_project", project):
        raise NotAllowed(_("Only the lead organization's admins and staff can change the project."))
    role = _choice(role, PartnerRole, "role")
    if (role == PartnerRole.LEAD) != (organization.pk == project.lead_id):
        raise DomainError(_("Only the lead organization has the lead role."), field="role")
    partner, created = ProjectPartner.objects.update_or_create(
        project=project,
        organization=organization,
        defaults={
            "role": role,
            "role_note": role_note.strip()[:300],
            "contribution": _money(contribution, "contribution"),
            "in_kind": in_kind.strip()[:300],
        },
    )
    audit.record(
        acting_user,
        "cooperation.project_partner_set",
        project,
        organization=organization.slug,
        role=role,
        contribution=str(partner.contribution) if partner.contribution is not None else None,
        created=created,
    )
    return partner


@transaction.atomic
def partner_remove(*, project: JointProject, organization: Organization, acting_user: Any) -> None:
    if not permissions.can(acting_user, "cooperation.change_project", project):
        raise NotAllowed(_("Only the lead organization's admins and staff can change the project."))
    if organization.pk == project.lead_id:
        raise DomainError(_("The lead organization stays a partner of its project."), field="organization")
    deleted, _rows = ProjectPartner.objects.filter(project=project, organization=organization).delete()
    if deleted:
        audit.record(acting_user, "cooperation.project_partner_removed", project, organization=organization.slug)


@transaction.atomic
def project_events_set(*, project: JointProject, events: Iterable[Any], acting_user: Any) -> None:
    """Link the events that carry the project out; each must be one the caller may see."""
    if not permissions.can(acting_user, "cooperation.change_project", project):
        raise NotAllowed(_("Only the lead organization's admins and staff can change the project."))
    events = list(events)
    for event in events:
        if not permissions.can(acting_user, "events.view_event", event):
            raise DomainError(_("Choose events you can see."), field="events")
    project.events.set(events)
    audit.record(acting_user, "cooperation.project_events_set", project, events=sorted(e.slug for e in events))


@transaction.atomic
def project_media_add(
    *, project: JointProject, url: str, acting_user: Any, kind: str = MediaKind.OTHER, title: str = ""
) -> ProjectMedia:
    if not permissions.can(acting_user, "cooperation.change_project", project):
        raise NotAllowed(_("Only the lead organization's admins and staff can change the project."))
    url = (url or "").strip()
    if not url.startswith(("https://", "http://")):
        raise DomainError(_("Give a web address starting with https://."), field="url")
    media = ProjectMedia.objects.create(
        project=project, url=url, kind=_choice(kind, MediaKind, "kind"), title=title.strip()[:200]
    )
    audit.record(acting_user, "cooperation.project_media_added", project, url=url)
    return media


# --- practices ---


def _practice_search_text(practice: Practice) -> str:
    texts: list[str] = []
    for value in (practice.title, practice.summary, practice.body):
        texts.extend(value.values())
    texts.append(str(practice.organization))
    return " ".join(search_key(text) for text in texts if text)


@transaction.atomic
def practice_submit(
    *,
    organization: Organization,
    network: Network,
    slug: str,
    title: Any,
    contact_email: str,
    acting_user: Any,
    summary: Any = None,
    body: Any = None,
    theme: str = PracticeTheme.OTHER,
    direction: Direction | None = None,
    country: Country | None = None,
    contact_name: str = "",
    contact_phone: str = "",
) -> Practice:
    """An organization offers a practice to its network's library; it waits for the coordinators' review."""
    if not permissions.can(acting_user, "cooperation.submit_practice", organization):
        raise NotAllowed(_("Only the organization's admins and staff can submit its practices."))
    if not network.memberships.filter(organization=organization).exists():
        raise DomainError(_("The organization is not in this network."), field="network")
    if direction is not None and direction.plan.network_id != network.pk:
        raise DomainError(_("Choose a direction of this network's plan."), field="direction")
    slug = slugify(slug)
    if not slug:
        raise DomainError(_("Give a short address (letters, digits and hyphens)."), field="slug")
    if Practice.objects.filter(slug=slug).exists():
        raise DomainError(_("This address is taken; choose another."), field="slug")
    contact_email = (contact_email or "").strip()
    if "@" not in contact_email:
        raise DomainError(_("Give a contact e-mail address."), field="contact_email")
    practice = Practice(
        organization=organization,
        network=network,
        slug=slug,
        title=_translations(title, "title", required=True),
        summary=_translations(summary, "summary"),
        body=_translations(body, "body"),
        theme=_choice(theme, PracticeTheme, "theme"),
        direction=direction,
        country=country or organization.country,
        contact_name=contact_name.strip()[:200],
        contact_email=contact_email,
        contact_phone=contact_phone.strip()[:40],
        submitted_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    practice.search_text = _practice_search_text(practice)
    practice.save()
    audit.record(acting_user, "cooperation.practice_submitted", practice)
    return practice


PRACTICE_FIELDS = frozenset(
    {"title", "summary", "body", "theme", "direction", "country", "contact_name", "contact_email", "contact_phone"}
)


@transaction.atomic
def practice_update(*, practice: Practice, acting_user: Any, **fields: Any) -> Practice:
    """The owner changes its practice. A changed practice goes back to the coordinators' review (an accepted one
    leaves the library meanwhile): what the library shows is always what they accepted."""
    if not permissions.can(acting_user, "cooperation.change_practice", practice):
        raise NotAllowed(_("Only the organization's admins and staff can change its practices."))
    if unknown := sorted(set(fields) - PRACTICE_FIELDS):
        raise DomainError(_("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)})
    practice = Practice.objects.select_for_update(of=("self",)).select_related("organization").get(pk=practice.pk)
    for key in ("title", "summary", "body"):
        if key in fields:
            fields[key] = _translations(fields[key], key, required=key == "title")
    if "theme" in fields:
        fields["theme"] = _choice(fields["theme"], PracticeTheme, "theme")
    direction = fields.get("direction")
    if direction is not None and direction.plan.network_id != practice.network_id:
        raise DomainError(_("Choose a direction of this network's plan."), field="direction")
    if "contact_email" in fields:
        fields["contact_email"] = (fields["contact_email"] or "").strip()
        if "@" not in fields["contact_email"]:
            raise DomainError(_("Give a contact e-mail address."), field="contact_email")
    changed = sorted(name for name, value in fields.items() if getattr(practice, name) != value)
    if not changed:
        return practice
    for name in changed:
        setattr(practice, name, fields[name])
    practice.search_text = _practice_search_text(practice)
    practice.status = PracticeStatus.SUBMITTED
    practice.save()
    audit.record(acting_user, "cooperation.practice_updated", practice, changed=changed)
    return practice


@transaction.atomic
def practice_review(*, practice: Practice, accept: bool, acting_user: Any, reason: str = "") -> Practice:
    """Accept (the practice enters the public library) or reject with a reason the owner reads."""
    if not permissions.can(acting_user, "cooperation.review_practice", practice):
        raise NotAllowed(_("Only the network's coordinators review practices."))
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    if practice.status != PracticeStatus.SUBMITTED:
        raise DomainError(_("This practice has been reviewed already."))
    reason = (reason or "").strip()
    if not accept and not reason:
        raise DomainError(_("Say why the practice is rejected."), field="reason")
    practice.status = PracticeStatus.ACCEPTED if accept else PracticeStatus.REJECTED
    practice.review_note = reason
    practice.reviewed_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
    practice.reviewed_at = timezone.now()
    practice.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at", "updated_at"])
    audit.record(acting_user, "cooperation.practice_reviewed", practice, accepted=accept)
    return practice


def _mail_after_commit(subject: Callable[[], str], body: str, recipients: list[str]) -> None:
    """After the commit, one e-mail per recipient with the subject written in that recipient's saved language
    (the body is what a person typed, in whatever language they typed it)."""
    language = translation.get_language() or ""
    recipients = [address for address in recipients if address]

    def send() -> None:
        for address in recipients:
            with translation.override(account_selectors.language_for_address(address, language)):
                send_mail(subject(), body, None, [address], fail_silently=True)

    if recipients:
        transaction.on_commit(send)


@transaction.atomic
def learn_request(*, practice: Practice, organization: Organization, message: str, acting_user: Any) -> LearnRequest:
    """Ask the practice's owner to share it; the practice's contact is told by e-mail after the commit."""
    if practice.status != PracticeStatus.ACCEPTED:
        raise DomainError(_("Only practices in the library can be asked about."))
    if not permissions.can(acting_user, "cooperation.request_learning", organization):
        raise NotAllowed(_("Only the organization's admins and staff can ask in its name."))
    if organization.pk == practice.organization_id:
        raise DomainError(_("This is your own organization's practice."), field="organization")
    message = (message or "").strip()
    if not message:
        raise DomainError(_("Say what you would like to learn."), field="message")
    try:
        with transaction.atomic():
            request = LearnRequest.objects.create(
                practice=practice,
                organization=organization,
                requested_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
                message=message,
                requested_at=timezone.now(),
            )
    except IntegrityError as error:
        raise DomainError(_("Your organization has already asked; wait for the answer.")) from error
    audit.record(acting_user, "cooperation.learning_requested", practice, organization=organization.slug)
    _mail_after_commit(
        lambda: _("%(organization)s asks to learn from your practice") % {"organization": organization},
        f"{practice}\n\n{message}",
        [practice.contact_email],
    )
    return request


@transaction.atomic
def learn_answer(*, request: LearnRequest, accept: bool, answer: str, acting_user: Any) -> LearnRequest:
    """The owner answers; the person who asked is told by e-mail after the commit."""
    if not permissions.can(acting_user, "cooperation.answer_learning", request):
        raise NotAllowed(_("Only the practice's organization answers."))
    request = (
        LearnRequest.objects.select_for_update(of=("self",))
        .select_related("practice", "requested_by")
        .get(pk=request.pk)
    )
    if request.status != LearnStatus.OPEN:
        raise DomainError(_("This request has been answered already."))
    answer = (answer or "").strip()
    if not answer:
        raise DomainError(_("Write an answer (how and when, or why not)."), field="answer")
    request.status = LearnStatus.ACCEPTED if accept else LearnStatus.DECLINED
    request.answer = answer
    request.answered_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    audit.record(acting_user, "cooperation.learning_answered", request.practice, accepted=accept)
    recipient = getattr(request.requested_by, "email", "")
    _mail_after_commit(
        lambda: _("Answer about the practice %(practice)s") % {"practice": request.practice},
        answer,
        [recipient],
    )
    return request
