"""The shared PDF base: the Noto fonts embedded, and text in every script of the portal drawn."""

import re

from core.pdf import MAIN_FONT, ReportPDF


def test_report_pdf_embeds_the_fonts_a_text_needs():
    pdf = ReportPDF("Mekong · 湄公河 · แม่โขง · មេគង្គ")
    pdf.add_page()
    pdf.set_font(MAIN_FONT, size=10)
    pdf.multi_cell(0, 6, "Mekong · 湄公河 · แม่โขง · មេគង្គ · Tiếng Việt", new_x="LMARGIN", new_y="NEXT")

    content = bytes(pdf.output())
    # Each font is embedded as a subset: "ABCDEF+" before the name the font file gives itself.
    fonts = {name.split(b"+")[-1] for name in re.findall(rb"/BaseFont /([^\s/]+)", content)}

    assert content.startswith(b"%PDF-")
    assert fonts == {b"NotoSans", b"NotoSansCJKTCRegular", b"NotoSansThai", b"NotoSansKhmer"}
