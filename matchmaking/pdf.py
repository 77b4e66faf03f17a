"""The event report as a PDF, drawn on :class:`core.pdf.ReportPDF` (fpdf2 with the Noto fonts).

The charts are bars drawn as PDF rectangles, so the PDF carries them without images.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fpdf import FPDF

from core.dates import date_format
from core.pdf import MAIN_FONT, ReportPDF

from .report import Breakdown, Matchmaking, Report

BAR_COLOUR = (31, 111, 139)
RING_COLOUR = (46, 139, 87)


def report_pdf(report: Report) -> bytes:
    """Render ``report`` to PDF bytes in the active language."""
    event = report.event
    pdf = ReportPDF(f"{_('Event report')} · {event.localized('title')}")
    pdf.add_page()

    pdf.set_font(MAIN_FONT, size=10)
    pdf.set_text_color(110)
    pdf.cell(0, 6, _("Event report"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)
    pdf.set_font(MAIN_FONT, size=18)
    pdf.multi_cell(0, 9, event.localized("title"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(MAIN_FONT, size=10)
    dates = date_format(event.start_date, "DATE_FORMAT")
    if event.end_date != event.start_date:
        dates += " – " + date_format(event.end_date, "DATE_FORMAT")
    place = ", ".join(part for part in (event.city, str(event.country.name) if event.country else "") if part)
    pdf.multi_cell(0, 6, f"{place} · {dates}", new_x="LMARGIN", new_y="NEXT")
    if event.localized("theme"):
        pdf.multi_cell(0, 6, event.localized("theme"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    pdf.set_font(MAIN_FONT, size=13)
    pdf.multi_cell(0, 7, headline(report), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(MAIN_FONT, size=10)
    facts = [
        ngettext("%(count)s delegation", "%(count)s delegations", len(report.delegations)),
        ngettext("%(count)s session held", "%(count)s sessions held", report.sessions_held),
        ngettext("%(count)s meeting held", "%(count)s meetings held", report.meetings_held),
        ngettext("%(count)s MoU signed", "%(count)s MoUs signed", report.mous_signed),
    ]
    counts = [len(report.delegations), report.sessions_held, report.meetings_held, report.mous_signed]
    pdf.multi_cell(
        0,
        6,
        " · ".join(text % {"count": count} for text, count in zip(facts, counts, strict=True)),
        new_x="LMARGIN",
        new_y="NEXT",
    )

    _section(pdf, _("Participants by country"))
    _bars(pdf, report.countries, institutions=True)
    _section(pdf, _("Participants by kind of institution"))
    _bars(
        pdf,
        [Breakdown(line.key, line.label.capitalize(), line.participants, line.institutions) for line in report.kinds],
        institutions=True,
    )

    _section(pdf, _("Check-in"))
    pdf.set_font(MAIN_FONT, size=10)
    pdf.multi_cell(
        0,
        6,
        _("%(checked_in)s of %(participants)s approved participants checked in (%(percent)s%%).")
        % {"checked_in": report.checked_in, "participants": report.participants, "percent": report.check_in_percent},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    _bar(pdf, report.check_in_rate, colour=RING_COLOUR)

    _section(pdf, _("Delegations"))
    pdf.set_font(MAIN_FONT, size=10)
    if report.delegations:
        for delegation in report.delegations:
            parts = [delegation.name, delegation.country]
            if delegation.head:
                parts.append(_("head: %(name)s") % {"name": delegation.head})
            parts.append(
                ngettext("%(count)s member", "%(count)s members", delegation.members) % {"count": delegation.members}
            )
            pdf.multi_cell(0, 6, " · ".join(part for part in parts if part), new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.multi_cell(0, 6, _("No delegations."), new_x="LMARGIN", new_y="NEXT")

    _section(pdf, _("Sessions"))
    pdf.set_font(MAIN_FONT, size=10)
    pdf.multi_cell(
        0,
        6,
        _("%(held)s of %(total)s sessions held.") % {"held": report.sessions_held, "total": report.sessions_total},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    if report.sessions:
        pdf.multi_cell(
            0,
            6,
            " · ".join(f"{line.label.capitalize()}: {line.participants}" for line in report.sessions),
            align="L",
            new_x="LMARGIN",
            new_y="NEXT",
        )

    _section(pdf, _("Meetings and MoUs"))
    pdf.set_font(MAIN_FONT, size=10)
    pdf.multi_cell(
        0,
        6,
        ngettext("%(count)s meeting held", "%(count)s meetings held", report.meetings_held)
        % {"count": report.meetings_held},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.multi_cell(
        0,
        6,
        ngettext(
            "%(count)s MoU signed among %(institutions)s institutions",
            "%(count)s MoUs signed among %(institutions)s institutions",
            report.mous_signed,
        )
        % {"count": report.mous_signed, "institutions": report.mou_institutions},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    _help(pdf, report.outcomes_help)

    if report.has_matchmaking:
        _matchmaking(pdf, report.matchmaking)

    if report.survey:
        _survey(pdf, report.survey)

    pdf.ln(4)
    pdf.set_font(MAIN_FONT, size=8)
    pdf.set_text_color(110)
    pdf.multi_cell(
        0,
        5,
        _("Computed by the TVET Partnership Portal on %(date)s from the approved registrations.")
        % {"date": date_format(timezone.localdate(), "DATE_FORMAT")},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())


def headline(report: Report) -> str:
    return ngettext(
        "%(count)s participant from %(institutions)s institutions in %(countries)s countries.",
        "%(count)s participants from %(institutions)s institutions in %(countries)s countries.",
        report.participants,
    ) % {"count": report.participants, "institutions": report.institutions, "countries": report.country_count}


def _section(pdf: FPDF, title: str) -> None:
    pdf.ln(4)
    pdf.set_font(MAIN_FONT, size=13)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(MAIN_FONT, size=10)


def _bars(pdf: FPDF, lines: list[Breakdown], *, institutions: bool = False) -> None:
    """One row per line: label, a bar scaled to the largest value, the figures."""
    if not lines:
        pdf.multi_cell(0, 6, _("No approved participants yet."), new_x="LMARGIN", new_y="NEXT")
        return
    largest = max(line.participants for line in lines) or 1
    label_width, bar_width = 60, 80
    pdf.set_font(MAIN_FONT, size=9)
    for line in lines:
        if pdf.will_page_break(6):
            pdf.add_page()
        x, y = pdf.l_margin, pdf.get_y()
        pdf.set_xy(x, y)
        pdf.cell(label_width - 2, 6, line.label[:40], align="R")
        length = bar_width * line.participants / largest
        pdf.set_fill_color(*BAR_COLOUR)
        pdf.rect(x + label_width, y + 1, max(length, 0.5), 4, style="F")
        pdf.set_xy(x + label_width + length + 2, y)
        figures = str(line.participants)
        if institutions:
            figures = ngettext(
                "%(participants)s (%(institutions)s institution)",
                "%(participants)s (%(institutions)s institutions)",
                line.institutions,
            ) % {"participants": line.participants, "institutions": line.institutions}
        pdf.cell(0, 6, figures)
        pdf.set_xy(x, y + 6)


def _bar(pdf: FPDF, share: float, *, colour) -> None:
    x, y, width = pdf.l_margin, pdf.get_y() + 1, 140
    pdf.set_fill_color(227, 232, 236)
    pdf.rect(x, y, width, 5, style="F")
    pdf.set_fill_color(*colour)
    pdf.rect(x, y, max(width * share, 0.5), 5, style="F")
    pdf.set_y(y + 7)


def _survey(pdf: FPDF, survey: dict) -> None:
    _section(pdf, _("Networking survey"))
    pdf.multi_cell(
        0,
        6,
        _("%(respondents)s responses (%(invited)s participants invited).")
        % {"respondents": survey.get("respondents", 0), "invited": survey.get("invited", 0)},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for question in survey.get("questions", []):
        pdf.ln(2)
        pdf.set_font(MAIN_FONT, size=11)
        pdf.multi_cell(0, 6, question.get("text", ""), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(MAIN_FONT, size=9)
        choices = question.get("choices") or []
        if choices:
            _bars(pdf, [Breakdown(str(i), choice["label"], choice["count"], 0) for i, choice in enumerate(choices)])
        for text in question.get("texts") or []:
            pdf.multi_cell(0, 5, f"– {text}", new_x="LMARGIN", new_y="NEXT")


def _matchmaking(pdf: FPDF, matchmaking: Matchmaking) -> None:
    """Requests, meetings, the outcomes at each follow-up step and the funnel meeting → MoU."""
    _section(pdf, _("Matchmaking"))
    pdf.multi_cell(
        0,
        6,
        " · ".join(
            [
                _("%(count)s requests sent") % {"count": matchmaking.requests_sent},
                *(f"{capfirst(label)}: {count}" for _value, label, count in matchmaking.request_lines),
            ]
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.multi_cell(
        0,
        6,
        _("Meetings scheduled: %(scheduled)s · held: %(held)s · no-shows: %(no_shows)s")
        % {
            "scheduled": matchmaking.meetings_scheduled,
            "held": matchmaking.meetings_held,
            "no_shows": matchmaking.no_shows,
        },
        new_x="LMARGIN",
        new_y="NEXT",
    )
    _help(pdf, matchmaking.counts_help)
    if matchmaking.steps:
        pdf.ln(2)
        pdf.set_font(MAIN_FONT, size=11)
        pdf.multi_cell(0, 6, _("Outcomes at each follow-up step"), new_x="LMARGIN", new_y="NEXT")
        _help(pdf, matchmaking.steps_help)
        pdf.set_font(MAIN_FONT, size=9)
        for line in matchmaking.steps:
            head = _("Step %(step)s (day %(days)s): questions asked %(asked)s, answered %(answered)s") % {
                "step": line.step,
                "days": line.days if line.days is not None else "—",
                "asked": line.asked,
                "answered": line.answered,
            }
            answers = " · ".join(f"{capfirst(label)}: {count}" for _value, label, count in line.outcomes if count)
            pdf.multi_cell(0, 5, f"{head}{' — ' + answers if answers else ''}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(MAIN_FONT, size=11)
    pdf.multi_cell(0, 6, _("From request to MoU"), new_x="LMARGIN", new_y="NEXT")
    _bars(pdf, [Breakdown(step.key, capfirst(step.label), step.count, 0) for step in matchmaking.funnel])
    _help(pdf, matchmaking.funnel_help)
    pdf.set_font(MAIN_FONT, size=9)
    for step in matchmaking.funnel:
        pdf.multi_cell(0, 5, f"{capfirst(step.label)}: {_rates(step)}", new_x="LMARGIN", new_y="NEXT")
    for step in matchmaking.funnel:
        _help(pdf, f"{capfirst(step.label)}: {step.help}")
    if matchmaking.funnel_by_country:
        pdf.ln(1)
        pdf.set_font(MAIN_FONT, size=10)
        pdf.multi_cell(0, 6, _("Per country of the requesting institution"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(MAIN_FONT, size=9)
        for _code, name, steps in matchmaking.funnel_by_country:
            figures = " → ".join(str(step.count) for step in steps)
            pdf.multi_cell(0, 5, f"{name}: {figures}", new_x="LMARGIN", new_y="NEXT")
        _help(pdf, " → ".join(capfirst(step.label) for step in matchmaking.funnel))


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0f} %"


def _rates(step) -> str:
    """A funnel step's count and rates, as one line of the PDF."""
    return _("%(count)s (%(previous)s of the step before, %(sent)s of requests sent)") % {
        "count": step.count,
        "previous": _percent(step.of_previous),
        "sent": _percent(step.of_sent),
    }


def _help(pdf: FPDF, text: str) -> None:
    """A small grey note saying what the figures above count."""
    pdf.set_font(MAIN_FONT, size=8)
    pdf.set_text_color(110)
    pdf.multi_cell(0, 4.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)
    pdf.set_font(MAIN_FONT, size=10)
