"""A binôme's audit timeline as a PDF (fpdf2), for a file or a funder's audit: who, what, when it happened, when
it was recorded, in the reader's language."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.fonts import FontFace

import i18n
from domain.state import BinomeState
from domain.stages import stage_code
from web.render import moment
from web.timeline import Entry

# A font with every character of the three languages and more, when the system has it (Debian's fonts-dejavu);
# else the PDF's own Helvetica, which knows Latin-1 only: other characters read as "?".
UNICODE_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
UNICODE_BOLD = UNICODE_FONT.with_name("DejaVuSans-Bold.ttf")
# A table row must fit on a page: each value, and a fact's details, are cut there (the CSV has them whole).
LONGEST_VALUE, LONGEST_DETAILS = 300, 1500


def timeline_pdf(state: BinomeState, names: dict[str, str], entries: list[Entry], language: str, zone: ZoneInfo,
                 now: datetime) -> bytes:
    def t(code: str, **params) -> str:
        return i18n.render(code, params, language)

    pdf = FPDF(orientation="landscape", format="A4")
    family = _font(pdf)
    pdf.set_title(t("web.timeline.title"))
    pdf.add_page()
    pdf.set_font(family, size=14)
    pair = " / ".join(names.get(p or "", p or "") for p in (state.mentor_id, state.mentee_id))
    pdf.cell(text=_safe(f"{t('web.timeline.title')} — {pair}", family), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=9)
    pdf.cell(text=_safe(f"{t('web.binome.id')}: {state.binome_id} · {t('web.binome.stage')}: "
                        f"{t(stage_code(state.stage))} · {t('web.exported_at')}: {moment(now, language, zone)}",
                        family), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    headings = ("#", t("web.timeline.occurred_at"), t("web.timeline.recorded_at"), t("web.timeline.actor"),
                t("web.timeline.what"), t("web.timeline.details"))
    with pdf.table(col_widths=(8, 30, 30, 30, 45, 130), headings_style=FontFace(emphasis="BOLD"),
                   text_align="LEFT") as table:
        row = table.row()
        for heading in headings:
            row.cell(_safe(heading, family))
        for entry in entries:
            row = table.row()
            for value in (str(entry.position), moment(entry.occurred_at, language, zone, "short"),
                          moment(entry.recorded_at, language, zone, "short"),
                          f"{t('web.actor.' + entry.actor_kind)} {entry.actor}", t(f"fact.{entry.type}"),
                          _cut("\n".join(f"{name}: {_cut(value, LONGEST_VALUE)}" for name, value in entry.details),
                               LONGEST_DETAILS)):
                row.cell(_safe(value, family))
    return bytes(pdf.output())


def _font(pdf: FPDF) -> str:
    if UNICODE_FONT.exists():
        pdf.add_font("DejaVu", "", str(UNICODE_FONT))
        pdf.add_font("DejaVu", "B", str(UNICODE_BOLD if UNICODE_BOLD.exists() else UNICODE_FONT))
        return "DejaVu"
    return "Helvetica"


def _cut(text: str, longest: int) -> str:
    return text if len(text) <= longest else text[:longest - 1] + "…"


def _safe(text: str, family: str) -> str:
    return text if family != "Helvetica" else text.encode("latin-1", "replace").decode("latin-1")
