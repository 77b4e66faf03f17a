"""The printable summary of an MoU as a PDF, with a QR code to verify it on the portal.

Drawn like the event report, on :class:`core.pdf.ReportPDF`: fpdf2 with the bundled Noto fonts
and their fallbacks, so party names in Chinese, Thai, Khmer or Vietnamese print as written. The
QR code is the SVG that :func:`core.qr.qr_svg` draws for badges, placed as a vector image.
"""

from __future__ import annotations

from io import BytesIO

from django.conf import settings
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from fpdf import FPDF

from core.dates import date_format
from core.lists import listed
from core.pdf import MAIN_FONT, ReportPDF
from core.qr import qr_svg

from .models import Mou

QR_SIZE = 32  # millimetres


def verification_url(mou: Mou) -> str:
    """The public address of the MoU's page, printed and encoded in the summary's QR code."""
    return settings.SITE_URL + mou.get_absolute_url()


def _date(value) -> str:
    return date_format(value, "DATE_FORMAT") if value else "…"


def _heading(pdf: FPDF, title: str) -> None:
    pdf.ln(3)
    pdf.set_font(MAIN_FONT, size=12)
    pdf.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(MAIN_FONT, size=10)


def _line(pdf: FPDF, text: str, *, height: float = 6) -> None:
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


def _fact(pdf: FPDF, label: str, value: str) -> None:
    if value:
        _line(pdf, f"{label}: {value}")


def summary_pdf(mou: Mou) -> bytes:
    """Render the summary of ``mou`` to PDF bytes in the active language.

    The title, summary and milestones are given in that language when translated, else in
    English, else as written (``MultilingualModel.localized``).

    Its event is named only when ``mou.event_shown`` says the reader may open it
    (see `mous.selectors.mous_with_event_shown`).
    """
    url = verification_url(mou)
    title = mou.localized("title")
    pdf = ReportPDF(f"{_('MoU summary')} · {title}")
    pdf.add_page()

    # The QR code in the top right corner; the title block keeps clear of it.
    top = pdf.get_y()
    pdf.image(BytesIO(str(qr_svg(url)).encode()), x=pdf.w - pdf.r_margin - QR_SIZE, y=top, w=QR_SIZE, h=QR_SIZE)
    pdf.set_right_margin(pdf.r_margin + QR_SIZE + 4)

    pdf.set_font(MAIN_FONT, size=10)
    pdf.set_text_color(110)
    _line(pdf, _("Memorandum of understanding · summary"))
    pdf.set_text_color(0)
    pdf.set_font(MAIN_FONT, size=17)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(MAIN_FONT, size=10)
    _fact(pdf, _("Reference"), mou.reference)
    _fact(pdf, _("Status"), capfirst(mou.get_status_display()))
    pdf.set_y(max(pdf.get_y(), top + QR_SIZE + 2))
    pdf.set_right_margin(pdf.l_margin)

    _heading(pdf, _("Parties"))
    for party in mou.parties.all():
        institution = party.institution
        name = institution.name
        if institution.name_local:
            name += f" ({institution.name_local})"
        country = str(institution.country.name) if institution.country else ""
        _line(pdf, " · ".join(part for part in (name, country) if part))
        if party.signatory_name:
            signatory = party.signatory_name
            if party.signatory_title:
                signatory += f", {party.signatory_title}"
            pdf.set_text_color(80)
            _line(pdf, "   " + _("Signed by %(signatory)s") % {"signatory": signatory}, height=5)
            pdf.set_text_color(0)

    _heading(pdf, _("Signing and validity"))
    if mou.signed_on:
        signed = _date(mou.signed_on)
        if mou.signed_place:
            signed += f", {mou.signed_place}"
        _fact(pdf, _("Signed on"), signed)
    if mou.event and getattr(mou, "event_shown", False):
        _fact(pdf, _("Event"), mou.event.title)
    if mou.valid_from or mou.valid_until:
        _fact(pdf, _("Valid"), f"{_date(mou.valid_from)} – {_date(mou.valid_until)}")
    _fact(pdf, _("Sectors"), listed(sector.label for sector in mou.sectors.all()))
    _fact(pdf, _("Cooperation"), listed(kind.label for kind in mou.cooperation_types.all()))

    summary = mou.localized("summary")
    if summary:
        _heading(pdf, _("Summary"))
        _line(pdf, summary)

    milestones = list(mou.milestones.all())
    if milestones:
        _heading(pdf, _("Milestones and activities"))
        for milestone in milestones:
            parts = [milestone.localized("title"), capfirst(milestone.get_status_display())]
            if milestone.completed_on:
                parts.append(_("completed %(date)s") % {"date": _date(milestone.completed_on)})
            elif milestone.due_on:
                parts.append(_("due %(date)s") % {"date": _date(milestone.due_on)})
            _line(pdf, "– " + " · ".join(parts))

    pdf.ln(5)
    pdf.set_font(MAIN_FONT, size=9)
    pdf.set_text_color(80)
    _line(pdf, _("Verify this MoU on the TVET Partnership Portal:"), height=5)
    pdf.set_text_color(0)
    pdf.cell(0, 5, url, link=url, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(110)
    _line(
        pdf,
        _("Printed on %(date)s. The portal's page is the reference if this summary differs.")
        % {"date": date_format(timezone.localdate(), "DATE_FORMAT")},
        height=5,
    )
    return bytes(pdf.output())
