"""The mailing editor's pages: campaigns and segments of the organizations the user manages, the segment's rule form
with a live audience preview, the campaign editor with a personalised preview, a test send, scheduling and a
progress bar. Thin: the services decide (and ask `can()`), the selectors read."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tamyr.accounts import permissions
from tamyr.content import delivery, selectors, services
from tamyr.content.forms import CampaignForm, MessagePreviewForm, ScheduleForm, SegmentForm, SendingIdentityForm
from tamyr.content.mailing import PLACEHOLDERS, render_message
from tamyr.content.models import Campaign, CampaignStatus, Segment, SendingIdentity
from tamyr.content.segments import recipients, segment_people
from tamyr.core.errors import DomainError
from tamyr.registry.models import Organization, Person
from tamyr.registry.selectors import people_visible_to

SAMPLE_SIZE = 10


def _require_mailings(request: HttpRequest) -> None:
    if not permissions.can(request.user, "content.manage_mailings"):
        raise PermissionDenied(_("Only organizations' admins and staff send mailings."))
    if request.method == "POST" and request.POST.get("organization"):
        organization = Organization.objects.filter(slug=request.POST["organization"]).first()
        if organization is not None and not permissions.can(request.user, "content.manage_mailings", organization):
            raise PermissionDenied(_("You do not send this organization's mailings."))


def _mine(request: HttpRequest, model: type[Segment] | type[Campaign], pk: int, action: str) -> Any:
    """The segment or campaign if the user may change it; someone else's is not found (its name is not theirs to
    learn)."""
    obj = get_object_or_404(model.objects.select_related("organization"), pk=pk)
    if not permissions.can(request.user, action, obj):
        raise Http404(_("No such page."))
    return obj


@login_required
def mailings(request: HttpRequest) -> HttpResponse:
    """Campaigns (with their messages counted by state, one grouped query) and segments."""
    _require_mailings(request)
    campaigns = list(selectors.campaigns_for(request.user)[:100])
    counts = selectors.message_counts([c.pk for c in campaigns])
    for campaign in campaigns:
        campaign.counts = counts[campaign.pk]  # type: ignore[attr-defined]
    return render(
        request,
        "content/mailings.html",
        {
            "campaigns": campaigns,
            "segments": selectors.segments_for(request.user)[:100],
            "can_set_senders": permissions.can(request.user, "content.change_sending_identity"),
        },
    )


# --- segments -----------------------------------------------------------------------------------------------------


def _audience(request: HttpRequest, rules: dict[str, list[str]]) -> dict[str, Any]:
    """The preview: how many the rules name, how many of them may be written to, and up to ten of their names."""
    try:
        services.check_segment_rules(request.user, rules)
    except DomainError as error:
        return {"error": str(error.message)}
    people = segment_people(rules)
    sample = _visible(request, people).order_by("display_name", "id").values_list("display_name", flat=True)
    return {"size": people.count(), "reachable": recipients(rules).count(), "sample": list(sample[:SAMPLE_SIZE])}


def _visible(request: HttpRequest, people: Any) -> Any:
    """Only the people the editor may see in the registry are named (the counts include everyone)."""
    return people.filter(pk__in=people_visible_to(request.user).values("pk"))


@login_required
def segment_create(request: HttpRequest) -> HttpResponse:
    _require_mailings(request)
    form = SegmentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        organization = Organization.objects.filter(slug=form.cleaned_data["organization"]).first()
        if organization is None or not permissions.can(request.user, "content.manage_mailings", organization):
            raise PermissionDenied(_("You do not send this organization's mailings."))
        try:
            segment = services.segment_create(
                acting_user=request.user, organization=organization, name=form.cleaned_data["name"], rules=form.rules()
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Saved."))
            return redirect("content:segment_edit", pk=segment.pk)
    return render(request, "content/segment_form.html", {"form": form, "segment": None})


@login_required
def segment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    segment = _mine(request, Segment, pk, "content.change_segment")
    initial = {"name": segment.name, **segment.rules}
    form = SegmentForm(request.POST or None, user=request.user, segment=segment, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.segment_update(
                segment=segment, acting_user=request.user, name=form.cleaned_data["name"], rules=form.rules()
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Saved."))
            return redirect("content:segment_edit", pk=segment.pk)
    return render(
        request,
        "content/segment_form.html",
        {"form": form, "segment": segment, "audience": _audience(request, segment.rules)},
    )


@login_required
@require_POST
def segment_preview(request: HttpRequest) -> HttpResponse:
    """The live preview (HTMX): the audience of the rules as the form stands, nothing saved."""
    _require_mailings(request)
    form = SegmentForm(request.POST, user=request.user)
    form.fields["organization"].required = False
    form.fields["name"].required = False
    audience = _audience(request, form.rules()) if form.is_valid() else {"error": _("Check the choices.")}
    return render(request, "content/_audience.html", {"audience": audience})


# --- campaigns ----------------------------------------------------------------------------------------------------


def _campaign_values(form: CampaignForm, segments: Any) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("organization", None)
    data["segment"] = segments.filter(pk=data["segment"]).first()
    return data


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    _require_mailings(request)
    initial = {"fallback_language": request.LANGUAGE_CODE}
    form = CampaignForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        organization = Organization.objects.filter(slug=form.cleaned_data["organization"]).first()
        if organization is None or not permissions.can(request.user, "content.manage_mailings", organization):
            raise PermissionDenied(_("You do not send this organization's mailings."))
        data = _campaign_values(form, selectors.segments_for(request.user))
        try:
            campaign = services.campaign_create(
                acting_user=request.user, organization=organization, segment=data.pop("segment"), **data
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Saved."))
            return redirect("content:campaign_edit", pk=campaign.pk)
    return render(request, "content/campaign_form.html", {"form": form, "campaign": None, "placeholders": PLACEHOLDERS})


def _preview(request: HttpRequest, campaign: Campaign) -> dict[str, Any]:
    """The message as a chosen recipient (or, without one, the editor's own record) would get it."""
    form = MessagePreviewForm(request.GET or None)
    language = request.LANGUAGE_CODE
    person: Person | None = None
    if form.is_valid():
        language = form.cleaned_data.get("language") or language
        if form.cleaned_data.get("person"):
            chosen = _visible(request, recipients(campaign.segment)).filter(pk=form.cleaned_data["person"])
            person = chosen.select_related("user").first()
    if person is None:
        person = Person.objects.filter(user_id=request.user.pk or 0).select_related("user").first() or Person(
            display_name=request.user.get_full_name() or request.user.get_username()  # type: ignore[union-attr]
        )
    subject, text, body_html = render_message(campaign, person, language)
    choices = (
        _visible(request, recipients(campaign.segment)).order_by("display_name", "id").values_list("pk", "display_name")
    )[:20]
    return {"form": form, "person": person, "language": language, "subject": subject, "text": text,
            "html": body_html, "choices": list(choices)}  # fmt: skip


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _mine(request, Campaign, pk, "content.change_campaign")
    editable = campaign.status in services.EDITABLE_CAMPAIGN
    form = CampaignForm(
        request.POST or None, user=request.user, campaign=campaign, initial=CampaignForm.initial_for(campaign)
    )
    if request.method == "POST" and editable and form.is_valid():
        data = _campaign_values(form, selectors.segments_for(request.user))
        try:
            services.campaign_update(campaign=campaign, acting_user=request.user, **data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Saved."))
            return redirect("content:campaign_edit", pk=campaign.pk)
    return render(
        request,
        "content/campaign_form.html",
        {
            "form": form,
            "campaign": campaign,
            "editable": editable,
            "placeholders": PLACEHOLDERS,
            "preview": _preview(request, campaign),
            "schedule_form": ScheduleForm(initial={"scheduled_at": campaign.scheduled_at}),
            "progress": selectors.campaign_progress(campaign),
            "audience_size": recipients(campaign.segment).count() if editable else None,
            "language_names": dict(settings.LANGUAGES),
        },
    )


@login_required
@require_POST
def campaign_action(request: HttpRequest, pk: int) -> HttpResponse:
    """The buttons: `test` (one copy to me), `schedule` (with `scheduled_at`), `unschedule`, `send` (now)."""
    campaign = _mine(request, Campaign, pk, "content.change_campaign")
    action = request.POST.get("action", "")
    try:
        if action == "test":
            address = services.campaign_send_test(campaign, request.user, request.POST.get("language") or "")
            messages.success(request, _("A test was sent to %(address)s.") % {"address": address})
        elif action == "schedule":
            form = ScheduleForm(request.POST)
            if not form.is_valid():
                raise services.ContentError(_("Give the date and time to send at."), field="scheduled_at")
            services.campaign_schedule(campaign, form.cleaned_data["scheduled_at"], request.user)
            messages.success(request, _("The campaign is scheduled."))
        elif action == "unschedule":
            services.campaign_cancel_schedule(campaign, request.user)
            messages.success(request, _("The schedule is cancelled; the campaign is a draft again."))
        elif action == "send":
            services.campaign_send_now(campaign, request.user)
            messages.success(request, _("Sending has started."))
        else:
            messages.error(request, _("Unknown action; nothing was changed."))
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("content:campaign_edit", pk=campaign.pk)


@login_required
def campaign_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar and counts (HTMX partial, polled every 2 s while the campaign is sending)."""
    campaign = _mine(request, Campaign, pk, "content.change_campaign")
    return render(
        request,
        "content/_campaign_progress.html",
        {"campaign": campaign, "progress": selectors.campaign_progress(campaign),
         "polling": campaign.status == CampaignStatus.SENDING},
    )  # fmt: skip


# --- sending identities ---------------------------------------------------------------------------------------------


@login_required
def senders(request: HttpRequest) -> HttpResponse:
    """Who each organization the user administers mails from, and whether its mailings are DKIM-signed."""
    if not permissions.can(request.user, "content.change_sending_identity"):
        raise PermissionDenied(_("Only organizations' admins set who their mailings come from."))
    organizations = list(selectors.sender_organizations(request.user)[:200])
    for organization in organizations:
        organization.identity = getattr(organization, "sending_identity", None)  # type: ignore[attr-defined]
    return render(request, "content/senders.html", {"organizations": organizations})


@login_required
def sender_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Create or change an organization's sending identity; the key is written, never shown."""
    organization = get_object_or_404(Organization, slug=slug, is_active=True)
    if not permissions.can(request.user, "content.change_sending_identity", organization):
        raise PermissionDenied(_("Only the administrators of this organization may do this."))
    identity = SendingIdentity.objects.filter(organization=organization).first()
    initial = {}
    if identity is not None:
        initial = {
            "from_email": identity.from_email,
            "from_name": identity.from_name,
            "dkim_domain": identity.dkim_domain,
            "dkim_selector": identity.dkim_selector,
        }
    form = SendingIdentityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            delivery.sending_identity_set(
                organization=organization,
                from_email=data["from_email"],
                from_name=data["from_name"],
                dkim_domain=data["dkim_domain"],
                dkim_selector=data["dkim_selector"],
                dkim_private_key_pem=form.key(),
                acting_user=request.user,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Saved."))
            return redirect("content:senders")
    return render(
        request, "content/sender_form.html", {"form": form, "organization": organization, "identity": identity}
    )
