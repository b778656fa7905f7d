"""The one way an uploaded file enters Tamyr: checked by its content, re-encoded when it is an image, renamed to
something nobody can guess, and stored where its field says (public media, or the private folder that only
`core.files` serves after asking `permissions.can()`).

Every upload field names a `Policy` below (which kinds of content, how large, public or private). Forms use
`UploadField(policy=...)`, which refuses a bad file as a field error; services call `check()` on what they are
given (a file a form already checked passes straight through), so a command or an API that forgets the form still
cannot store an unchecked file. What is refused: anything whose first bytes are not one of the policy's kinds,
whatever its name or the browser's content type says; markup (HTML, SVG, XML) and scripts everywhere; images
larger than the policy's pixel budget (decompression bombs) and files over the size limit.
See docs/decisions/0007-private-files-and-uploads.md.
"""

from __future__ import annotations

import io
import secrets
import warnings
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage
from django.db import transaction
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, ImageSequence

from tamyr.core import encodings
from tamyr.core.errors import DomainError

MB = 1024 * 1024
HEAD_BYTES = 4096


@dataclass(frozen=True)
class Kind:
    """A kind of content we accept somewhere: what it is called, how it is stored and served."""

    name: str
    extension: str
    content_type: str
    image: bool = False
    text: bool = False  # read whole as UTF-8 and kept as text (never an attachment to serve back)


JPEG = Kind("JPEG", ".jpg", "image/jpeg", image=True)
PNG = Kind("PNG", ".png", "image/png", image=True)
GIF = Kind("GIF", ".gif", "image/gif", image=True)
WEBP = Kind("WebP", ".webp", "image/webp", image=True)
PDF = Kind("PDF", ".pdf", "application/pdf")
DOCX = Kind("DOCX", ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = Kind("XLSX", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
PPTX = Kind("PPTX", ".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation")
ODT = Kind("ODT", ".odt", "application/vnd.oasis.opendocument.text")
ODS = Kind("ODS", ".ods", "application/vnd.oasis.opendocument.spreadsheet")
CSV = Kind("CSV", ".csv", "text/csv")
YAML = Kind("YAML", ".yaml", "application/yaml", text=True)

IMAGES = frozenset({JPEG, PNG, GIF, WEBP})
DOCUMENTS = frozenset({PDF, DOCX, XLSX, PPTX, ODT, ODS}) | IMAGES
KINDS = (JPEG, PNG, GIF, WEBP, PDF, DOCX, XLSX, PPTX, ODT, ODS, CSV, YAML)
EXTENSIONS = frozenset(kind.extension for kind in KINDS)
_PIL_FORMATS = {"JPEG": JPEG, "PNG": PNG, "GIF": GIF, "WEBP": WEBP}


@dataclass(frozen=True)
class Policy:
    """What one upload field accepts."""

    name: str
    kinds: frozenset[Kind]
    max_bytes: int
    private: bool
    max_pixels: int = 40_000_000  # a 7,000 × 5,700 photo; decoding it takes ~160 MB, well within a worker

    @property
    def limit(self) -> int:
        """The size limit in bytes: `max_bytes`, unless TAMYR_UPLOAD_LIMITS (policy name → bytes) says otherwise."""
        return int(getattr(settings, "TAMYR_UPLOAD_LIMITS", {}).get(self.name, self.max_bytes))


LOGO = Policy("logo", IMAGES, 2 * MB, private=False, max_pixels=16_000_000)
BANNER = Policy("banner", IMAGES, 5 * MB, private=False)
PHOTO = Policy("photo", frozenset({JPEG, PNG, WEBP}), 15 * MB, private=False)
ANSWER = Policy("answer", DOCUMENTS, 10 * MB, private=True)
SESSION_MATERIAL = Policy("session_material", DOCUMENTS, 25 * MB, private=True)
LESSON_MATERIAL = Policy("lesson_material", DOCUMENTS, 25 * MB, private=True)
PEOPLE_IMPORT = Policy("people_import", frozenset({CSV, XLSX}), 50 * MB, private=True)
#: measures or reported values of a plan, imported and then forgotten (never stored)
PLAN_IMPORT = Policy("plan_import", frozenset({CSV, XLSX}), 5 * MB, private=True)
ESTIMATE_IMPORT = Policy("estimate_import", frozenset({CSV, XLSX}), 20 * MB, private=True)
#: evidence for a value reported on a plan's indicator (a report, minutes, photos)
EVIDENCE = Policy("evidence", DOCUMENTS, 20 * MB, private=True)
#: a network file on the platform admin's page: read as text in the request and planned, never stored as a file
NETWORK_FILE = Policy("network_file", frozenset({YAML}), 1 * MB, private=True)
POLICIES = {
    p.name: p
    for p in (
        LOGO,
        BANNER,
        PHOTO,
        ANSWER,
        SESSION_MATERIAL,
        LESSON_MATERIAL,
        PEOPLE_IMPORT,
        NETWORK_FILE,
        EVIDENCE,
        PLAN_IMPORT,
    )
}


class UploadRefused(DomainError):
    """A file we do not store; `code` says why (for the API), the message says what to do (for people)."""

    code = "upload_refused"


# --- what the content is -------------------------------------------------------------------------------------------


def _looks_like_markup_or_script(head: bytes) -> bool:
    """HTML, SVG or XML, also in UTF-16. Checked for text and for what no signature matched, so that plain text
    (a CSV) cannot carry a page in; images are re-encoded and the rest leave only as attachments with nosniff."""
    for candidate in (head, head.replace(b"\x00", b"")):
        low = candidate.lower()
        stripped = low.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n")
        if stripped.startswith(b"<"):
            return True
        if any(tag in low for tag in (b"<script", b"<html", b"<svg", b"<!doctype", b"<?xml", b"<iframe")):
            return True
    return False


def _zip_kind(file: IO[bytes]) -> Kind | None:
    """Office documents are zip archives; which one is told by the archive's inner structure, never its name."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
            members = set(names)
            if names and names[0] == "mimetype":
                mimetype = archive.read("mimetype")[:100].strip()
                return {ODT.content_type.encode(): ODT, ODS.content_type.encode(): ODS}.get(mimetype)
            if "[Content_Types].xml" not in members:
                return None
            if "word/document.xml" in members:
                return DOCX
            if "xl/workbook.xml" in members:
                return XLSX
            if "ppt/presentation.xml" in members:
                return PPTX
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    return None


def _is_text(head: bytes) -> bool:
    """Plain text in an encoding the import can read (UTF-8/16/32, with or without a byte-order mark, or a one-byte
    code page), with almost no control characters but tabs and line ends. A stray one (a NUL byte in a cell) is
    left for the import to report as that row's error; binary data has them everywhere. Which encoding exactly is
    the import's concern (`core.encodings`)."""
    for bom, name in encodings.BYTE_ORDER_MARKS:
        if head.startswith(bom):
            text = encodings.decode_head(head, name)
            return text is not None and _few_controls(text)
    utf16 = encodings.utf16_without_bom(head)
    if utf16:
        text = encodings.decode_head(head, utf16)
        return text is not None and _few_controls(text)
    return _few_controls(head.decode("latin-1"))


def _controls(text: str) -> int:
    """Control characters but tabs, line ends and form feeds: binary data has them everywhere, text almost none."""
    return sum(1 for char in text if char < " " and char not in "\t\n\r\f")


def _few_controls(text: str) -> bool:
    return _controls(text) <= 4 + len(text) // 100


def sniff(file: IO[bytes]) -> Kind | None:
    """The kind of a file by its first bytes (and, for zip archives, their inner structure); None when unknown."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(file)
        file.seek(0)
        return kind
    if head and _is_text(head):
        return CSV
    return None


# --- the check ---------------------------------------------------------------------------------------------------


class CheckedFile(File):  # type: ignore[type-arg]
    """A file that passed a policy: its name is random (with the extension of its real kind), the name it was
    uploaded under is kept only as data, for display and the download's file name."""

    def __init__(self, file: IO[bytes], *, kind: Kind, policy: Policy, original_name: str, size: int) -> None:
        super().__init__(file, name=random_name(kind.extension))
        self.kind = kind
        self.policy = policy
        self.original_name = original_name
        self._size = size

    @property
    def size(self) -> int:  # type: ignore[override]
        return self._size

    @property
    def content_type(self) -> str:
        return self.kind.content_type


def random_name(extension: str) -> str:
    return f"{secrets.token_urlsafe(24)}{extension if extension in EXTENSIONS else '.bin'}"


def _kinds_text(policy: Policy) -> str:
    return ", ".join(kind.name for kind in KINDS if kind in policy.kinds)


def _refuse_type(policy: Policy) -> UploadRefused:
    return UploadRefused(
        _("This file is not one of the kinds accepted here (%(kinds)s); its content decides, not its name.")
        % {"kinds": _kinds_text(policy)},
        code="unsupported_type",
    )


def _size_text(size: int) -> str:
    return f"{size // MB} MB" if size >= MB else f"{max(1, size // 1024)} KB"


def _reencode(file: IO[bytes], kind: Kind, policy: Policy) -> bytes:
    """Decode and encode again with Pillow: whatever rode along (a script after the GIF trailer, metadata, a second
    format's header) is not part of the pixels and does not survive. The pixel budget is checked from the header,
    before anything is decoded."""
    too_large = UploadRefused(
        _("The image is too large in pixels to be processed (at most %(mp)s megapixels). Upload a smaller image.")
        % {"mp": policy.max_pixels // 1_000_000},
        code="image_too_large",
    )
    broken = UploadRefused(
        _("The image cannot be read. Save it again as JPEG or PNG and upload it."), code="broken_image"
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(file)
            if _PIL_FORMATS.get(image.format or "") != kind:
                raise broken
            width, height = image.size
            frames = getattr(image, "n_frames", 1)
            if width * height * min(frames, 50) > policy.max_pixels or frames > 200:
                raise too_large
            image.load()
            out = io.BytesIO()
            if kind == GIF and frames > 1:
                clean = [frame.copy() for frame in ImageSequence.Iterator(image)]
                for frame in clean:
                    frame.info = {"duration": frame.info.get("duration", 100)}
                clean[0].save(out, "GIF", save_all=True, append_images=clean[1:], loop=image.info.get("loop", 0))
                return out.getvalue()
            clean_image = ImageOps.exif_transpose(image) or image  # turn it upright before the EXIF goes
            transparency = clean_image.info.get("transparency")
            clean_image.info = {} if transparency is None else {"transparency": transparency}  # nothing else
            if kind == JPEG:
                if clean_image.mode not in ("RGB", "L"):
                    clean_image = clean_image.convert("RGB")
                clean_image.save(out, "JPEG", quality=88, optimize=True)
            elif kind == PNG:
                clean_image.save(out, "PNG", optimize=False)
            elif kind == WEBP:
                clean_image.save(out, "WEBP", quality=88)
            else:
                clean_image.save(out, "GIF")
            return out.getvalue()
    except UploadRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_large from error
    except (OSError, ValueError, SyntaxError, EOFError, Image.UnidentifiedImageError) as error:
        raise broken from error


def check(upload: Any, policy: Policy, *, field: str | None = None) -> CheckedFile:
    """Check an uploaded file against a policy; raise `UploadRefused` (nothing stored) or return the file to store.

    A file this function already returned for the same policy passes through unchanged, so a form and the
    service behind it can both call it. `field` names the form field an error belongs to."""
    if isinstance(upload, CheckedFile) and upload.policy == policy:
        return upload
    try:
        return _check(upload, policy)
    except UploadRefused as error:
        error.field = field
        raise


def _check(upload: Any, policy: Policy) -> CheckedFile:
    original_name = str(getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:255]
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size > policy.limit:
        raise UploadRefused(
            _("The file is larger than %(size)s. Upload a smaller file.") % {"size": _size_text(policy.limit)},
            code="too_large",
        )
    if not size:
        raise UploadRefused(_("The file is empty."), code="empty")
    handle: IO[bytes] = getattr(upload, "file", upload)
    handle.seek(0)
    head = handle.read(HEAD_BYTES)
    handle.seek(0)
    kind = sniff(handle)
    if kind in (None, CSV) and _looks_like_markup_or_script(head):
        raise UploadRefused(
            _("Web pages, SVG images and scripts cannot be uploaded. Upload %(kinds)s.")
            % {"kinds": _kinds_text(policy)},
            code="markup_refused",
        )
    if kind == CSV and CSV not in policy.kinds:
        kind = next((accepted for accepted in KINDS if accepted.text and accepted in policy.kinds), kind)
    if kind is None or kind not in policy.kinds:
        raise _refuse_type(policy)
    if kind.text:
        data = _whole_text(handle, policy)
        return CheckedFile(ContentFile(data), kind=kind, policy=policy, original_name=original_name, size=len(data))
    if kind.image:
        data = _reencode(handle, kind, policy)
        return CheckedFile(ContentFile(data), kind=kind, policy=policy, original_name=original_name, size=len(data))
    handle.seek(0)
    return CheckedFile(handle, kind=kind, policy=policy, original_name=original_name, size=size)


def _whole_text(handle: IO[bytes], policy: Policy) -> bytes:
    """A text kind (YAML) is read whole, not only its head: it must be UTF-8 (a byte-order mark is dropped) with no
    control characters but tabs and line ends, and carry no markup anywhere. What comes back is the UTF-8 bytes."""
    handle.seek(0)
    raw = handle.read(policy.limit + 1)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UploadRefused(
            _("The file is not text in UTF-8. Save it as UTF-8 and upload it."), code="not_text"
        ) from error
    if _controls(text) or _looks_like_markup_or_script(text.encode("utf-8")):
        raise UploadRefused(
            _("Web pages, SVG images and scripts cannot be uploaded. Upload %(kinds)s.")
            % {"kinds": _kinds_text(policy)},
            code="markup_refused",
        )
    return text.encode("utf-8")


def _accept(policy: Policy) -> str:
    """The file input's `accept`: a hint for the browser's file picker only; `check()` decides by content."""
    accepted = {kind.content_type for kind in policy.kinds} | {kind.extension for kind in policy.kinds}
    return ",".join(sorted(accepted | ({".yml"} if YAML in policy.kinds else set())))


class UploadsField(forms.FileField):
    """Several files in one field (`<input type=file multiple>`), each checked by `check()` against the policy;
    `cleaned_data` holds the list of checked files. `max_files` bounds how many one request may bring."""

    def __init__(self, *args: Any, policy: Policy, max_files: int = 10, **kwargs: Any) -> None:
        self.policy = policy
        self.max_files = max_files
        kwargs.setdefault("help_text", upload_help(policy))
        kwargs.setdefault("widget", _MultipleFileInput())
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", _accept(policy))

    def clean(self, data: Any, initial: Any = None) -> Any:
        given = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not given:
            return super().clean(None, initial)  # "This field is required."
        if len(given) > self.max_files:
            raise forms.ValidationError(
                _("At most %(count)s files at once.") % {"count": self.max_files}, code="too_many_files"
            )
        checked = []
        for item in given:
            super().clean(item, initial)
            try:
                checked.append(check(item, self.policy))
            except UploadRefused as error:
                name = str(getattr(item, "name", "") or "").rsplit("/", 1)[-1][:255]
                raise forms.ValidationError(f"{name}: {error.message}", code=error.code) from error
        return checked


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


# --- form field ----------------------------------------------------------------------------------------------------


class UploadField(forms.FileField):
    """A form's file field that runs `check()`: a bad file is this field's error, and `cleaned_data` holds the
    checked file (random name, re-encoded image)."""

    def __init__(self, *args: Any, policy: Policy, **kwargs: Any) -> None:
        self.policy = policy
        kwargs.setdefault("help_text", upload_help(policy))
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", _accept(policy))

    def clean(self, data: Any, initial: Any = None) -> Any:
        value = super().clean(data, initial)
        if not value or value is initial or not hasattr(value, "read"):
            return value
        try:
            return check(value, self.policy)
        except UploadRefused as error:
            raise forms.ValidationError(str(error.message), code=error.code) from error


def _help_text(policy: Policy) -> str:
    return _("%(kinds)s, up to %(size)s.") % {"kinds": _kinds_text(policy), "size": _size_text(policy.limit)}


def upload_help(policy: Policy) -> Any:
    """The field's help text, translated when shown (fields are built at import time, in no one's language)."""
    return lazy(_help_text, str)(policy)


# --- where files live ----------------------------------------------------------------------------------------------


class PrivateStorage(FileSystemStorage):
    """PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT. It has no URL: a private file leaves only through `core.files`."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def base_location(self) -> str:  # type: ignore[override]
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:  # type: ignore[override]
        import os

        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        """No address: pages link private files with `tamyr.core.files.private_url()` (the admin shows the name)."""
        return ""


_PRIVATE = PrivateStorage()


def private_storage() -> Storage:
    """The storage of every private file field (a callable, so migrations name it instead of a path)."""
    return _PRIVATE


@deconstructible
class RandomName:
    """`upload_to` of every file field: `<folder>/<year>/<random>.<ext>`. The extension is kept only when it is one
    of the kinds we accept (`check()` sets it from the content); the rest of the given name is never used.

    `generated=True` is for files Tamyr writes itself (a certificate's PDF), whose service already makes a name
    nobody can guess (and may rely on its shape): that name is kept, in the folder of the year."""

    def __init__(self, folder: str, generated: bool = False) -> None:
        self.folder = folder.strip("/")
        self.generated = generated

    def __call__(self, instance: Any, filename: str) -> str:
        basename = filename.replace("\\", "/").rsplit("/", 1)[-1]
        if self.generated and basename:
            return f"{self.folder}/{timezone.now():%Y}/{basename}"
        extension = "." + basename.rsplit(".", 1)[-1].casefold() if "." in basename else ""
        return f"{self.folder}/{timezone.now():%Y}/{random_name(extension)}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and (other.folder, other.generated) == (self.folder, self.generated)

    def __hash__(self) -> int:
        return hash((self.folder, self.generated))


def replace(instance: Any, field: str, upload: Any, policy: Policy) -> CheckedFile:
    """Put a checked upload into a model's file field (saved with the instance); the file it replaces is deleted
    once the surrounding transaction commits, so a rolled-back change keeps the old one. Call inside a service's
    transaction."""
    checked = check(upload, policy, field=field)
    old = getattr(instance, field)
    setattr(instance, field, checked)
    delete_on_commit(old)
    return checked


def delete_on_commit(field_file: Any) -> None:
    """Delete a stored file once the transaction that replaced or removed it has committed (a rollback keeps it)."""
    if not field_file or not getattr(field_file, "name", ""):
        return
    storage, name = field_file.storage, field_file.name
    transaction.on_commit(lambda: storage.delete(name))


def move_files_between(apps: Any, label: str, model: str, fields: tuple[str, ...], *, to_private: bool) -> None:
    """For data migrations: move the files of `fields` between MEDIA_ROOT and PRIVATE_MEDIA_ROOT, names kept."""
    import shutil
    from pathlib import Path

    public, private = Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)
    source, target = (public, private) if to_private else (private, public)
    Model = apps.get_model(label, model)
    for values in Model.objects.values_list(*fields).iterator():
        for name in values:
            if not name:
                continue
            old, new = source / name, target / name
            if old.is_file() and source.resolve() in old.resolve().parents and not new.exists():
                new.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(old), str(new))
