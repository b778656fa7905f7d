"""Forms of the editor: shapes and choices only; the rules (who may, what is valid) are in `content.services`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tamyr.content import selectors
from tamyr.content.models import Entry, EntryKind, EntryStatus
from tamyr.content.segments import RULE_KEYS
from tamyr.content.services import ATTACHMENT, COVER
from tamyr.core.i18n import TranslationsField
from tamyr.core.uploads import UploadField
from tamyr.registry.models import Network


def owner_key(owner: Any) -> str:
    return f"{'network' if isinstance(owner, Network) else 'organization'}:{owner.slug}"


class EntryForm(forms.Form):
    """One form for every language of an item: a title, summary and text per interface language."""

    owner = forms.ChoiceField(label=_("Published by"))
    kind = forms.ChoiceField(label=_("Kind"), choices=EntryKind.choices, initial=EntryKind.NEWS)
    slug = forms.SlugField(label=_("Address"), max_length=140, help_text=_("Letters, digits and hyphens."))
    title = TranslationsField(label=_("Title"))
    summary = TranslationsField(label=_("Summary"), textarea=True, required=False)
    body = TranslationsField(
        label=_("Text"), textarea=True, required=False,
        help_text=_("Paragraphs, headings, lists, links and images by address; anything else is removed."),
    )  # fmt: skip
    source_language = forms.ChoiceField(
        label=_("Source language"), choices=settings.LANGUAGES,
        help_text=_("The version the others are translated from: when it changes, they are marked out of date."),
    )  # fmt: skip
    fallback_language = forms.ChoiceField(
        label=_("Fallback language"), choices=settings.LANGUAGES,
        help_text=_("Shown to readers whose language has no version."),
    )  # fmt: skip
    status = forms.ChoiceField(label=_("Status"), choices=EntryStatus.choices, initial=EntryStatus.DRAFT)
    published_at = forms.DateTimeField(
        label=_("Publication time"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("A time ahead schedules the publication; empty with Published: now."),
    )  # fmt: skip
    parent = forms.ChoiceField(label=_("Under the page"), required=False)
    order = forms.IntegerField(label=_("Order among its sibling pages"), min_value=0, max_value=32000, required=False)
    cover = UploadField(label=_("Cover image"), policy=COVER, required=False)
    remove_cover = forms.BooleanField(label=_("Remove the cover image"), required=False)
    preview_language = forms.ChoiceField(label=_("Preview in"), choices=settings.LANGUAGES, required=False)

    def __init__(self, *args: Any, user: Any = None, entry: Entry | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entry = entry
        for widget in self.fields["body"].widget.widgets:
            widget.attrs.update({"class": "rich-text", "rows": 10, "data-rich-text": ""})
        if entry is None:
            owners = selectors.owners_for(user)
            choices = [(owner_key(owner), str(owner)) for owner in owners]
            self.fields["owner"].choices = choices  # type: ignore[attr-defined]
            del self.fields["parent"], self.fields["remove_cover"]
        else:
            del self.fields["owner"], self.fields["kind"]
            if entry.kind == EntryKind.PAGE:
                self.fields["parent"].choices = [  # type: ignore[attr-defined]
                    ("", "—"),
                    *((page.slug, str(page)) for page in selectors.parent_choices(entry)),
                ]
            else:
                del self.fields["parent"], self.fields["order"]

    @staticmethod
    def initial_for(entry: Entry) -> dict[str, Any]:
        return {
            "slug": entry.slug,
            "title": entry.title,
            "summary": entry.summary,
            "body": entry.body,
            "source_language": entry.source_language,
            "fallback_language": entry.fallback_language,
            "status": entry.status,
            "published_at": entry.published_at,
            "parent": entry.parent.slug if entry.parent else "",
            "order": entry.order,
            "preview_language": entry.source_language,
        }


class AttachmentForm(forms.Form):
    file = UploadField(label=_("File"), policy=ATTACHMENT)


# --- mailings ---------------------------------------------------------------------------------------------------


def _multiple(label: Any, help_text: Any = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, required=False, help_text=help_text, widget=forms.SelectMultiple(attrs={"size": 6})
    )


class SegmentForm(forms.Form):
    """A segment's rules as lists to choose from; an empty list does not narrow the audience."""

    organization = forms.ChoiceField(label=_("Organization"))
    name = forms.CharField(label=_("Name"), max_length=200)
    countries = _multiple(_("Countries of residence"))
    networks = _multiple(_("Networks"), _("People of the member organizations and at their events."))
    organizations = _multiple(
        _("Organizations"), _("Affiliated people, and the participants, learners and applicants of its activities.")
    )
    events = _multiple(_("Events"), _("People registered (not cancelled or declined)."))
    courses = _multiple(_("Courses"), _("Learners enrolled (active or completed)."))
    calls = _multiple(_("Calls"), _("Applicants who submitted an application."))
    languages = _multiple(_("Languages"), _("Their preferred language, else a language they speak."))

    def __init__(self, *args: Any, user: Any = None, segment: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from tamyr.content import mailing_choices

        language = translation.get_language()
        if segment is None:
            self.fields["organization"].choices = [  # type: ignore[attr-defined]
                (org.slug, str(org)) for org in selectors.mailing_organizations(user)
            ]
        else:
            del self.fields["organization"]
        for key, choices in mailing_choices.rule_choices(user, language).items():
            self.fields[key].choices = choices  # type: ignore[attr-defined]

    def rules(self) -> dict[str, list[str]]:
        return {key: list(self.cleaned_data.get(key) or []) for key in RULE_KEYS if self.cleaned_data.get(key)}


class CampaignForm(forms.Form):
    """A campaign's texts per language (tabs, as in the news editor), its audience and its fallback language."""

    organization = forms.ChoiceField(label=_("Organization"))
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("For the editors; recipients do not see it."))
    segment = forms.ChoiceField(label=_("Audience"))
    subject = TranslationsField(label=_("Subject"))
    body = TranslationsField(
        label=_("Text"), textarea=True, required=False,
        help_text=_("Plain text; a blank line starts a paragraph. {name}, {first_name} and {country} are filled in "
                    "from each recipient's record."),
    )  # fmt: skip
    fallback_language = forms.ChoiceField(
        label=_("Fallback language"), choices=settings.LANGUAGES,
        help_text=_("Sent to recipients whose language has no version."),
    )  # fmt: skip

    def __init__(self, *args: Any, user: Any = None, campaign: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        segments = selectors.segments_for(user)
        if campaign is None:
            self.fields["organization"].choices = [  # type: ignore[attr-defined]
                (org.slug, str(org)) for org in selectors.mailing_organizations(user)
            ]
        else:
            del self.fields["organization"]
            segments = segments.filter(organization_id=campaign.organization_id)
        self.fields["segment"].choices = [  # type: ignore[attr-defined]
            (str(segment.pk), f"{segment.name} ({segment.organization})") for segment in segments
        ]

    @staticmethod
    def initial_for(campaign: Any) -> dict[str, Any]:
        return {
            "name": campaign.name,
            "segment": str(campaign.segment_id),
            "subject": campaign.subject,
            "body": campaign.body,
            "fallback_language": campaign.fallback_language,
        }


class ScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("Send at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )


class MessagePreviewForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, required=False)
    person = forms.IntegerField(label=_("Recipient"), required=False, min_value=1)


class SendingIdentityForm(forms.Form):
    """Who an organization's mailings come from; the rules are in `delivery.sending_identity_set`."""

    from_email = forms.CharField(label=_("Sender address"), max_length=254, widget=forms.EmailInput)
    from_name = forms.CharField(label=_("Sender name"), max_length=200, required=False)
    dkim_domain = forms.CharField(
        label=_("DKIM domain"),
        max_length=253,
        required=False,
        help_text=_("The domain that signs: the sender address must be at it or at one of its subdomains."),
    )
    dkim_selector = forms.CharField(
        label=_("DKIM selector"),
        max_length=63,
        required=False,
        help_text=_("The public key is published in DNS at <selector>._domainkey.<domain>."),
    )
    dkim_private_key = forms.CharField(
        label=_("DKIM private key"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("RSA, unencrypted PEM. Stored encrypted, never shown again; leave empty to keep the current key."),
    )
    remove_key = forms.BooleanField(label=_("Remove the stored key (mailings go out unsigned)"), required=False)

    def key(self) -> bytes | None:
        """The new key, b"" to remove the stored one, None to keep it."""
        if self.cleaned_data["remove_key"]:
            return b""
        pem = self.cleaned_data["dkim_private_key"].strip()
        return pem.encode() if pem else None
