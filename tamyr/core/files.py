"""The one door for private files, and the headers public media leave with.

Each app registers, in its `AppConfig.ready()`, the private files it keeps (`register(PrivateFile(...))`): the model,
the file field, the permission action asked of `permissions.can()`, and the object the rule is asked about. The view
`private_file` looks the row up, asks `can()`, and answers with the file as an attachment, never inline, with
`X-Content-Type-Options: nosniff` and the content type of the file's checked kind. A file that is missing and a file
the user may not have give the same 404, so nobody learns which ids exist.

In production the web server sends the bytes: with `TAMYR_PRIVATE_ACCEL_PREFIX` set (e.g. `/_private/`), the view
answers with `X-Accel-Redirect` to that internal nginx location (docs/deploy.md); empty, Django streams the file.

`core` imports no app: the permission module is looked up by its dotted name at request time.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db.models import Model, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.static import serve

from tamyr.core import uploads

#: Content types a private or public file may be served with; anything else is served as a download of bytes.
SAFE_TYPES = frozenset(kind.content_type for kind in uploads.KINDS) | {"text/plain"}
FALLBACK_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class PrivateFile:
    """One kind of private file. `kind` names it in URLs (`/files/<kind>/<key>/`)."""

    kind: str
    queryset: Callable[[], QuerySet[Any]]
    field: str
    action: str
    subject: Callable[[Any], Any] = lambda obj: obj
    filename: Callable[[Any], str] = lambda obj: ""
    lookup: str = "pk"
    audit_action: str = ""  # personal data read in bulk (an import, its report) leaves an audit row
    audit_target: Callable[[Any], Any] = lambda obj: obj


_REGISTRY: dict[str, PrivateFile] = {}


def register(spec: PrivateFile) -> None:
    _REGISTRY[spec.kind] = spec


def registered() -> dict[str, PrivateFile]:
    return dict(_REGISTRY)


def private_url(kind: str, obj: Model | Any) -> str:
    """The address of an object's private file (the same for everyone; the view decides who gets it)."""
    spec = _REGISTRY[kind]
    return reverse("private_file", kwargs={"kind": kind, "key": str(getattr(obj, spec.lookup))})


def safe_content_type(name: str) -> str:
    guessed = mimetypes.guess_type(name, strict=False)[0] or ""
    if guessed == "application/vnd.ms-excel" and name.endswith(".csv"):
        guessed = "text/csv"
    return guessed if guessed in SAFE_TYPES else FALLBACK_TYPE


def _can(user: Any, action: str, obj: Any) -> bool:
    permissions = import_module("tamyr.accounts.permissions")
    return bool(permissions.can(user, action, obj))


def attachment_response(field_file: Any, *, filename: str, private: bool = True) -> HttpResponseBase:
    """A stored file as a download: attachment, nosniff, a safe type, and no caching by shared caches."""
    name = field_file.name
    content_type = safe_content_type(name)
    download = filename or PurePosixPath(name).name
    extension = PurePosixPath(name).suffix
    if extension and not download.casefold().endswith(extension):
        download = f"{PurePosixPath(download).stem or 'file'}{extension}"
    prefix = getattr(settings, "TAMYR_PRIVATE_ACCEL_PREFIX", "")
    response: HttpResponseBase
    if prefix:
        if not field_file.storage.exists(name):
            raise Http404(_("No such file."))
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name)
        response["Content-Disposition"] = _disposition(download)
    else:
        try:
            handle = field_file.storage.open(name, "rb")
        except (FileNotFoundError, OSError) as error:
            raise Http404(_("No such file.")) from error
        response = FileResponse(handle, as_attachment=True, filename=download, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=3600"
    return response


def _disposition(filename: str) -> str:
    ascii_name = filename.encode("ascii", "ignore").decode().replace('"', "").replace("\\", "") or "file"
    return f"attachment; filename=\"{ascii_name}\"; filename*=utf-8''{quote(filename)}"


@require_GET
def private_file(request: HttpRequest, kind: str, key: str) -> HttpResponseBase:
    """Serve one private file to whoever `can()` says may have it; a 404 to everyone else."""
    spec = _REGISTRY.get(kind)
    if spec is None:
        raise Http404(_("No such file."))
    try:
        obj = spec.queryset().filter(**{spec.lookup: key}).first()
    except (ValueError, TypeError) as error:
        raise Http404(_("No such file.")) from error
    field_file = getattr(obj, spec.field, None) if obj is not None else None
    if obj is None or not field_file or not _can(request.user, spec.action, spec.subject(obj)):
        raise Http404(_("No such file."))
    response = attachment_response(field_file, filename=spec.filename(obj))
    if spec.audit_action:
        from tamyr.core import audit

        audit.record(request.user, spec.audit_action, spec.audit_target(obj), file=kind, id=str(key))
    return response


def public_media(request: HttpRequest, path: str) -> HttpResponseBase:
    """/media/ when Django serves it (development, small sites): only public files live there (logos, banners,
    gallery photos); every answer says nosniff, and whatever is not an image leaves as an attachment."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["X-Content-Type-Options"] = "nosniff"
    content_type = safe_content_type(path)
    if not content_type.startswith("image/") or content_type == "image/svg+xml":
        response["Content-Type"] = content_type
        response["Content-Disposition"] = _disposition(PurePosixPath(path).name)
    return response


# --- retention -----------------------------------------------------------------------------------------------------

_PURGES: dict[str, str] = {}


def register_purge(name: str, function: str) -> None:
    """An app's function (dotted path) that deletes its private files older than a moment: `f(*, before) -> int`."""
    _PURGES[name] = function


def purge(*, retention_days: int | None = None) -> dict[str, int]:
    """Run every registered purge with the retention period (TAMYR_FILE_RETENTION_DAYS, default 30 days)."""
    from datetime import timedelta

    from django.utils import timezone
    from django.utils.module_loading import import_string

    days = retention_days if retention_days is not None else int(settings.TAMYR_FILE_RETENTION_DAYS)
    before = timezone.now() - timedelta(days=days)
    return {name: int(import_string(path)(before=before)) for name, path in sorted(_PURGES.items())}
