"""Text for notebooks and logs: Markdown tables, durations and one-line progress bars."""

from __future__ import annotations

import math

__all__ = ["duration_text", "markdown_table", "progress_text"]


def _table_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value).replace("|", "\\|")


def markdown_table(rows, columns) -> str:
    """An aligned Markdown table of ``rows`` (dicts) in the order of ``columns``.

    Floats are shown to 4 significant digits, missing values as empty cells. Display it
    in a notebook with ``IPython.display.Markdown``; it also reads well as plain text.
    """
    columns = list(columns)
    cells = [[_table_cell(row.get(column)) for column in columns] for row in rows]
    widths = [max([len(str(c)), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]

    def line(values):
        return "| " + " | ".join(str(v).ljust(w) for v, w in zip(values, widths,
                                                                  strict=True)) + " |"

    return "\n".join([line(columns), line(["-" * w for w in widths]),
                      *(line(r) for r in cells)])


def duration_text(seconds: float) -> str:
    """Seconds as "42 s" or "3 min 05 s" ("?" when unknown).
    """
    if not math.isfinite(seconds):
        return "?"
    seconds = round(seconds)
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60} min {seconds % 60:02d} s"


def progress_text(label: str, done: int, total: int, elapsed: float, what: str = "") -> str:
    """One progress line: ``<label> [####....]  40%, <what>, 12 s elapsed, ~18 s left``.

    The time left is extrapolated from the time elapsed for the share done.
    """
    share = min(max(done / total, 0.0), 1.0) if total > 0 else 1.0
    left = elapsed / share * (1.0 - share) if share > 0 else math.nan
    filled = round(20 * share)
    middle = f", {what}" if what else ""
    return (f"{label} [{'#' * filled}{'.' * (20 - filled)}] {share:4.0%}{middle}, "
            f"{duration_text(elapsed)} elapsed, ~{duration_text(left)} left")
