"""Forms of the organizers' pages. Times are typed in the event's time zone and leave the form in UTC."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from tamyr.accounts import permissions
from tamyr.core import cldr, uploads
from tamyr.core.choices import CollatedModelChoiceField
from tamyr.core.i18n import TranslationsField
from tamyr.core.uploads import UploadField
from tamyr.core.zones import TimeZoneChoiceField, ZonedDateTimeField, in_zone, local, time_zone_choices
from tamyr.events.models import (
    Delegation,
    Event,
    EventKind,
    QuestionKind,
    RegistrationCategory,
    RegistrationStatus,
    SessionKind,
    Venue,
)
from tamyr.events.statistics import TOOK_PART_ATTENDED, TOOK_PART_CONFIRMED
from tamyr.registry import selectors as registry_selectors
from tamyr.registry.models import Country, Network, Organization, Person

# First path segments under /events/ that other pages use; an event's address may not take them.
RESERVED_SLUGS = frozenset(
    {
        "new",
        "statistics",
        "registrations",
        "invitations",
        "calendar",
        "feed",
        "feeds",
        "mine",
        "my",
        "me",
        "api",
        "network",
        "networks",
        "organizations",
        "organization",
        "check-in",
        "search",
    }
)


def _active_organizations() -> QuerySet[Organization]:
    return Organization.objects.filter(is_active=True).order_by("slug")


def people_queryset(user: Any) -> QuerySet[Person]:
    """Whom organizers may register, make speaker, head or member of a delegation: `people_in_reach`."""
    return registry_selectors.people_in_reach(user)


class PersonChoiceField(forms.ModelChoiceField):
    """A person picked from a name search (the template lists the matches as radio buttons)."""

    widget = forms.RadioSelect

    def label_from_instance(self, obj: Any) -> str:
        country = f" · {obj.residence_country.name}" if obj.residence_country_id else ""
        return f"{obj.display_name}{country}"


# --- the event -------------------------------------------------------------------------------------------------


class EventForm(forms.Form):
    title = TranslationsField(label=_("Title"), required=True)
    description = TranslationsField(label=_("Description"), required=False, textarea=True)
    slug = forms.SlugField(
        label=_("Web address"),
        required=False,
        max_length=140,
        help_text=_(
            "The last part of the event's address, e.g. diaspora-training-vienna-2026. Empty: made from the title."
        ),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    access = forms.ChoiceField(
        label=_("Who may register"),
        choices=[
            ("public", _("Anyone (a public event)")),
            ("invitation", _("By invitation only: participants come through delegations and invitations")),
        ],
        widget=forms.RadioSelect,
        initial="public",
    )
    organizer = forms.ModelChoiceField(label=_("Organizer"), queryset=Organization.objects.none())
    co_organizers = forms.ModelMultipleChoiceField(
        label=_("Co-organizers"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Their admins and staff can manage the event too."),
    )
    venue = forms.ModelChoiceField(
        label=_("Venue"),
        queryset=Venue.objects.select_related("country").order_by("city", "name"),
        required=False,
        empty_label=_("No venue, or a new one below"),
    )
    venue_name = forms.CharField(label=_("New venue: name"), max_length=200, required=False)
    venue_address = forms.CharField(label=_("New venue: address"), max_length=300, required=False)
    venue_city = forms.CharField(label=_("New venue: city"), max_length=120, required=False)
    venue_country = CollatedModelChoiceField(
        label=_("New venue: country"), queryset=Country.objects.all(), required=False
    )
    venue_time_zone = TimeZoneChoiceField(label=_("New venue: time zone"), required=False)
    online_url = forms.URLField(
        label=_("Online link"), required=False, assume_scheme="https", help_text=_("For online and hybrid events.")
    )
    time_zone = TimeZoneChoiceField(
        label=_("Time zone of the times below"),
        required=False,
        help_text=_("Empty: the venue's time zone."),
    )
    starts_at = ZonedDateTimeField(label=_("Starts"))
    ends_at = ZonedDateTimeField(label=_("Ends"))
    banner = UploadField(label=_("Banner image"), required=False, policy=uploads.BANNER)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, required=False, help_text=_("Empty: no limit."))
    registration_opens_at = ZonedDateTimeField(label=_("Registration opens"), required=False)
    registration_closes_at = ZonedDateTimeField(label=_("Registration deadline"), required=False)
    cancellation_closes_at = ZonedDateTimeField(label=_("Cancellation deadline"), required=False)
    requires_approval = forms.BooleanField(label=_("Registrations need the organizers' approval"), required=False)
    waiting_list = forms.BooleanField(label=_("Waiting list when full"), required=False, initial=True)

    TIME_FIELDS = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at", "cancellation_closes_at")

    def __init__(self, *args: Any, user: Any, event: Event | None = None, **kwargs: Any) -> None:
        self.event = event
        if event is not None:
            kwargs.setdefault("initial", self.initial_for(event))
        super().__init__(*args, **kwargs)
        scope = permissions.people_write_scope(user)
        organizers = _active_organizations()
        if scope is not None:
            organizers = organizers.filter(pk__in=scope)
        if event is not None and event.organizer_id:
            organizers = organizers | Organization.objects.filter(pk=event.organizer_id)
        self.fields["organizer"].queryset = organizers.distinct()  # type: ignore[attr-defined]
        if event is None:
            only = list(organizers.values_list("pk", flat=True)[:2])
            if len(only) == 1:  # staff of one organization: it is the organizer, nothing to choose
                self.fields["organizer"].initial = only[0]
        self.fields["co_organizers"].queryset = _active_organizations()  # type: ignore[attr-defined]
        zones = time_zone_choices()
        if event is not None and event.time_zone not in dict(zones):  # e.g. an old-style name set through the API
            zones = [(event.time_zone, cldr.zone_choice_label(event.time_zone)), *zones]
        self.fields["time_zone"].choices = [("", _("The venue's time zone")), *zones]  # type: ignore[attr-defined]
        self.fields["venue_time_zone"].choices = [("", "—"), *zones]  # type: ignore[attr-defined]
        hint: Any
        if event is not None:
            del self.fields["slug"]
            zone = cldr.zone_label(event.time_zone, event.starts_at)
            hint = _("In the event's time zone, %(zone)s.") % {"zone": zone}
            self.fields["time_zone"].help_text = _("Changing it keeps the times as typed, in the new zone.")
        else:
            hint = _("In the time zone chosen above (or the venue's).")
        for name in self.TIME_FIELDS:
            self.fields[name].help_text = hint

    @staticmethod
    def initial_for(event: Event) -> dict[str, Any]:
        zone = event.time_zone
        initial: dict[str, Any] = {
            "title": event.title,
            "description": event.description,
            "kind": event.kind,
            "access": "public" if event.is_public else "invitation",
            "organizer": event.organizer_id,
            "co_organizers": [org.pk for org in event.co_organizers.all()],
            "venue": event.venue_id,
            "online_url": event.online_url,
            "time_zone": zone,
            "capacity": event.capacity,
            "requires_approval": event.requires_approval,
            "waiting_list": event.waiting_list,
        }
        for name in EventForm.TIME_FIELDS:
            initial[name] = local(getattr(event, name), zone)
        return initial

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or ""
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This address is taken by a page of the site; choose another."))
        return slug

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new_venue = any(data.get(name) for name in ("venue_name", "venue_address", "venue_city", "venue_country"))
        if new_venue:
            if data.get("venue"):
                self.add_error("venue", _("Pick an existing venue or describe a new one, not both."))
            for name in ("venue_name", "venue_city", "venue_country", "venue_time_zone"):
                if not data.get(name):
                    self.add_error(name, _("A new venue needs a name, city, country and time zone."))
        if not data.get("venue") and not new_venue and not data.get("online_url"):
            self.add_error("venue", _("Give a venue, an online link, or both."))
        zone = data.get("time_zone") or (data.get("venue_time_zone") if new_venue else "")
        if not zone and data.get("venue"):
            zone = data["venue"].time_zone
        if not zone:
            self.add_error(
                "time_zone", _("Choose the time zone the times are typed in (for an online event, the organizer's).")
            )
            return data
        data["time_zone"] = zone
        for name in self.TIME_FIELDS:
            data[name] = in_zone(data.get(name), zone)
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] < data["starts_at"]:
            self.add_error("ends_at", _("The event cannot end before it starts."))
        opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
        if opens and closes and closes < opens:
            self.add_error("registration_closes_at", _("The deadline cannot come before registration opens."))
        return data

    def event_fields(self) -> dict[str, Any]:
        """The cleaned values as `services.event_create` / `event_update` take them (venue set by the view)."""
        data = self.cleaned_data
        fields = {
            "title": data["title"],
            "description": data.get("description") or {},
            "kind": data["kind"],
            "is_public": data["access"] == "public",
            "organizer": data["organizer"],
            "venue": data.get("venue"),
            "online_url": data.get("online_url") or "",
            "time_zone": data["time_zone"],
            "capacity": data.get("capacity"),
            "requires_approval": bool(data.get("requires_approval")),
            "waiting_list": bool(data.get("waiting_list")),
        }
        for name in self.TIME_FIELDS:
            fields[name] = data.get(name)
        if data.get("banner"):
            fields["banner"] = data["banner"]
        return fields

    def new_venue(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("venue_name"):
            return None
        return {
            "name": data["venue_name"],
            "address": data.get("venue_address") or "",
            "city": data["venue_city"],
            "country": data["venue_country"],
            "time_zone": data["venue_time_zone"],
        }

    def slug_for(self) -> str:
        return self.cleaned_data.get("slug") or ""


def slug_from_title(title: dict[str, str], starts_at: dt.datetime | None) -> str:
    """A readable, unique address: the English (else any) title in Latin letters, and the year."""
    from tamyr.names.transliterate import latin_skeleton

    text = title.get("en") or next(iter(title.values()), "")
    base = slugify(text) if text.isascii() else slugify(latin_skeleton(text))
    base = (base or "event")[:110].strip("-")
    if starts_at is not None and str(starts_at.year) not in base:
        base = f"{base}-{starts_at.year}"
    slug, number = base, 2
    while slug in RESERVED_SLUGS or Event.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


class CancelEventForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, sent to everyone registered"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("Yes, cancel the event and tell everyone registered"),
        required=True,
        error_messages={"required": _("Tick the box to confirm; a cancelled event cannot be published again.")},
    )


# --- timetable -------------------------------------------------------------------------------------------------


class SessionForm(forms.Form):
    title = TranslationsField(label=_("Title"), required=True)
    description = TranslationsField(label=_("Description"), required=False, textarea=True)
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices, initial=SessionKind.OTHER)
    starts_at = ZonedDateTimeField(label=_("Starts"))
    ends_at = ZonedDateTimeField(label=_("Ends"))
    venue = forms.ModelChoiceField(
        label=_("Venue"),
        queryset=Venue.objects.order_by("city", "name"),
        required=False,
        empty_label=_("The event's venue"),
        help_text=_("When it differs, e.g. a concert hall on day one."),
    )
    room = forms.CharField(label=_("Room"), max_length=120, required=False)
    language = forms.CharField(
        label=_("Language"), max_length=8, required=False, help_text=_("ISO 639 code, e.g. kk, en, tr, az.")
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        self.event = event
        super().__init__(*args, **kwargs)
        zone = cldr.zone_label(event.time_zone, event.starts_at)
        hint = _("In the event's time zone, %(zone)s.") % {"zone": zone}
        self.fields["starts_at"].help_text = hint
        self.fields["ends_at"].help_text = hint

    @staticmethod
    def initial_for(session: Any) -> dict[str, Any]:
        zone = session.event.time_zone
        return {
            "title": session.title,
            "description": session.description,
            "kind": session.kind,
            "starts_at": local(session.starts_at, zone),
            "ends_at": local(session.ends_at, zone),
            "venue": session.venue_id,
            "room": session.room,
            "language": session.language,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("starts_at", "ends_at"):
            data[name] = in_zone(data.get(name), self.event.time_zone)
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] < data["starts_at"]:
            self.add_error("ends_at", _("The session cannot end before it starts."))
        return data

    def session_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {key: data.get(key) if key != "description" else data.get(key) or {} for key in self.fields}


class SpeakerForm(forms.Form):
    person = PersonChoiceField(label=_("Speaker"), queryset=Person.objects.none())
    title_at_event = forms.CharField(
        label=_("Title as said at the event"),
        max_length=300,
        required=False,
        help_text=_("E.g. Secretary General of the Organization of Turkic States."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people_queryset(user)  # type: ignore[attr-defined]


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = UploadField(label=_("File"), required=False, policy=uploads.SESSION_MATERIAL)
    url = forms.URLField(label=_("Or a link"), required=False, assume_scheme="https")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError(_("Attach a file or give a link — one of the two."))
        return data


# --- registration form -----------------------------------------------------------------------------------------


class CategoryForm(forms.Form):
    name = TranslationsField(label=_("Name"), required=True)
    capacity = forms.IntegerField(label=_("Seats"), min_value=0, required=False, help_text=_("Empty: no limit."))


class QuestionForm(forms.Form):
    label = TranslationsField(label=_("Question"), required=True)
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=QuestionKind.choices)
    choices = forms.CharField(
        label=_("Answers to choose from"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For single and multiple choice: one answer per line."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False)

    def clean_choices(self) -> list[dict[str, str]]:
        language = (translation.get_language() or "en").split("-")[0]
        lines = [line.strip() for line in (self.cleaned_data.get("choices") or "").splitlines() if line.strip()]
        return [{language: line} for line in lines]


# --- registrations ----------------------------------------------------------------------------------------------


class RegistrationFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *RegistrationStatus.choices], required=False
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    delegation = forms.ChoiceField(label=_("Delegation"), required=False)
    checked_in = forms.ChoiceField(
        label=_("Checked in"),
        choices=[("", _("Either")), ("yes", _("Checked in")), ("no", _("Not checked in"))],
        required=False,
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("Any category")),
            *[(str(c.pk), str(c)) for c in event.categories.all()],
        ]
        self.fields["delegation"].choices = [  # type: ignore[attr-defined]
            ("", _("Any delegation")),
            ("none", _("No delegation")),
            *[(str(d.pk), str(d)) for d in event.delegations.select_related("country", "organization")],
        ]


def _category_field(event: Event) -> forms.ModelChoiceField:
    categories = RegistrationCategory.objects.filter(event=event)
    return forms.ModelChoiceField(
        label=_("Category"), queryset=categories, required=categories.exists(), empty_label=_("Choose a category")
    )


class OnBehalfForm(forms.Form):
    """Staff register a person their organization keeps; the service skips the window and the approval step."""

    person = PersonChoiceField(label=_("Person"), queryset=Person.objects.none())

    def __init__(self, *args: Any, user: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people_queryset(user)  # type: ignore[attr-defined]
        self.fields["category"] = _category_field(event)
        self.fields["delegation"] = forms.ModelChoiceField(
            label=_("Delegation"),
            queryset=Delegation.objects.filter(event=event).select_related("country", "organization"),
            required=False,
            empty_label=_("No delegation"),
        )
        self.fields["organization"] = forms.ModelChoiceField(
            label=_("Representing"),
            queryset=_active_organizations(),
            required=False,
            empty_label="—",
        )


# --- delegations and invitations ------------------------------------------------------------------------------


class DelegationForm(forms.Form):
    country = CollatedModelChoiceField(label=_("Country"), queryset=Country.objects.all(), required=False)
    organization = forms.ModelChoiceField(
        label=_("Or organization"), queryset=Organization.objects.none(), required=False
    )
    head = PersonChoiceField(label=_("Head of delegation"), queryset=Person.objects.none(), required=False)
    head_title = forms.CharField(
        label=_("Title of the head"),
        max_length=300,
        required=False,
        help_text=_("As said at the event, e.g. Chairman of the Committee for Diaspora Affairs."),
    )
    size_limit = forms.IntegerField(label=_("Seats"), min_value=1, required=False, help_text=_("Empty: no limit."))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _active_organizations()  # type: ignore[attr-defined]
        self.fields["head"].queryset = people_queryset(user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("country") and not data.get("organization"):
            raise forms.ValidationError(_("A delegation represents a country or an organization: choose one."))
        return data


class DelegationEditForm(forms.Form):
    head = PersonChoiceField(label=_("Head of delegation"), queryset=Person.objects.none(), required=False)
    head_title = forms.CharField(label=_("Title of the head"), max_length=300, required=False)
    size_limit = forms.IntegerField(label=_("Seats"), min_value=1, required=False, help_text=_("Empty: no limit."))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = people_queryset(user)  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    person = PersonChoiceField(label=_("Person"), queryset=Person.objects.none())

    def __init__(self, *args: Any, user: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people_queryset(user)  # type: ignore[attr-defined]
        self.fields["delegation"] = forms.ModelChoiceField(
            label=_("Delegation"),
            queryset=Delegation.objects.filter(event=event).select_related("country", "organization"),
        )
        self.fields["category"] = _category_field(event)


class InvitationForm(forms.Form):
    emails = forms.CharField(
        label=_("E-mail addresses"),
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("One address per line. Each receives a personal link to register."),
    )
    delegation = forms.ModelChoiceField(
        label=_("Delegation"), queryset=Delegation.objects.none(), required=False, empty_label=_("No delegation")
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["delegation"].queryset = Delegation.objects.filter(event=event).select_related(  # type: ignore[attr-defined]
            "country", "organization"
        )

    def clean_emails(self) -> list[str]:
        text = self.cleaned_data.get("emails") or ""
        return [line.strip() for line in text.replace(",", "\n").replace(";", "\n").splitlines() if line.strip()]


# --- check-in --------------------------------------------------------------------------------------------------


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Code on the badge"),
        max_length=64,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "inputmode": "text",
                "autocapitalize": "characters",
                "autocomplete": "off",
                "autocorrect": "off",
                "spellcheck": "false",
                "enterkeyhint": "go",
                "class": "checkin-code",
            }
        ),
    )


# --- statistics ------------------------------------------------------------------------------------------------


class OverviewFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    organizer = forms.ModelChoiceField(
        label=_("Organizer"),
        queryset=Organization.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label=_("All organizers"),
    )
    network = forms.ModelChoiceField(
        label=_("Network"),
        queryset=Network.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label=_("All networks"),
    )
    took_part = forms.ChoiceField(
        label=_("Took part means"),
        choices=[(TOOK_PART_CONFIRMED, _("Confirmed registration")), (TOOK_PART_ATTENDED, _("Checked in"))],
        required=False,
    )

    def __init__(self, *args: Any, events: QuerySet[Event], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = sorted({d.year for d in events.dates("starts_at", "year")} | {timezone.now().year}, reverse=True)
        self.fields["year"].choices = [("", _("All years")), *[(y, str(y)) for y in years]]  # type: ignore[attr-defined]
        organizers = Organization.objects.filter(organized_events__in=events).distinct().order_by("slug")
        self.fields["organizer"].queryset = organizers  # type: ignore[attr-defined]
        self.fields["network"].queryset = (  # type: ignore[attr-defined]
            Network.objects.filter(memberships__organization__organized_events__in=events).distinct().order_by("slug")
        )


# --- gallery ---------------------------------------------------------------------------------------------------


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    widget = MultipleImageInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:  # type: ignore[override]
        single = super().clean
        files = [single(item, initial) for item in data] if isinstance(data, (list, tuple)) else [single(data, initial)]
        checked = []
        for item in files:
            if not item:
                continue
            try:  # by content, re-encoded: a GIF or a page named .jpg, or a script riding along, never gets stored
                checked.append(uploads.check(item, uploads.PHOTO))
            except uploads.UploadRefused as error:
                raise forms.ValidationError(f"{item.name}: {error.message}", code=error.code) from error
        return checked


class PhotoUploadForm(forms.Form):
    images = MultipleImageField(
        label=_("Photos"), help_text=_("Choose several at once; JPEG, PNG or WebP, up to 15 MB each.")
    )
    caption = TranslationsField(label=_("Caption for these photos"), required=False)


class PhotoCaptionForm(forms.Form):
    caption = TranslationsField(label=_("Caption"), required=False)
