"""The course as a static web site: every executed notebook as a page, and an index.

``render_site(executed_dir, site_dir)`` turns the notebooks that the main job executed
(``outputs/notebooks/``) into one self-contained HTML page each (figures embedded as data,
widget panels drawn in their last state by ``coursekit.static_html``), and writes
``index.html`` with the course map, and ``index.zh-CN.html``, the same map in Chinese with
each notebook's time and the Chinese summary of its ``zh`` cell (``coursekit.chinese``).
The pages need no server and no installation: open ``outputs/site/index.html`` in a
browser. Formulas are typeset by MathJax, loaded from a CDN when the reader is online;
offline they show as their TeX source.

A page runs no code from its notebook: every cell (markdown, code, outputs) goes through
``coursekit.safe_html.clean_html`` as it is written into the page, after
``coursekit.static_html.static_outputs`` has removed the JavaScript outputs; the page's
only scripts are nbconvert's MathJax loader and its configuration. The Chinese summaries
on ``index.zh-CN.html`` go through ``clean_html`` too. What a page left out is printed, and
listed in its ``SitePage.removed``.
"""

from __future__ import annotations

import datetime
import html
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from coursekit.chinese import zh_stated_time, zh_summary
from coursekit.course_map import COLAB_BADGE, COURSE_MAP
from coursekit.safe_html import clean_html
from coursekit.stated_time import parse_stated_time
from coursekit.static_html import static_outputs

__all__ = ["INDEX_ZH", "SitePage", "SiteResult", "page_filename", "render_site"]

#: The Chinese index's file name, beside ``index.html``.
INDEX_ZH = "index.zh-CN.html"

_SITE_CSS = """
.site-nav { font-family: system-ui, sans-serif; font-size: 14px; padding: 8px 16px;
  margin: 0 0 12px 0; background: #f3f5f7; border-bottom: 1px solid #d0d7de;
  display: flex; gap: 16px; flex-wrap: wrap; align-items: baseline; }
.site-nav a { color: #0b5cad; text-decoration: none; }
.site-nav a:hover { text-decoration: underline; }
.site-nav .site-run { color: #555; margin-left: auto; }
.site-widget { font-family: system-ui, sans-serif; font-size: 13px; border: 1px solid #d0d7de;
  border-radius: 4px; padding: 8px; background: #fbfcfd; }
.site-widget-note { font-style: italic; color: #666; margin: 0 0 6px 0; font-size: 12px; }
.site-vbox { display: flex; flex-direction: column; gap: 4px; }
.site-hbox { display: flex; flex-direction: row; gap: 8px; align-items: flex-start;
  flex-wrap: wrap; }
.site-field { display: flex; align-items: center; gap: 6px; }
.site-field .site-desc { display: inline-block; flex: none; text-align: right; color: #333; }
.site-field input, .site-field select, .site-field textarea { font-size: 13px; flex: 1 1 auto;
  min-width: 0; }
.site-button { font-size: 13px; padding: 3px 12px; border: 1px solid #bbb; border-radius: 3px;
  background: #eee; color: #222; margin-right: 4px; }
.site-image { max-width: 100%; height: auto; }
.site-unknown { color: #666; font-style: italic; }
.site-screenshot { margin: 8px 0 16px 0; }
.site-screenshot img { max-width: 100%; border: 1px solid #d0d7de; }
.site-screenshot figcaption { font-size: 12px; color: #555; font-family: system-ui, sans-serif; }
"""

#: nbconvert's lab page, without require.js and mermaid.js, each cell cleaned as written.
_PAGE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block any_cell -%}
{%- filter clean_cell -%}{{ super() }}{%- endfilter -%}
{%- endblock any_cell -%}
{% block extra_css %}<style type="text/css">{{ resources.site_css }}</style>{% endblock %}
{%- block body_header -%}{{ super() }}{{ resources.site_nav }}{%- endblock body_header -%}
{% block body_footer %}{{ resources.site_nav }}{{ super() }}{% endblock body_footer %}
"""


@dataclass
class SitePage:
    """One rendered notebook: its file stem, title, the HTML file written, and what of the
    notebook the page left out because it could run code or load from elsewhere
    ({"<script>": 1, "onerror=": 2, "application/javascript output": 1, ...})."""

    notebook: str
    title: str
    path: Path
    removed: dict = field(default_factory=dict)


@dataclass
class SiteResult:
    """What ``render_site`` wrote: the index, the Chinese index and the pages, in course
    order."""

    index: Path
    index_zh: Path
    pages: list = field(default_factory=list)
    #: What the Chinese index left out of the notebooks' summaries, as ``SitePage.removed``.
    index_zh_removed: dict = field(default_factory=dict)


def page_filename(stem: str) -> str:
    """The site's file name for a notebook stem, e.g. ``04_dcgan.html``."""
    return f"{stem}.html"


def _notebook_title(notebook, stem) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return stem


def _plain_colab_links(notebook):
    """``notebook`` with each "Open in Colab" badge as a plain link: a page loads no image
    from elsewhere, and would leave the badge out."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = COLAB_BADGE.sub(r"[Open in Colab](\1)", cell.source)
    return notebook


def _nav(links, note="") -> str:
    parts = "".join(f'<a href="{html.escape(href)}">{html.escape(text)}</a>'
                    for text, href in links)
    note_html = f'<span class="site-run">{html.escape(note)}</span>' if note else ""
    return f'<nav class="site-nav">{parts}{note_html}</nav>'


def _exporter(removed: Counter):
    """nbconvert's HTML exporter with the site's page template; what the cleaning of the
    cells leaves out is added to ``removed``."""
    import jinja2
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="lab", template_file="course_page.html.j2",
                        extra_loaders=[jinja2.DictLoader({"course_page.html.j2":
                                                          _PAGE_TEMPLATE})],
                        filters={"clean_cell": lambda text: clean_html(text, removed)},
                        embed_images=True)


def _removed_notice(filename: str, removed: Counter) -> str:
    """One line saying what a page left out of its notebook."""
    items = ", ".join(f"{what} x{count}" for what, count in sorted(removed.items()))
    return (f"Site page {filename}: left out what could run code or load from elsewhere "
            f"(see the README, 'Reading the course without installing anything'): {items}")


_INDEX_CSS = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto;
  padding: 0 1rem; color: #222; line-height: 1.5; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #ddd;
  vertical-align: top; }
th { background: #f3f5f7; }
tr.site-coming td { color: #888; }
a { color: #0b5cad; }
.site-lang { text-align: right; margin: 0; }
.site-zh-title { color: #444; }
td.site-time { min-width: 8em; }
td.site-summary p, td.site-summary ul { margin: 0 0 0.4em 0; }
.site-unknown { color: #666; font-style: italic; }
"""


#: What each index page says around its table, and the table's columns: (header, the
#: attributes of the column's cells).
_INDEX_TEXT = {
    "en": {
        "intro": "Read the course here without installing anything: each page is a notebook "
                 "as the course's main job ran it, with its figures, and its control panels "
                 "shown in their last state. To train the GANs yourself, clone the repository "
                 "and run <code>bash course.sh run</code>.",
        "footer": "Generated {generated} by\n<code>python -m coursekit run</code>. Run the "
                  "course yourself: see the README.",
        "switch": f'<a href="{INDEX_ZH}" hreflang="zh-CN" lang="zh-CN">中文课程地图'
                  "（每个笔记本的中文概要）</a>",
        "columns": [("#", ""), ("notebook", ""), ("what it teaches", ""), ("last run", "")],
    },
    "zh-CN": {
        "intro": "不用安装任何东西，就能在这里阅读整门课程：每一页是课程主任务运行后的一个笔记本，"
                 "带着它的图，控制面板显示为运行结束时的状态。笔记本正文是英文；下表给出每个"
                 "笔记本的中文概要和在笔记本电脑 CPU 上的用时。想亲手训练这些 GAN，请克隆仓库并"
                 "运行 <code>bash course.sh run</code>。",
        "footer": "由 <code>python -m coursekit run</code> 于 {generated} 生成。"
                  "自己运行课程：见 README.zh-CN.md。",
        "switch": '<a href="index.html" hreflang="en" lang="en">Course map in English</a>',
        "columns": [("#", ""), ("笔记本", ""), ("用时（笔记本电脑 CPU）", ' class="site-time"'),
                    ("中文概要", ' class="site-summary"'), ("上次运行", ' lang="en"')],
    },
}


def _index_html(lang, title, rows) -> str:
    """The index page in ``lang`` (a key of ``_INDEX_TEXT``); ``rows`` are (coming,
    [cell HTML]), the cells escaped or cleaned by the caller."""
    text = _INDEX_TEXT[lang]
    body = []
    for coming, cells in rows:
        state = ' class="site-coming"' if coming else ""
        body.append(f"<tr{state}>" + "".join(
            f"<td{attributes}>{cell}</td>"
            for cell, (_, attributes) in zip(cells, text["columns"], strict=True)) + "</tr>")
    head = "".join(f"<th>{html.escape(header)}</th>" for header, _ in text["columns"])
    generated = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{html.escape(title)}</title>
<style>{_INDEX_CSS}</style></head>
<body>
<p class="site-lang">{text["switch"]}</p>
<h1>{html.escape(title)}</h1>
<p>{text["intro"]}</p>
<table id="course-map">
<thead><tr>{head}</tr></thead>
<tbody>
{chr(10).join(body)}
</tbody></table>
<p>{text["footer"].format(generated=generated)}</p>
</body></html>
"""


def _english_index(entries, titles, notes, title) -> str:
    """index.html: the course map, one row per entry of ``_index_entries``."""
    rows = []
    for number, stem, name, teaches in entries:
        if stem is None:
            rows.append((True, [html.escape(number), html.escape(name), html.escape(teaches),
                                "coming"]))
            continue
        link = f'<a href="{html.escape(page_filename(stem))}">{html.escape(titles[stem])}</a>'
        rows.append((False, [html.escape(number), link, html.escape(teaches),
                             html.escape(notes.get(stem, ""))]))
    return _index_html("en", title, rows)


def _markdown_html(text: str, removed: Counter) -> str:
    """Markdown from a notebook as HTML, through ``clean_html``."""
    from nbconvert.filters import markdown2html

    return clean_html(markdown2html(text), removed)


def _chinese_index(entries, loaded, titles, notes, title) -> tuple[str, Counter]:
    """index.zh-CN.html: per notebook its title, stated time and Chinese summary; and what
    the cleaning of the summaries left out."""
    removed = Counter()
    rows = []
    for number, stem, name, _ in entries:
        if stem is None:
            rows.append((True, [html.escape(number), f'<span lang="en">{html.escape(name)}'
                                "</span>", "", "即将推出", ""]))
            continue
        notebook = loaded[stem]
        summary = zh_summary(notebook)
        link = (f'<a class="site-notebook" href="{html.escape(page_filename(stem))}" '
                f'lang="en">{html.escape(titles[stem])}</a>')
        if summary is not None and summary.title:
            link += f'<div class="site-zh-title">{html.escape(summary.title)}</div>'
        first = notebook.cells[0].source if notebook.cells else ""
        stated = parse_stated_time(first) if first else None
        time = _markdown_html(zh_stated_time(stated), removed) if stated else "（未注明）"
        text = (_markdown_html(summary.body_without_time(), removed) if summary
                else '<span class="site-unknown">（暂无中文概要）</span>')
        rows.append((False, [html.escape(number), link, time, text,
                             html.escape(notes.get(stem, ""))]))
    return _index_html("zh-CN", title, rows), removed


def _index_entries(course_map, stems):
    """(number, stem or None, title in the map, what it teaches) in course order: each map
    row filled by the first rendered notebook with its number, then the notebooks that
    are not in the map."""
    entries, placed = [], set()
    for number, name, teaches in ((row[0][:2], row[1], row[2]) for row in course_map):
        stem = next((s for s in stems if s[:2] == number and s not in placed), None)
        placed.add(stem)
        entries.append((number, stem, name, teaches))
    entries += [(stem[:2], stem, stem, "") for stem in stems if stem not in placed]
    return entries


def render_site(executed_dir, site_dir, course_map=None, notes=None, screenshot_dir=None,
                include=None, title="GANs for computer vision: a hands-on course",
                title_zh="计算机视觉中的 GAN：动手实践课程") -> SiteResult:
    """Render every executed notebook in ``executed_dir`` and an index into ``site_dir``.

    Args:
        executed_dir: folder of executed notebooks (``outputs/notebooks``).
        site_dir: where the HTML goes (created; existing pages are overwritten).
        course_map: (stem, title, teaches) rows in course order; default
            ``coursekit.course_map.COURSE_MAP``. A row is filled by the executed notebook
            whose name starts with the row's two-digit number; others are listed last.
        notes: {stem: short text}, e.g. how long the notebook ran, shown in the index and
            on the page.
        screenshot_dir: a folder of PNG screenshots named ``<stem>*.png``; each one is shown
            after the last widget of its notebook's page.
        include: render only the notebooks with these stems (default: all in the folder),
            e.g. to leave out an executed notebook whose source was renamed or removed.
        title: the index page's title.
        title_zh: the Chinese index page's title.

    Returns:
        A ``SiteResult`` with the paths of both indexes and one ``SitePage`` per notebook. A page
        whose notebook held something that could run code or load from elsewhere (a
        script, an event handler, a JavaScript output, ...) is written without it, and one
        line saying what was left out is printed.

    Raises:
        FileNotFoundError: if ``executed_dir`` holds no executed notebook.
    """
    import nbformat

    if course_map is None:
        course_map = COURSE_MAP
    executed_dir, site_dir = Path(executed_dir), Path(site_dir)
    notebooks = [path for path in sorted(executed_dir.glob("*.ipynb"))
                 if include is None or path.stem in include]
    if not notebooks:
        raise FileNotFoundError(f"No executed notebooks in {executed_dir}: run "
                                "`python -m coursekit run` first (it writes them there).")
    notes = dict(notes or {})
    numbers = [row[0][:2] for row in course_map]
    notebooks.sort(key=lambda p: (numbers.index(p.stem[:2]) if p.stem[:2] in numbers
                                  else len(numbers), p.stem))
    site_dir.mkdir(parents=True, exist_ok=True)
    loaded = {path.stem: _plain_colab_links(nbformat.read(path, as_version=4))
              for path in notebooks}
    titles = {stem: _notebook_title(nb, stem) for stem, nb in loaded.items()}
    stems = list(loaded)
    result = SiteResult(index=site_dir / "index.html", index_zh=site_dir / INDEX_ZH)
    for position, stem in enumerate(stems):
        links = [("Course map", "index.html"), ("中文课程地图", INDEX_ZH)]
        if position > 0:
            links.append((f"← {titles[stems[position - 1]]}",
                          page_filename(stems[position - 1])))
        if position + 1 < len(stems):
            links.append((f"{titles[stems[position + 1]]} →",
                          page_filename(stems[position + 1])))
        shots = sorted(Path(screenshot_dir).glob(f"{stem}*.png")) if screenshot_dir else []
        removed = Counter()
        notebook = static_outputs(loaded[stem], shots, removed)
        notebook.metadata["title"] = titles[stem]
        body, _ = _exporter(removed).from_notebook_node(notebook, resources={
            "site_css": _SITE_CSS, "site_nav": _nav(links, notes.get(stem, ""))})
        path = site_dir / page_filename(stem)
        path.write_text(body, encoding="utf-8")
        if removed:
            print(_removed_notice(path.name, removed))
        result.pages.append(SitePage(stem, titles[stem], path, dict(removed)))

    entries = _index_entries(course_map, stems)
    result.index.write_text(_english_index(entries, titles, notes, title), encoding="utf-8")
    page, removed = _chinese_index(entries, loaded, titles, notes, title_zh)
    result.index_zh.write_text(page, encoding="utf-8")
    if removed:
        print(_removed_notice(INDEX_ZH, removed))
    result.index_zh_removed = dict(removed)
    return result
