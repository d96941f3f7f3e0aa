"""Each notebook's stated "Time on a laptop CPU", read from its first cell and checked.

A notebook's first cell says how long it takes ("**Time on a laptop CPU:** about 6 minutes
... With `QUICK = True` ... under a minute"); ``check_time`` flags a measured time that
disagrees ("about" allows ``ABOUT_MARGIN`` times the time, "under" nothing more).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ABOUT_MARGIN", "StatedDuration", "StatedTime", "check_time", "parse_stated_time",
           "stated_time"]

#: "about 6 minutes" may take up to this many times 6 minutes before it is flagged;
#: "under a minute" may not take longer than a minute.
ABOUT_MARGIN = 1.25
_UPPER_BOUNDS = ("under", "less than", "at most", "up to", "within")
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                 "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "half a": 0.5,
                 "half an": 0.5}
_UNIT_SECONDS = {"s": 1, "sec": 1, "second": 1, "min": 60, "minute": 60, "h": 3600,
                 "hour": 3600}
_DURATION = re.compile(
    r"\b(?:(?P<qualifier>about|around|roughly|under|less than|at most|up to|within)\s+)?"
    r"(?:(?P<number>\d+(?:\.\d+)?)\s*"
    r"|(?P<word>half an?|an?|one|two|three|four|five|six|seven|eight|nine|ten)\s+)"
    r"(?P<unit>seconds?|secs?|s|minutes?|mins?|hours?|h)\b", re.IGNORECASE)
_STATED_MARK = "time on a laptop cpu"


@dataclass(frozen=True)
class StatedDuration:
    """One duration as a notebook states it, e.g. "about 6 minutes" (360 s, about)."""

    phrase: str
    seconds: float
    qualifier: str

    @property
    def limit(self) -> float:
        """The longest measured time that still agrees with the phrase, in seconds."""
        margin = 1.0 if self.qualifier in _UPPER_BOUNDS else ABOUT_MARGIN
        return self.seconds * margin


@dataclass(frozen=True)
class StatedTime:
    """A notebook's stated time with its defaults (``full``) and with ``QUICK = True``."""

    full: StatedDuration
    quick: StatedDuration


def _duration(match) -> StatedDuration:
    word = (match["word"] or "").lower()
    number = _NUMBER_WORDS[" ".join(word.split())] if word else float(match["number"])
    unit = match["unit"].lower().rstrip("s") or "s"
    qualifier = (match["qualifier"] or "about").lower()
    phrase = " ".join(match.group(0).split())
    return StatedDuration(phrase, number * _UNIT_SECONDS[unit], qualifier)


def parse_stated_time(markdown: str) -> StatedTime | None:
    """Read "Time on a laptop CPU: about 6 minutes ... With `QUICK = True` ... under a minute".

    The first duration after the mark is the time with the defaults. The quick-setting
    time is the first duration after "QUICK = True"; "the same with `QUICK = True`" or no
    mention of the quick setting means the same time. Returns None when the text has no
    "Time on a laptop CPU" or no duration after it.
    """
    start = markdown.lower().find(_STATED_MARK)
    if start < 0:
        return None
    paragraph = re.split(r"\n\s*\n", markdown[start + len(_STATED_MARK):], maxsplit=1)[0]
    quick_at = paragraph.find("QUICK = True")
    before = paragraph if quick_at < 0 else paragraph[:quick_at]
    full = _DURATION.search(before)
    if full is None:
        return None
    full = _duration(full)
    quick = None
    if quick_at >= 0 and not re.search(r"the same\W+with\W+$", before):
        found = _DURATION.search(paragraph, quick_at)
        quick = _duration(found) if found else None
    return StatedTime(full, quick or full)


def stated_time(notebook_path) -> StatedTime | None:
    """The stated time in the first cell of a notebook file (None if it states none)."""
    import nbformat

    cells = nbformat.read(str(notebook_path), as_version=4).cells
    return parse_stated_time(cells[0].source) if cells else None


def check_time(seconds: float, stated: StatedDuration | None) -> str:
    """An empty string if ``seconds`` agrees with ``stated``, else a one-line reason."""
    if stated is None or seconds <= stated.limit:
        return ""

    def shown(value):  # whole seconds, unless rounding would hide the difference
        return f"{value:.0f}" if round(value) == round(value, 1) else f"{value:.1f}"

    return (f"took {shown(seconds)} s here; its first cell says {stated.phrase} "
            f"(up to {shown(stated.limit)} s)")
