"""QR badges as PDF: one A6 badge per registration, or every confirmed badge of an event on A4 sheets (four per
sheet, with cut marks) for printing.

The shipped DejaVu fonts are embedded, so Kazakh Cyrillic (ә ғ қ ң ө ұ ү һ і) and Turkic Latin (ş ğ ı ç ö ü ə)
print the same on every machine.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

from django.db.models import QuerySet
from django.utils import translation
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from tamyr.events.models import Event, Registration, RegistrationStatus
from tamyr.events.templatetags.events_tags import date_range

FONT_DIR = Path(__file__).resolve().parent.parent / "core" / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
BRAND = HexColor("#0b6e69")
INK = HexColor("#1b2430")
MUTED = HexColor("#55606e")
BADGE_WIDTH, BADGE_HEIGHT = A6


def register_fonts() -> None:
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, filename in ((FONT, "DejaVuSans.ttf"), (FONT_BOLD, "DejaVuSans-Bold.ttf")):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))


def badge_registrations(qs: QuerySet[Registration]) -> QuerySet[Registration]:
    """Everything a badge prints, in one query."""
    return qs.select_related(
        "event",
        "event__venue",
        "person",
        "person__user",
        "category",
        "organization",
        "delegation",
        "delegation__country",
        "delegation__organization",
    )


def _dates(event: Event) -> str:
    """ "2026. május 7–9." in the active language (the badge holder's: see `draw_badge`)."""
    return date_range(event.starts_at, event.ends_at, event.time_zone)


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


def _centered(canvas: Canvas, lines: list[str], font: str, size: float, x: float, top: float, width: float) -> float:
    """Draw lines centred under `top`; returns the y below the last line."""
    canvas.setFont(font, size)
    y = top
    for line in lines:
        y -= size * 1.15
        canvas.drawCentredString(x + width / 2, y, line)
    return y


def draw_badge(canvas: Canvas, registration: Registration, x: float = 0, y: float = 0) -> None:
    """One A6 badge with its lower left corner at (x, y), in the holder's language (their saved preference, else the
    language they registered in), not the organizer's who prints the sheet: the holder reads it all day."""
    from tamyr.events.notifications import registration_language

    with translation.override(registration_language(registration)):
        _draw_badge(canvas, registration, x, y)


def _draw_badge(canvas: Canvas, registration: Registration, x: float, y: float) -> None:
    event = registration.event
    width, height = BADGE_WIDTH, BADGE_HEIGHT
    margin = 8 * mm
    inner = width - 2 * margin

    # the event, white on the brand colour
    title_size, title_lines = _fit(event.display_title, FONT_BOLD, 14, 8, inner, 3)
    band = 10 * mm + len(title_lines) * title_size * 1.15
    canvas.setFillColor(BRAND)
    canvas.rect(x, y + height - band, width, band, stroke=0, fill=1)
    canvas.setFillColor(white)
    _centered(canvas, title_lines, FONT_BOLD, title_size, x + margin, y + height - 5 * mm, inner)

    canvas.setFillColor(MUTED)
    where = ", ".join(part for part in [event.venue.city if event.venue else ""] if part)
    line = _dates(event) + (f" · {where}" if where else "")
    size, lines = _fit(line, FONT, 9, 7, inner, 2)
    cursor = _centered(canvas, lines, FONT, size, x + margin, y + height - band - 2 * mm, inner)

    # the person, as large as fits
    canvas.setFillColor(INK)
    name_size, name_lines = _fit(registration.person.display_name, FONT_BOLD, 24, 11, inner, 2)
    cursor = _centered(canvas, name_lines, FONT_BOLD, name_size, x + margin, cursor - 5 * mm, inner)

    represents = registration.organization.display_name if registration.organization else ""
    if registration.delegation is not None:
        delegation = str(registration.delegation)
        represents = f"{represents} · {delegation}" if represents and delegation != represents else delegation
    if represents:
        canvas.setFillColor(MUTED)
        size, lines = _fit(represents, FONT, 11, 8, inner, 2)
        cursor = _centered(canvas, lines, FONT, size, x + margin, cursor - 2 * mm, inner)
    if registration.category is not None:
        label = str(registration.category)
        size, lines = _fit(label, FONT_BOLD, 10, 7, inner - 6 * mm, 1)
        text_width = pdfmetrics.stringWidth(lines[0], FONT_BOLD, size)
        pill_top = cursor - 3 * mm
        canvas.setFillColor(HexColor("#e8eef4"))
        canvas.roundRect(
            x + (width - text_width) / 2 - 3 * mm,
            pill_top - size - 2.5 * mm,
            text_width + 6 * mm,
            size + 3 * mm,
            radius=(size + 3 * mm) / 2,
            stroke=0,
            fill=1,
        )
        canvas.setFillColor(INK)
        canvas.setFont(FONT_BOLD, size)
        canvas.drawCentredString(x + width / 2, pill_top - size - 0.5 * mm, lines[0])

    # the QR code of the registration code, and the code to read aloud or type
    side = 44 * mm
    widget = QrCodeWidget(registration.code, barLevel="M", barBorder=0)
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(side, side, transform=[side / (right - left), 0, 0, side / (top - bottom), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x + (width - side) / 2, y + 14 * mm)
    canvas.setFillColor(INK)
    canvas.setFont(FONT_BOLD, 13)
    spaced = (
        " ".join([registration.code[:5], registration.code[5:]]) if len(registration.code) == 10 else registration.code
    )
    canvas.drawCentredString(x + width / 2, y + 7 * mm, spaced)


def badge_pdf(registration: Registration) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A6, pageCompression=1)
    canvas.setTitle(f"{registration.person.display_name} — {registration.event.display_title}")
    canvas.setAuthor("Tamyr")
    draw_badge(canvas, registration)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _cut_marks(canvas: Canvas) -> None:
    width, height = A4
    canvas.setStrokeColor(HexColor("#b0b8c2"))
    canvas.setLineWidth(0.3)
    canvas.setDash(2, 3)
    canvas.line(width / 2, 0, width / 2, height)
    canvas.line(0, height / 2, width, height / 2)
    canvas.setDash()


def event_badges_pdf(event: Event, registrations: Iterable[Registration]) -> bytes:
    """Four A6 badges on each A4 sheet (A6 is exactly a quarter of A4), in the order given."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(event.display_title)
    canvas.setAuthor("Tamyr")
    positions = [(0, BADGE_HEIGHT), (BADGE_WIDTH, BADGE_HEIGHT), (0, 0), (BADGE_WIDTH, 0)]
    count = 0
    for registration in registrations:
        if count and count % 4 == 0:
            _cut_marks(canvas)
            canvas.showPage()
        x, y = positions[count % 4]
        draw_badge(canvas, registration, x, y)
        count += 1
    if count:
        _cut_marks(canvas)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def confirmed_registrations(event: Event) -> QuerySet[Registration]:
    return badge_registrations(Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)).order_by(
        "person__display_name", "id"
    )
