"""Photo gallery of an event: thumbnails made with Pillow when a photo is added."""

from __future__ import annotations

import io
import posixpath
from typing import IO, Any

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from tamyr.core.errors import DomainError

THUMBNAIL_WIDTH = 400
MAX_PIXELS = 60_000_000  # about 60 megapixels; larger files are refused rather than decoded


def make_thumbnail(source: IO[bytes] | Any, width: int = THUMBNAIL_WIDTH) -> ContentFile[bytes]:
    """A JPEG `width` pixels wide (never enlarged), turned upright from the camera's EXIF orientation.

    Raises DomainError when the file is not an image Pillow can read."""
    name = getattr(source, "name", "") or _("the file")
    try:
        if hasattr(source, "seek"):
            source.seek(0)
        with Image.open(source) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise DomainError(_("%(name)s has too many pixels for a photo.") % {"name": name}, field="images")
            image = ImageOps.exif_transpose(opened) or opened
            image = image.convert("RGB")
            if image.width > width:
                height = max(1, round(image.height * width / image.width))
                image = image.resize((width, height), Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise DomainError(
            _("%(name)s is not a photo we can read (JPEG, PNG or WebP).") % {"name": name}, field="images"
        ) from error
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    return ContentFile(buffer.getvalue())


def thumbnail_name(image_name: str) -> str:
    """events/photos/2026/family.png → family.jpg (the upload_to of Photo.thumbnail adds the folder)."""
    stem = posixpath.splitext(posixpath.basename(image_name))[0] or "photo"
    return f"{stem}.jpg"
