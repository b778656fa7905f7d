"""Certificates as PDF (A4 landscape), drawn with reportlab.

The shipped DejaVu fonts (tamyr/core/fonts) are embedded, so Kazakh Cyrillic (ә ғ қ ң ө ұ ү һ і) and Turkic Latin
(ş ğ ı ç ö ü ə) print the same on every machine. Labels are in English and, when the interface has a translation
for it, in the course's language too: a Kazakh course's certificate reads "Сертификат · Certificate". The QR code
opens the public verification page.

A certificate is drawn once, when it is issued, and stored; the batch job draws thousands, so the fonts are
registered once per process and the QR code is drawn as one path rather than one shape per module.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import qrcode
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import Image
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from tamyr.core import cldr

FONT_DIR = Path(__file__).resolve().parent.parent / "core" / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
BRAND = HexColor("#0b6e69")
BRAND_LIGHT = HexColor("#e6f2f1")
INK = HexColor("#1b2430")
MUTED = HexColor("#55606e")
GOLD = HexColor("#b8912f")
PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)


def register_fonts() -> None:
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, filename in ((FONT, "DejaVuSans.ttf"), (FONT_BOLD, "DejaVuSans-Bold.ttf")):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))


@dataclass(frozen=True)
class CertificateContent:
    """Everything the page shows, already chosen (holder as consented, titles in both languages)."""

    code: str
    holder_name: str
    course_title: str  # in the course's language
    course_title_en: str
    course_language: str
    level: str
    format_label: str
    issuer_name: str
    issued_at: datetime
    verify_url: str


def _labels(language: str) -> dict[str, str]:
    with translation.override(language):
        return {
            "title": _("Certificate"),
            "certifies": _("This certifies that"),
            "completed": _("has completed the course"),
            "level": _("Level"),
            "issued_on": _("Issued on"),
            "issued_by": _("Issued by"),
            "code": _("Certificate code"),
            "verify": _("Check this certificate at"),
        }


def _both(native: dict[str, str], english: dict[str, str], key: str) -> str:
    """ "Сертификат · Certificate"; one language when the other has no translation. A translation's trailing
    colon goes: the English half follows it."""
    if native[key] == english[key]:
        return english[key]
    return f"{native[key].rstrip(': ')} · {english[key]}"


def _fit(
    text: str, font: str, largest: float, smallest: float, width: float, max_lines: int
) -> tuple[float, list[str]]:
    """The largest size (down to `smallest`) at which `text` fits in `max_lines` lines of `width`."""
    size = largest
    while True:
        lines = simpleSplit(text, font, size, width) or [""]
        if len(lines) <= max_lines or size <= smallest:
            return size, lines[:max_lines]
        size -= 1


def _centred(canvas: Canvas, text: str, font: str, size: float, y: float, color: Color = INK) -> None:
    canvas.setFont(font, size)
    canvas.setFillColor(color)
    canvas.drawCentredString(PAGE_WIDTH / 2, y, text)


def _qr(canvas: Canvas, data: str, x: float, y: float, side: float) -> None:
    """The QR code as a one-bit image, one module per pixel, scaled up without smoothing. A fixed mask pattern
    (any of the eight is valid; readers try them all) spares choosing the "best" one, which takes most of the
    time of drawing a certificate."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=0)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    image = Image.new("1", (size, size), 1)
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    canvas.drawInlineImage(image, x, y, side, side)


def certificate_pdf(content: CertificateContent) -> bytes:
    register_fonts()
    english = _labels("en")
    native = _labels(content.course_language)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1, initialFontName=FONT)
    canvas.setTitle(f"{english['title']} {content.code} — {content.holder_name}")
    canvas.setAuthor(content.issuer_name)
    canvas.setSubject(content.course_title_en)
    canvas.setCreator("Tamyr")

    # frame
    canvas.setFillColor(BRAND_LIGHT)
    canvas.rect(0, 0, PAGE_WIDTH, PAGE_HEIGHT, stroke=0, fill=1)
    canvas.setFillColor(white)
    canvas.setStrokeColor(BRAND)
    canvas.setLineWidth(2.5)
    canvas.rect(10 * mm, 10 * mm, PAGE_WIDTH - 20 * mm, PAGE_HEIGHT - 20 * mm, stroke=1, fill=1)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(0.8)
    canvas.rect(13 * mm, 13 * mm, PAGE_WIDTH - 26 * mm, PAGE_HEIGHT - 26 * mm, stroke=1, fill=0)

    inner = PAGE_WIDTH - 60 * mm
    size, lines = _fit(content.issuer_name.upper(), FONT_BOLD, 13, 9, inner, 1)
    _centred(canvas, lines[0], FONT_BOLD, size, PAGE_HEIGHT - 32 * mm, BRAND)
    _centred(canvas, _both(native, english, "title").upper(), FONT_BOLD, 30, PAGE_HEIGHT - 50 * mm, INK)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(1.2)
    canvas.line(PAGE_WIDTH / 2 - 40 * mm, PAGE_HEIGHT - 55 * mm, PAGE_WIDTH / 2 + 40 * mm, PAGE_HEIGHT - 55 * mm)

    _centred(canvas, _both(native, english, "certifies"), FONT, 12, PAGE_HEIGHT - 68 * mm, MUTED)
    size, lines = _fit(content.holder_name, FONT_BOLD, 30, 16, inner, 1)
    _centred(canvas, lines[0], FONT_BOLD, size, PAGE_HEIGHT - 82 * mm, INK)
    _centred(canvas, _both(native, english, "completed"), FONT, 12, PAGE_HEIGHT - 94 * mm, MUTED)

    y = PAGE_HEIGHT - 108 * mm
    size, lines = _fit(content.course_title, FONT_BOLD, 20, 12, inner, 2)
    for line in lines:
        _centred(canvas, line, FONT_BOLD, size, y, BRAND)
        y -= size * 1.25
    if content.course_title_en and content.course_title_en != content.course_title:
        size, lines = _fit(content.course_title_en, FONT, 13, 9, inner, 1)
        _centred(canvas, lines[0], FONT, size, y, MUTED)
        y -= size * 1.6
    facts = [content.format_label]
    if content.level:
        facts.insert(0, f"{_both(native, english, 'level')}: {content.level} (CEFR)")
    _centred(canvas, "   ·   ".join(facts), FONT, 11, y - 2 * mm, INK)

    # foot: who, when, which code, where to check; the QR code on the right
    issued = timezone.localtime(content.issued_at).date()
    date_en = cldr.date(issued, "long", "en")
    date_native = cldr.date(issued, "long", content.course_language)
    date_text = date_en if date_native == date_en else f"{date_native} · {date_en}"
    left = 30 * mm
    rows = [
        (_both(native, english, "issued_by"), content.issuer_name),
        (_both(native, english, "issued_on"), date_text),
        (_both(native, english, "code"), content.code),
        (_both(native, english, "verify"), content.verify_url),
    ]
    y = 48 * mm
    for label, value in rows:
        canvas.setFont(FONT, 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(left, y + 3.6 * mm, label)
        size, lines = _fit(value, FONT_BOLD, 11, 7, PAGE_WIDTH - left - 75 * mm, 1)
        canvas.setFont(FONT_BOLD, size)
        canvas.setFillColor(INK)
        canvas.drawString(left, y, lines[0])
        y -= 9 * mm
    side = 36 * mm
    _qr(canvas, content.verify_url, PAGE_WIDTH - 30 * mm - side, 22 * mm, side)
    canvas.setFont(FONT, 7)
    canvas.setFillColor(MUTED)
    canvas.drawCentredString(PAGE_WIDTH - 30 * mm - side / 2, 18 * mm, content.code)

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
