"""The platform admin's page for network files, under /admin/network-files/ in the admin's look: upload files, see
the plan (nothing written), apply exactly that plan; or download a network as a file (`tamyr dump`).

Why two steps and what "exactly" means: the upload's text is kept in the signed-in user's session (server-side, never
a file anyone can reach) together with nothing else; the page that shows the plan carries a digest of the files'
text and of the plan itself. Apply reads the files again, plans again inside its transaction and refuses when the
digest differs, so what is applied is what was shown: a file replaced in between (another tab's upload), or a
database changed in between (someone else's edit), makes the admin look at the new plan first.
See docs/decisions/0013-network-files.md.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from tamyr.accounts import permissions
from tamyr.core import netfiles, uploads
from tamyr.registry.models import Network

SESSION_KEY = "tamyr_network_files"
MAX_FILES = 5


class NetworkFilesForm(forms.Form):
    upload = uploads.UploadsField(policy=uploads.NETWORK_FILE, max_files=MAX_FILES, label=_lazy("Network files"))


class ApplyForm(forms.Form):
    digest = forms.CharField(max_length=64, widget=forms.HiddenInput)


class DumpForm(forms.Form):
    network = forms.ModelChoiceField(
        label=_lazy("Network"), queryset=Network.objects.order_by("slug"), to_field_name="slug"
    )


def _digest(sources: list[tuple[str, str]], plan: netfiles.Plan) -> str:
    """What the admin saw, in no one's language: the files' names and text, and every planned change."""
    changes = [[change.section.name, change.key, change.action, change.fields] for change in plan.changes]
    payload = json.dumps({"files": sources, "changes": changes}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _plan(sources: list[tuple[str, str]], user: Any) -> netfiles.Plan:
    """Read and plan, writing nothing (the plan only reads; the transaction is rolled back all the same)."""
    return netfiles.load(sources, dry_run=True, acting_user=user)


def _page(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context = {
        **admin.site.each_context(request),
        "title": _("Network files"),
        "upload_form": context.pop("upload_form", None) or NetworkFilesForm(),
        "dump_form": context.pop("dump_form", None) or DumpForm(),
        **context,
    }
    return render(request, "core/network_files.html", context, status=status)


def _allowed(request: HttpRequest, action: str) -> None:
    if not permissions.can(request.user, action):
        raise PermissionDenied


def network_files(request: HttpRequest) -> HttpResponse:
    """GET: the upload and download forms. POST: the uploaded files' plan, or their problems; nothing is written."""
    _allowed(request, "core.load_network_file")
    if request.method != "POST":
        return _page(request, {})
    form = NetworkFilesForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, {"upload_form": form}, status=400)
    sources = [(checked.original_name, checked.read().decode("utf-8")) for checked in form.cleaned_data["upload"]]
    request.session.pop(SESSION_KEY, None)
    try:
        plan = _plan(sources, request.user)
    except netfiles.NetfileError as error:
        return _page(request, {"problems": error.problems, "files": [name for name, _text in sources]}, status=400)
    context: dict[str, Any] = {"plan": plan, "files": [name for name, _text in sources]}
    if plan.has_changes:
        request.session[SESSION_KEY] = sources
        context["apply_form"] = ApplyForm(initial={"digest": _digest(sources, plan)})
    return _page(request, context)


@require_POST
def network_files_apply(request: HttpRequest) -> HttpResponse:
    """Apply the files kept from the upload, if they and their plan are still what the page showed; all or nothing,
    as the signed-in admin (so every audit row names them)."""
    _allowed(request, "core.load_network_file")
    form = ApplyForm(request.POST)
    sources = request.session.pop(SESSION_KEY, None)
    changed = _(
        "The files or the database changed since the plan was shown; nothing was written. Upload the files again."
    )
    if not form.is_valid() or not isinstance(sources, list):
        messages.error(request, changed)
        return redirect("network_files")
    sources = [(str(name), str(text)) for name, text in sources]
    try:
        with transaction.atomic():
            plan = netfiles.plan(netfiles.read(sources), acting_user=request.user)
            if _digest(sources, plan) != form.cleaned_data["digest"]:
                messages.error(request, changed)
                return redirect("network_files")
            netfiles.apply(plan)
    except netfiles.NetfileError as error:
        return _page(request, {"problems": error.problems, "files": [name for name, _text in sources]}, status=400)
    messages.success(
        request,
        _("Applied: %(create)s created, %(change)s changed, %(unchanged)s unchanged.")
        % {"create": plan.counts["create"], "change": plan.counts["change"], "unchanged": plan.counts["unchanged"]},
    )
    return redirect("network_files")


@require_GET
def network_files_dump(request: HttpRequest) -> HttpResponse:
    """`tamyr dump --network SLUG` as a download."""
    _allowed(request, "core.dump_network_file")
    form = DumpForm(request.GET)
    if not form.is_valid():
        return _page(request, {"dump_form": form}, status=400)
    network = form.cleaned_data["network"]
    text = netfiles.dump_text(netfiles.DumpScope(networks=[network.slug]))
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{network.slug}.yaml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
