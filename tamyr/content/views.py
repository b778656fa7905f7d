"""Pages of news and pages: the public reading side, and the editors' side (list, editor with preview, revisions,
attachments). Thin: each asks `can()` (through the selectors or the services) and renders."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tamyr.accounts import permissions
from tamyr.content import html, selectors, services
from tamyr.content.forms import AttachmentForm, EntryForm
from tamyr.content.models import Attachment, Entry, EntryKind, Revision
from tamyr.core.errors import DomainError
from tamyr.core.i18n import LANGUAGE_CODES
from tamyr.registry.models import Network, Organization

PAGE_SIZE = 20


def _page(request: HttpRequest, items: Any) -> Any:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _reading(request: HttpRequest) -> str:
    """A version asked for by `?lang=` (a reader following a feed in that language), else the interface's."""
    wanted = request.GET.get("lang", "")
    return wanted if wanted in LANGUAGE_CODES else (request.LANGUAGE_CODE or settings.LANGUAGE_CODE)


# --- the public side --------------------------------------------------------------------------------------------


def news_list(request: HttpRequest) -> HttpResponse:
    """All published news, newest first; `?organization=` or `?network=` narrows it to one owner."""
    owner: Organization | Network | None = None
    if request.GET.get("organization"):
        owner = get_object_or_404(Organization, slug=request.GET["organization"])
    elif request.GET.get("network"):
        owner = get_object_or_404(Network, slug=request.GET["network"])
    page = _page(request, selectors.public_news(owner=owner))
    return render(
        request,
        "content/news_list.html",
        {
            "page": page,
            "owner": owner,
            "may_edit": permissions.can(request.user, "content.add_entry"),
        },
    )


def _detail(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    try:
        entry = selectors.entry_for_reader(kind, slug, request.user)
    except Entry.DoesNotExist as error:
        raise Http404(_("No such page.")) from error
    language = entry.reading_language(_reading(request))
    return render(
        request,
        "content/entry_detail.html",
        {
            "entry": entry,
            "language": language,
            "title": entry.title.get(language, ""),
            "summary": entry.summary.get(language, ""),
            "body": entry.body.get(language, ""),
            "children": selectors.children(entry, request.user) if kind == EntryKind.PAGE else [],
            "may_edit": permissions.can(request.user, "content.change_entry", entry),
            "language_names": dict(settings.LANGUAGES),
        },
    )


def news_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _detail(request, EntryKind.NEWS, slug)


def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _detail(request, EntryKind.PAGE, slug)


# --- the editors' side ------------------------------------------------------------------------------------------


def _editable(request: HttpRequest, pk: int) -> Entry:
    """The item, if the user may edit it: 403 when they may read it but not edit it, 404 when not even read it."""
    entry = get_object_or_404(Entry.objects.select_related("organization", "network", "parent"), pk=pk)
    if permissions.can(request.user, "content.change_entry", entry):
        return entry
    if permissions.can(request.user, "content.view_entry", entry):
        raise PermissionDenied(_("Only the editors of this organization or network may change this."))
    raise Http404(_("No such page."))


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """The editor's list: every item they may edit, its status, and which translations are out of date."""
    if not permissions.can(request.user, "content.add_entry"):
        raise PermissionDenied(_("Only organizations' admins and staff and network coordinators edit news."))
    kind = request.GET.get("kind", "")
    entries = selectors.editable_entries(request.user, kind=kind if kind in EntryKind.values else "")
    return render(
        request,
        "content/manage.html",
        {"page": _page(request, entries), "kind": kind, "language_names": dict(settings.LANGUAGES)},
    )


def _owner_from(key: str) -> Organization | Network | None:
    scope, _sep, slug = key.partition(":")
    models: dict[str, type[Organization] | type[Network]] = {"organization": Organization, "network": Network}
    model = models.get(scope)
    return model.objects.filter(slug=slug).first() if model else None


def _values(form: EntryForm, entry: Entry | None) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("preview_language", None)
    if entry is not None and "parent" in data:
        slug = data.pop("parent")
        data["parent"] = selectors.parent_choices(entry).filter(slug=slug).first() if slug else None
    if data.get("order") is None:
        data.pop("order", None)
    if not data.get("cover"):
        data.pop("cover", None)
    return data


def _preview(form: EntryForm) -> dict[str, str] | None:
    """What the page would show in the chosen language, sanitised as on the page; nothing is saved."""
    if not form.is_valid():
        return None
    language = form.cleaned_data.get("preview_language") or form.cleaned_data["source_language"]
    pick = {field: form.cleaned_data.get(field) or {} for field in ("title", "summary", "body")}
    return {
        "language": language,
        "title": pick["title"].get(language, ""),
        "summary": pick["summary"].get(language, ""),
        "body": html.clean(pick["body"].get(language, "")),
    }


@login_required
def entry_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can(request.user, "content.add_entry"):
        raise PermissionDenied(_("Only organizations' admins and staff and network coordinators edit news."))
    if request.method == "POST" and request.POST.get("owner"):
        owner = _owner_from(request.POST["owner"])
        if owner is not None and not permissions.can(request.user, "content.add_entry", owner):
            raise PermissionDenied(_("You do not edit the news of this organization or network."))
    initial = {"kind": request.GET.get("kind", EntryKind.NEWS), "source_language": request.LANGUAGE_CODE,
               "fallback_language": request.LANGUAGE_CODE}  # fmt: skip
    form = EntryForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    preview = None
    if request.method == "POST" and request.POST.get("action") == "preview":
        preview = _preview(form)
    elif request.method == "POST" and form.is_valid():
        data = _values(form, None)
        owner = _owner_from(data.pop("owner"))
        data.pop("remove_cover", None)
        try:
            entry = services.entry_create(
                acting_user=request.user,
                organization=owner if isinstance(owner, Organization) else None,
                network=owner if isinstance(owner, Network) else None,
                **data,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Saved."))
            return redirect("content:entry_edit", pk=entry.pk)
    return render(request, "content/entry_form.html", {"form": form, "entry": None, "preview": preview})


@login_required
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _editable(request, pk)
    form = EntryForm(
        request.POST or None, request.FILES or None, user=request.user, entry=entry,
        initial=EntryForm.initial_for(entry),
    )  # fmt: skip
    preview = None
    if request.method == "POST" and request.POST.get("action") == "preview":
        preview = _preview(form)
    elif request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_update(entry=entry, acting_user=request.user, **_values(form, entry))
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Saved."))
            return redirect("content:entry_edit", pk=entry.pk)
    return render(
        request,
        "content/entry_form.html",
        {
            "form": form,
            "entry": entry,
            "preview": preview,
            "attachments": entry.attachments.all(),
            "attachment_form": AttachmentForm(),
            "language_names": dict(settings.LANGUAGES),
        },
    )


@login_required
def entry_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    """Every saved state of the item, newest first; restoring one writes its texts back as a new revision."""
    entry = _editable(request, pk)
    if request.method == "POST":
        revision = get_object_or_404(Revision, entry=entry, pk=request.POST.get("revision") or 0)
        services.revision_restore(revision=revision, acting_user=request.user)
        messages.success(request, _("Revision %(number)s is restored.") % {"number": revision.number})
        return redirect("content:entry_edit", pk=entry.pk)
    revisions = entry.revisions.select_related("created_by")
    return render(request, "content/revisions.html", {"entry": entry, "page": _page(request, revisions)})


@login_required
@require_POST
def entry_attachments(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a file (`file`) or remove one (`remove`: its id)."""
    entry = _editable(request, pk)
    if request.POST.get("remove"):
        attachment = get_object_or_404(Attachment, entry=entry, pk=request.POST["remove"])
        services.attachment_remove(attachment=attachment, acting_user=request.user)
        messages.success(request, _("The file is removed."))
        return redirect("content:entry_edit", pk=entry.pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        services.attachment_add(entry=entry, upload=form.cleaned_data["file"], acting_user=request.user)
        messages.success(request, _("The file is attached."))
        return redirect("content:entry_edit", pk=entry.pk)
    return render(request, "content/attachment_form.html", {"entry": entry, "attachment_form": form}, status=200)


# --- unsubscribing from a mailing (RFC 8058) ------------------------------------------------------------------------


@csrf_exempt  # the one-click POST comes from the recipient's mail client; the signed token is the proof
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation (and changes nothing: link scanners follow links); POST, from the page or a mail
    client's one-click (`List-Unsubscribe=One-Click`), withdraws the recipient's contact consent. Shown in the
    language the e-mail was written in."""
    from tamyr.content import delivery

    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405)
    message = delivery.message_for_token(token)
    language = message.language if message is not None else translation.get_language()
    with translation.override(language):
        if message is None:
            return render(request, "content/unsubscribe.html", {"message": None}, status=404)
        if request.method == "POST":
            message = delivery.message_unsubscribe(message=message)
        return render(request, "content/unsubscribe.html", {"message": message})
