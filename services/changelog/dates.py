"""How a changelog writes its release dates, so a new heading's date looks like its neighbours'.

Five forms are read and written back as found: ``2024-05-01`` (also unpadded ``2024-5-1``),
``2024/05/01``, ``01.05.2024``, ``May 1, 2024`` and ``1 May 2024``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


@dataclass(frozen=True)
class DateStyle:
    """How the file writes a date, so a new heading's date looks like its neighbours'."""

    kind: str  # iso, slash, dots, month-first, day-first
    padded: bool = True

    def render(self, day: date) -> str:
        if self.kind == "iso":
            return day.isoformat() if self.padded else f"{day.year}-{day.month}-{day.day}"
        if self.kind == "slash":
            return day.strftime("%Y/%m/%d")
        if self.kind == "dots":
            return day.strftime("%d.%m.%Y")
        if self.kind == "month-first":
            return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"

    @staticmethod
    def read(token: str) -> tuple[DateStyle, date]:
        """Parse a date token; ValueError when it is not a real calendar date."""
        if "-" in token:
            y, m, d = (int(p) for p in token.split("-"))
            return DateStyle("iso", padded=len(token) == 10), date(y, m, d)
        if "/" in token:
            y, m, d = (int(p) for p in token.split("/"))
            return DateStyle("slash"), date(y, m, d)
        if "." in token:
            d, m, y = (int(p) for p in token.split("."))
            return DateStyle("dots"), date(y, m, d)
        words = token.replace(",", "").split()
        if words[0] in MONTHS:
            return DateStyle("month-first"), date(int(words[2]), MONTHS.index(words[0]) + 1,
                                                  int(words[1]))
        return DateStyle("day-first"), date(int(words[2]), MONTHS.index(words[1]) + 1,
                                            int(words[0]))
