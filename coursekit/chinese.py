"""The course in Chinese: each notebook's ``zh`` summary cell, and its stated time in Chinese.

Right after its title cell, every notebook has one markdown cell tagged ``zh`` that starts
with ``## 中文概要``: what the notebook teaches, how long it takes and what it measures, for
a learner who reads Chinese. ``zh_summary`` reads that cell; ``zh_stated_time`` writes a
notebook's stated "Time on a laptop CPU" (``coursekit.stated_time``) in the one Chinese
wording that the summary cells, ``README.zh-CN.md`` and the site's Chinese course map all
use, so a test can check each of them against the English title cell.
"""

from __future__ import annotations

from dataclasses import dataclass

from coursekit.stated_time import StatedDuration, StatedTime

__all__ = ["ZH_HEADING", "ZH_TAG", "ZH_TIME_LABEL", "ZhSummary", "zh_cells", "zh_duration",
           "zh_stated_time", "zh_summary", "zh_time_line"]

#: The tag of a notebook's Chinese summary cell.
ZH_TAG = "zh"
#: How the summary cell starts: ``## 中文概要：<the notebook's title in Chinese>``.
ZH_HEADING = "## 中文概要"
#: The label before the stated time in a summary cell.
ZH_TIME_LABEL = "**用时（笔记本电脑 CPU）：**"

_QUALIFIERS = {"about": "约", "around": "约", "roughly": "约", "under": "不到",
               "less than": "不到", "at most": "最多", "up to": "最多", "within": "最多"}
_UNITS = (("小时", 3600), ("分钟", 60), ("秒", 1))
_TITLE_SEPARATORS = "：:·- "


def zh_duration(duration: StatedDuration) -> str:
    """One stated duration in Chinese: "about 6 minutes" -> "约 6 分钟",
    "under a minute" -> "不到 1 分钟", "about 2.5 minutes" -> "约 2.5 分钟"."""
    unit, size = next((unit, size) for unit, size in _UNITS
                      if duration.seconds >= size or size == 1)
    return f"{_QUALIFIERS[duration.qualifier]} {duration.seconds / size:g} {unit}"


def zh_stated_time(stated: StatedTime) -> str:
    """A notebook's stated time in Chinese (Markdown), with the quick setting's:
    "约 6 分钟（`QUICK = True` 时不到 1 分钟）", or "...时相同" when they agree."""
    full, quick = zh_duration(stated.full), zh_duration(stated.quick)
    return f"{full}（`QUICK = True` 时{'相同' if quick == full else quick}）"


def zh_time_line(stated: StatedTime) -> str:
    """The line of a summary cell that states the time, e.g.
    "**用时（笔记本电脑 CPU）：** 约 6 分钟（`QUICK = True` 时不到 1 分钟）"."""
    return f"{ZH_TIME_LABEL} {zh_stated_time(stated)}"


@dataclass(frozen=True)
class ZhSummary:
    """A notebook's Chinese summary: its title in Chinese and the Markdown under it."""

    title: str
    body: str

    def body_without_time(self) -> str:
        """The body without its line that states the time (shown apart, e.g. in a table)."""
        return "\n".join(line for line in self.body.splitlines()
                         if not line.startswith(ZH_TIME_LABEL)).strip()


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def zh_cells(notebook) -> list:
    """The cells of ``notebook`` (an nbformat notebook or its JSON dict) tagged ``zh``."""
    return [cell for cell in notebook["cells"]
            if ZH_TAG in cell.get("metadata", {}).get("tags", [])]


def zh_summary(notebook) -> ZhSummary | None:
    """The notebook's Chinese summary, from its first cell tagged ``zh`` that starts with
    ``ZH_HEADING``; None when it has none."""
    for cell in zh_cells(notebook):
        heading, _, body = _source(cell).partition("\n")
        if cell.get("cell_type") == "markdown" and heading.startswith(ZH_HEADING):
            title = heading[len(ZH_HEADING):].lstrip(_TITLE_SEPARATORS).strip()
            return ZhSummary(title, body.strip())
    return None
