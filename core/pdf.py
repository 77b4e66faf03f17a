"""PDF documents drawn with fpdf2 and the bundled Noto fonts: the event report, the MoU summary.

Why fpdf2 and not an HTML-to-PDF engine: it is pure Python (no pango or cairo system library),
so ``make test`` works on a fresh machine. The fonts come from pinned Python packages
(``fontpkg-noto-sans*``, ``cvttf-notosanscjk-regular``) or, for Lao and Burmese, which no
package ships, from ``core/fonts/`` (with their licence); they are embedded (subset) in every
PDF and never fetched. HarfBuzz (``uharfbuzz``) shapes Thai, Khmer, Lao and Burmese. Text in any
of those scripts falls back from Noto Sans to the font that has the glyphs, so a name in 中文,
ไทย, ខ្មែរ, ລາວ, မြန်မာ or tiếng Việt renders instead of showing boxes.
"""

from __future__ import annotations

import logging
from functools import cache
from importlib.resources import files
from pathlib import Path

from fpdf import FPDF

# Family name → font file inside its package (None: in core/fonts/). The family names appear
# in the PDF (BaseFont).
FONTS = {
    "NotoSans": ("fontpkg_noto_sans", "files/NotoSans[wdth,wght].ttf"),
    "NotoSansCJK": ("cvttf_NotoSansCJK_Regular", "NotoSansCJKtc-Regular.otf"),
    "NotoSansThai": ("fontpkg_noto_sans_thai", "files/NotoSansThai[wdth,wght].ttf"),
    "NotoSansKhmer": ("fontpkg_noto_sans_khmer", "files/NotoSansKhmer[wdth,wght].ttf"),
    "NotoSansLao": (None, "NotoSansLao-Regular.ttf"),
    "NotoSansMyanmar": (None, "NotoSansMyanmar-Regular.ttf"),
}
VENDORED_FONTS = Path(__file__).resolve().parent / "fonts"
MAIN_FONT = "NotoSans"

# fontTools reports every table it subsets at INFO level: not news for the server's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)


@cache
def font_paths() -> dict[str, str]:
    """Where the installed font packages keep their files (looked up once per process)."""
    return {
        family: str(files(package).joinpath(name) if package else VENDORED_FONTS / name)
        for family, (package, name) in FONTS.items()
    }


class ReportPDF(FPDF):
    """An A4 document with the Noto fonts and their fallbacks, its title and a page footer."""

    def __init__(self, title: str):
        super().__init__(format="A4")
        self.report_title = title
        for family, path in font_paths().items():
            self.add_font(family, fname=path)
        self.set_fallback_fonts([family for family in FONTS if family != MAIN_FONT])
        self.set_text_shaping(True)
        self.set_auto_page_break(True, margin=18)
        self.set_title(title)

    def _render_styled_text_line(self, *args, **kwargs):
        # fpdf2 (2.8.9) sets a page's font lazily, with the first text drawn on it. When that
        # text starts with a fallback glyph (a Chinese label on a new page), it sets the main
        # font only inside that text's own saved graphics state yet records the page's font as
        # set: later text in the main font alone (the figures after the label) then has no
        # font at all, and viewers drop it ("No font in show"). Setting the page's font first,
        # as fpdf2's own ``text()`` does, keeps it for everything drawn after.
        if not self.current_font_is_set_on_page and self.current_font is not None:
            self._out(self._set_font_for_page(self.current_font, self.font_size_pt))
        return super()._render_styled_text_line(*args, **kwargs)

    def footer(self):
        self.set_y(-12)
        self.set_font(MAIN_FONT, size=8)
        self.set_text_color(110)
        self.cell(0, 6, f"{self.report_title} · {self.page_no()}", align="C")
        self.set_text_color(0)
