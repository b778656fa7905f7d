"""Forms of the editor: shapes and choices only; the rules (who may, what is valid) are in `content.services`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tamyr.content import selectors
from tamyr.content.models import Entry, EntryKind, EntryStatus
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
