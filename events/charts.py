"""Charts of the event report as inline SVG, drawn on the server.

No JavaScript and no image files: the same markup shows on the page, prints, and goes into the
PDF. Labels are escaped; sizes are in user units so the SVG scales to the width of a phone.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_HEIGHT = 18
GAP = 6
LABEL_WIDTH = 190
BAR_WIDTH = 260
VALUE_WIDTH = 50


def bar_chart(items: list[tuple[str, int]], *, title: str = "") -> SafeString:
    """Horizontal bars, one per (label, value), scaled to the largest value."""
    if not items:
        # bandit: an empty string.
        return mark_safe("")  # nosec B308
    largest = max(value for _label, value in items) or 1
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = len(items) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        f'<svg class="chart chart-bars" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value) in enumerate(items):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = max(round(BAR_WIDTH * value / largest), 1 if value else 0)
        text_y = y + BAR_HEIGHT - 5
        short = label if len(label) <= 30 else label[:29] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{text_y}" text-anchor="end" font-size="12">{escape(short)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" rx="2" fill="#1f6f8b"/>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{text_y}" font-size="12">{value}</text>'
        )
    parts.append("</svg>")
    # bandit: labels pass through escape(); the rest is numbers.
    return mark_safe("".join(parts))  # nosec B308, B703


def ring_chart(part: int, whole: int, *, title: str = "") -> SafeString:
    """A ring showing ``part`` of ``whole`` with the percentage in its middle."""
    radius = 40
    circumference = 2 * 3.14159265 * radius
    share = part / whole if whole else 0.0
    filled = circumference * share
    # bandit: only numbers are interpolated.
    return mark_safe(  # nosec B308, B703
        '<svg class="chart chart-ring" role="img" viewBox="0 0 120 120" width="120" height="120" '
        'xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
        f'<circle cx="60" cy="60" r="{radius}" fill="none" stroke="#e3e8ec" stroke-width="14"/>'
        f'<circle cx="60" cy="60" r="{radius}" fill="none" stroke="#2e8b57" stroke-width="14" '
        f'stroke-dasharray="{filled:.2f} {circumference:.2f}" transform="rotate(-90 60 60)"/>'
        f'<text x="60" y="66" text-anchor="middle" font-size="20" font-weight="bold">{round(share * 100)}%</text>'
        "</svg>"
    )
