"""The shared PDF base: the Noto fonts embedded, and text in every script of the portal drawn."""

import io
import re

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from core.pdf import MAIN_FONT, ReportPDF

# A college's name in each script of the portal's languages.
NAMES = {
    "en": "Phnom Penh Polytechnic",
    "zh-hans": "深圳职业技术大学",
    "km": "វិទ្យាស្ថានពហុបច្ចេកទេសភ្នំពេញ",
    "th": "วิทยาลัยเทคนิคเชียงใหม่",
    "vi": "Trường Cao đẳng Kỹ thuật Cao Thắng",
    "id": "Politeknik Negeri Bandung",
    "ms": "Politeknik Ungku Omar",
    "lo": "ວິທະຍາໄລເຕັກນິກ ວຽງຈັນ",
    "my": "ရန်ကုန် နည်းပညာ တက္ကသိုလ်",
}


def test_report_pdf_embeds_the_fonts_a_text_needs():
    pdf = ReportPDF("Mekong · 湄公河 · แม่โขง · មេគង្គ")
    pdf.add_page()
    pdf.set_font(MAIN_FONT, size=10)
    pdf.multi_cell(0, 6, " · ".join(NAMES.values()), new_x="LMARGIN", new_y="NEXT")

    content = bytes(pdf.output())
    # Each font is embedded as a subset: "ABCDEF+" before the name the font file gives itself.
    fonts = {name.split(b"+")[-1] for name in re.findall(rb"/BaseFont /([^\s/]+)", content)}

    assert content.startswith(b"%PDF-")
    assert fonts == {
        b"NotoSans",
        b"NotoSansCJKTCRegular",
        b"NotoSansThai",
        b"NotoSansKhmer",
        b"NotoSansLao",
        b"NotoSansMyanmar",
    }


@pytest.mark.parametrize("language", NAMES)
def test_text_of_every_language_reads_back_from_the_pdf(language):
    pdf = ReportPDF(NAMES[language])
    pdf.add_page()
    pdf.set_font(MAIN_FONT, size=10)
    pdf.multi_cell(0, 6, NAMES[language], new_x="LMARGIN", new_y="NEXT")

    text = PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0].extract_text()

    # pypdf splits shaped clusters with spaces, line breaks or stray control characters where
    # a glyph stands for several letters; the letters themselves come back in order.
    assert _letters(NAMES[language]) in _letters(text)


def _letters(text: str) -> str:
    return re.sub(r"[\s\x00-\x1f]", "", text)


def test_figures_after_a_chinese_line_keep_their_font_on_a_new_page():
    """A page that starts with Chinese text still draws the Latin figures that follow it.

    The first text of a page sets the page's font; when that text starts in a fallback font
    (here the Chinese one), the Latin font must still be set for the page, or the figures
    drawn after it in the Latin font have no font at all ("No font in show") and vanish.
    """
    pdf = ReportPDF("report")
    pdf.add_page()
    pdf.set_font(MAIN_FONT, size=10)
    pdf.cell(0, 6, "Page one", new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.set_font(MAIN_FONT, size=9)
    for label, figure in (("已举行洽谈", "10"), ("已签署谅解备忘录", "9")):
        pdf.cell(60, 6, label)
        pdf.cell(0, 6, figure, new_x="LMARGIN", new_y="NEXT")

    reader = PdfReader(io.BytesIO(bytes(pdf.output())))

    assert _shows_without_a_font(reader.pages[1]) == 0
    # pypdf puts spaces (and NULs) between the Chinese glyphs: compare without them.
    text = "".join(reader.pages[1].extract_text().replace("\x00", "").split())
    assert text.startswith("已举行洽谈10已签署谅解备忘录9")


def _shows_without_a_font(page) -> int:
    """Count the text-showing operators drawn with no font set (q/Q save and restore it)."""
    font, saved, missing = None, [], 0
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator == b"q":
            saved.append(font)
        elif operator == b"Q":
            font = saved.pop()
        elif operator == b"Tf":
            font = operands[0]
        elif operator in (b"Tj", b"TJ", b"'", b'"') and font is None:
            missing += 1
    return missing
