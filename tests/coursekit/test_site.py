"""The readable site: executed notebooks as static pages, widgets in their last state."""

import base64
import io
import re
import shutil
from pathlib import Path

import nbformat
import papermill
import pytest
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell
from PIL import Image

from coursekit import chinese, site, static_html

MAP = (("01_widgets", "Widgets", "a panel in its last state"),
       ("02_later", "Later", "not written yet"))


def _image_bytes(image_format, colour):
    buffer = io.BytesIO()
    Image.new("RGB", (12, 8), colour).save(buffer, format=image_format)
    return buffer.getvalue()


PNG = _image_bytes("PNG", (200, 30, 30))
GIF = _image_bytes("GIF", (30, 30, 200))

WIDGET_CODE = f"""
import ipywidgets as w
from IPython.display import Image, display
out = w.Output()
out.append_stdout("printed inside an Output widget")
panel = w.VBox([
    w.HBox([w.IntText(value=7, description="steps"),
            w.Dropdown(options=["adam", "sgd"], value="sgd", description="optimizer"),
            w.IntSlider(value=4, min=0, max=9, description="digit")]),
    w.Button(description="Start", button_style="success"),
    w.Image(value={PNG!r}, format="png"),
    w.HTML('<span style="color:#1b5e20">Set the values, then press <b>Start</b>.</span>'),
    out,
])
display(panel)
display(Image(data={GIF!r}, format="gif"))
"""


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """A notebook with a widget panel and a GIF, executed by papermill (real widget state)."""
    folder = tmp_path_factory.mktemp("executed")
    source = folder / "source.ipynb"
    nb = new_notebook(cells=[new_markdown_cell("# 01 · Widgets\n\nA panel, then a GIF."),
                             new_code_cell(WIDGET_CODE)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, source)
    papermill.execute_notebook(str(source), str(folder / "01_widgets.ipynb"),
                               kernel_name="python3", progress_bar=False)
    source.unlink()
    extra = new_notebook(cells=[new_markdown_cell("# 99 · Extra\n\nNot in the map.")])
    nbformat.write(extra, folder / "99_extra.ipynb")
    return folder


def _field(widget, description):
    """The form element next to a description in a drawn widget."""
    label = widget.find("span", class_="site-desc", string=description)
    return label.find_next_sibling()


def test_widget_panel_is_drawn_in_its_last_state(executed, tmp_path):
    result = site.render_site(executed, tmp_path / "site", course_map=MAP)
    page = (tmp_path / "site" / "01_widgets.html").read_text()
    widget = BeautifulSoup(page, "html.parser").find("div", class_="site-widget")
    assert widget.find("p", class_="site-widget-note").text == static_html.WIDGET_NOTE
    steps = _field(widget, "steps")
    assert (steps.name, steps["value"], steps.has_attr("disabled")) == ("input", "7", True)
    assert _field(widget, "optimizer").find("option").text == "sgd"
    slider = _field(widget, "digit")
    assert (slider["type"], slider["value"], slider["max"]) == ("range", "4", "9")
    button = widget.find("button")
    assert button.text == "Start" and "#4caf50" in button["style"]
    assert button.has_attr("disabled")
    sources = [img["src"] for img in widget.find_all("img")]
    assert sources == [f"data:image/png;base64,{base64.b64encode(PNG).decode()}"]
    assert widget.find("b", string="Start")  # the HTML widget's own markup
    assert "printed inside an Output widget" in widget.find("div", class_="site-output").text
    gif = f"data:image/gif;base64,{base64.b64encode(GIF).decode()}"
    assert [img for img in BeautifulSoup(page, "html.parser").find_all("img")
            if img["src"] == gif]
    # No widget JavaScript and no require.js: the page needs nothing from a CDN to show them.
    assert "widget-state+json" not in page and "html-manager" not in page
    assert "require.min.js" not in page
    assert [p.notebook for p in result.pages] == ["01_widgets", "99_extra"]


def test_index_follows_the_course_map_and_links_every_page(executed, tmp_path):
    result = site.render_site(executed, tmp_path / "site", course_map=MAP,
                              notes={"01_widgets": "ok in 3 s (quick setting)"})
    index = result.index.read_text()
    assert result.index == tmp_path / "site" / "index.html"
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', index)
    assert links == [("01_widgets.html", "01 · Widgets"), ("99_extra.html", "99 · Extra")]
    assert "ok in 3 s (quick setting)" in index
    assert re.search(r'<tr class="site-coming"><td>02</td><td>Later</td>.*coming', index)
    assert '<a href="index.zh-CN.html" hreflang="zh-CN" lang="zh-CN">' in index
    page = (tmp_path / "site" / "01_widgets.html").read_text()
    assert '<a href="index.html">Course map</a>' in page
    assert '<a href="index.zh-CN.html">中文课程地图</a>' in page
    assert '<a href="99_extra.html">99 · Extra →</a>' in page
    assert "ok in 3 s (quick setting)" in page
    assert "<title>01 · Widgets</title>" in page


def _chinese_notebook(stem, summary=None, time="about 6 minutes (5 of them training).\n"
                      "With `QUICK = True` the whole notebook runs in under a minute."):
    """A notebook with a stated time and, when given, a Chinese summary cell."""
    cells = [new_markdown_cell(f"# {stem[:2]} · {stem}\n\n**Time on a laptop CPU:** {time}")]
    if summary is not None:
        cells.append(new_markdown_cell(summary, metadata={"tags": ["zh"]}))
    return new_notebook(cells=[*cells, new_markdown_cell("## Setup")])


def _render_chinese(folder, summaries, notes=None):
    """Render a site of notebooks with these Chinese summaries ({stem: summary or None})."""
    executed = folder / "executed"
    executed.mkdir()
    for stem, summary in summaries.items():
        nbformat.write(_chinese_notebook(stem, summary), executed / f"{stem}.ipynb")
    return site.render_site(executed, folder / "site", course_map=MAP, notes=notes)


def test_chinese_index_has_each_notebook_time_and_summary(tmp_path):
    summary = ("## 中文概要：小部件\n\n学会**控制面板**。\n\n"
               "**用时（笔记本电脑 CPU）：** 约 6 分钟（`QUICK = True` 时不到 1 分钟）\n\n"
               "**关键结果：** 面板的最后状态。")
    result = _render_chinese(tmp_path, {"01_widgets": summary, "99_extra": None},
                             notes={"01_widgets": "ok in 3 s (quick setting)"})
    assert result.index_zh == tmp_path / "site" / "index.zh-CN.html"
    soup = BeautifulSoup(result.index_zh.read_text(), "html.parser")
    assert soup.html["lang"] == "zh-CN"
    assert soup.find("a", hreflang="en")["href"] == "index.html"
    rows = [[cell for cell in row.find_all("td")]
            for row in soup.find(id="course-map").tbody.find_all("tr")]
    assert [row[0].text for row in rows] == ["01", "02", "99"]
    number, notebook, time, text, note = rows[0]
    assert [(a["href"], a.text) for a in notebook.find_all("a")] \
        == [("01_widgets.html", "01 · 01_widgets")]
    assert notebook.find(class_="site-zh-title").text == "小部件"
    assert time.text.strip() == "约 6 分钟（QUICK = True 时不到 1 分钟）"
    assert text.find("strong", string="控制面板") and "面板的最后状态" in text.text
    assert "用时" not in text.text  # the time has a column of its own
    assert note.text == "ok in 3 s (quick setting)"
    assert rows[1][0].parent["class"] == ["site-coming"] and "即将推出" in rows[1][3].text
    assert "暂无中文概要" in rows[2][3].text


def test_chinese_summary_with_a_script_keeps_its_text_not_the_script(tmp_path, capsys):
    summary = ("## 中文概要：<script>alert(1)</script>标题\n\n"
               "概要<script>document.title = 'page-taken'</script>"
               '<img src="x" onerror="alert(2)"><a href="javascript:alert(3)">链接</a>')
    result = _render_chinese(tmp_path, {"01_page": summary})
    assert result.index_zh_removed == {"<script>": 1, "javascript: link": 1, "onerror=": 1,
                                       "image not embedded as PNG, GIF or JPEG data": 1}
    page = result.index_zh.read_text()
    _runs_nothing(page, scripts=[])
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find(class_="site-zh-title").text == "<script>alert(1)</script>标题"
    assert "概要" in soup.find(class_="site-summary").text and "page-taken" not in page
    assert not soup.find("a", string="链接").has_attr("href")
    assert ("Site page index.zh-CN.html: left out what could run code or load from elsewhere "
            "(see the README, 'Reading the course without installing anything'): <script> x1, "
            "image not embedded as PNG, GIF or JPEG data x1, javascript: link x1, onerror= x1\n"
            in capsys.readouterr().out)


def test_screenshots_of_a_notebook_follow_its_last_widget(executed, tmp_path):
    shots = tmp_path / "browser"
    shots.mkdir()
    (shots / "01_widgets_panel.png").write_bytes(PNG)
    (shots / "99_other_panel.png").write_bytes(GIF)
    site.render_site(executed, tmp_path / "site", course_map=MAP, screenshot_dir=shots)
    page = (tmp_path / "site" / "01_widgets.html").read_text()
    assert page.count('class="site-screenshot"') == 1
    assert "01_widgets_panel.png from the browser tests" in page
    assert "99_other_panel" not in (tmp_path / "site" / "99_extra.html").read_text()


def test_empty_folder_is_refused_with_the_command_that_fills_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="python -m coursekit run"):
        site.render_site(tmp_path, tmp_path / "site")


def test_map_rows_are_filled_by_number_and_include_leaves_out_stale_pages(tmp_path):
    executed = tmp_path / "executed"
    executed.mkdir()
    for stem in ("02_renamed", "02_old_name", "05_other"):
        nbformat.write(new_notebook(cells=[new_markdown_cell(f"# {stem[:2]} · {stem}")]),
                       executed / f"{stem}.ipynb")
    result = site.render_site(executed, tmp_path / "site", course_map=MAP,
                              include={"02_renamed", "05_other"})
    assert [page.notebook for page in result.pages] == ["02_renamed", "05_other"]
    index = result.index.read_text()
    assert re.search(r"<td>02</td><td><a href=\"02_renamed.html\">02 · 02_renamed</a></td>"
                     r"<td>not written yet</td>", index)
    assert re.search(r"<tr class=\"site-coming\"><td>01</td><td>Widgets</td>", index)
    assert "02_old_name" not in index
    assert not (tmp_path / "site" / "02_old_name.html").exists()


# --- Nothing from a notebook runs on its page -------------------------------------------

PROJECT_DIR = Path(__file__).resolve().parents[2]
#: The page's own scripts: nbconvert's MathJax loader and its configuration, nothing else.
PAGE_SCRIPTS = [(HTMLExporter().mathjax_url, None), (None, "text/x-mathjax-config")]
PNG_URI = f"data:image/png;base64,{base64.b64encode(PNG).decode()}"
GIF_URI = f"data:image/gif;base64,{base64.b64encode(GIF).decode()}"


def _runs_nothing(page, scripts=PAGE_SCRIPTS):
    """Check a page's text: no script but ``scripts`` (the MathJax loader of a notebook's
    page), no handler, no javascript:."""
    soup = BeautifulSoup(page, "html.parser")
    assert [(tag.get("src"), tag.get("type")) for tag in soup.find_all("script")] == scripts
    assert page.lower().count("<script") == len(scripts)
    assert not [(tag.name, name) for tag in soup.find_all(True) for name in tag.attrs
                if name.startswith("on")]
    assert "onerror=" not in page.lower() and "javascript:" not in page.lower()


def _render(folder, *cells, widgets=None):
    """Render a one-page site of these cells; the page's text and what it left out."""
    executed = folder / "executed"
    executed.mkdir()
    notebook = new_notebook(cells=[new_markdown_cell("# 01 · Page"), *cells])
    if widgets:
        notebook.metadata["widgets"] = {static_html.WIDGET_STATE: {
            "state": widgets, "version_major": 2, "version_minor": 0}}
    nbformat.write(notebook, executed / "01_page.ipynb")
    result = site.render_site(executed, folder / "site", course_map=MAP)
    return (folder / "site" / "01_page.html").read_text(), result.pages[0].removed


def _html_output(text):
    return new_code_cell("show()", outputs=[new_output("display_data", data={
        "text/html": text, "text/plain": "<HTML>"})])


def test_output_with_a_script_keeps_its_html_not_the_script(tmp_path, capsys):
    page, removed = _render(tmp_path, _html_output(
        "<p>shown</p><script>document.title = 'page-taken'</script>"))
    _runs_nothing(page)
    assert "<p>shown</p>" in page and "page-taken" not in page
    assert removed == {"<script>": 1}
    assert ("Site page 01_page.html: left out what could run code or load from elsewhere "
            "(see the README, 'Reading the course without installing anything'): <script> x1"
            in capsys.readouterr().out)


def test_the_colab_badge_becomes_a_plain_link(tmp_path, capsys):
    from coursekit.course_map import colab_badge, colab_url

    page, removed = _render(tmp_path, new_markdown_cell(f"Text.\n\n{colab_badge('01_page.ipynb')}"))
    assert removed == {} and "left out" not in capsys.readouterr().out
    link = BeautifulSoup(page, "html.parser").find("a", string="Open in Colab")
    assert link["href"] == colab_url("01_page.ipynb")


def test_output_img_onerror_is_dropped_and_the_image_kept(tmp_path):
    page, removed = _render(tmp_path, _html_output(f'<img src="{PNG_URI}" onerror="alert(1)">'))
    _runs_nothing(page)
    assert [img["src"] for img in BeautifulSoup(page, "html.parser").find_all("img")] \
        == [PNG_URI]
    assert removed == {"onerror=": 1}


def test_output_javascript_link_keeps_its_text_without_the_link(tmp_path):
    page, removed = _render(tmp_path, _html_output('<a href="javascript:alert(1)">docs</a>'))
    _runs_nothing(page)
    link = BeautifulSoup(page, "html.parser").find("a", string="docs")
    assert link is not None and not link.has_attr("href")
    assert removed == {"javascript: link": 1}


def test_markdown_cell_with_a_script_keeps_its_text(tmp_path):
    page, removed = _render(tmp_path, new_markdown_cell(
        "Read this.\n\n<div onmouseover=\"alert(1)\">A <b>block</b> of HTML."
        "<script>alert(2)</script></div>\n\n<iframe src=\"https://e.example\"></iframe>"
        "\n\nThen $x<y$."))
    _runs_nothing(page)
    assert "<div>A <b>block</b> of HTML.</div>" in page and "Then $x&lt;y$." in page
    assert "alert(" not in page and "<iframe" not in page and "e.example" not in page
    assert removed == {"<script>": 1, "<iframe>": 1, "onmouseover=": 1}


def test_malicious_widget_description_slider_bound_and_image_format(tmp_path):
    widgets = {
        "box": {"model_name": "VBoxModel", "state": {"children": [
            "IPY_MODEL_check", "IPY_MODEL_slider", "IPY_MODEL_image", "IPY_MODEL_html"]}},
        "check": {"model_name": "CheckboxModel", "state": {
            "description": "<script>alert(1)</script>", "value": True}},
        "slider": {"model_name": "IntSliderModel", "state": {
            "min": 0, "max": '9" onmouseover="alert(2)', "value": 4}},
        "image": {"model_name": "ImageModel", "state": {
            "value": "GIF89a", "format": 'png" onerror="alert(3)'}},
        "html": {"model_name": "HTMLModel", "state": {
            "value": '<b>Start</b><img src=x onerror="alert(4)">'}},
    }
    view = new_output("display_data", data={static_html.WIDGET_VIEW: {"model_id": "box"},
                                            "text/plain": "VBox()"})
    page, removed = _render(tmp_path, new_code_cell("show()", outputs=[view]),
                            widgets=widgets)
    _runs_nothing(page)
    widget = BeautifulSoup(page, "html.parser").find("div", class_="site-widget")
    assert widget.find("span", class_="site-desc").text == "<script>alert(1)</script>"
    assert "(slider with bounds or a value that are not numbers)" in widget.text
    assert "(an image in another format than PNG, GIF or JPEG, not shown here)" in widget.text
    assert widget.find("b").text == "Start" and not widget.find("img")
    assert removed == {"slider whose bounds or value are not numbers": 1,
                       "image widget in another format than PNG, GIF or JPEG": 1,
                       "image not embedded as PNG, GIF or JPEG data": 1, "onerror=": 1}


def test_text_javascript_output_is_removed(tmp_path):
    page, removed = _render(tmp_path, new_code_cell("show()", outputs=[
        new_output("display_data", data={"text/javascript": "alert(1)",
                                         "text/plain": "<Javascript object>"}),
        new_output("execute_result", execution_count=1, data={
            "application/javascript": "alert(2)", "text/plain": "<Javascript object>"})]))
    _runs_nothing(page)
    assert "alert(" not in page
    assert page.count("&lt;Javascript object&gt;") == 2
    assert removed == {"text/javascript output": 1, "application/javascript output": 1}


def test_png_output_width_cannot_add_an_attribute(tmp_path):
    # nbconvert writes an image's width unquoted: "width=1 onerror=alert(1)".
    page, removed = _render(tmp_path, new_code_cell("plot()", outputs=[new_output(
        "display_data", data={"image/png": base64.b64encode(PNG).decode()},
        metadata={"image/png": {"width": "1 onerror=alert(1)"}})]))
    _runs_nothing(page)
    images = BeautifulSoup(page, "html.parser").find_all("img")
    assert [(img["src"], img["width"]) for img in images] == [(PNG_URI, "1")]
    assert removed == {"onerror=": 1}


def test_raw_html_cell_with_a_script_is_shown_as_text(tmp_path):
    raw = new_raw_cell('<b>raw</b><script>alert(1)</script><img src=x onerror="alert(2)">',
                       metadata={"raw_mimetype": "text/html"})
    page, removed = _render(tmp_path, raw)
    soup = BeautifulSoup(page, "html.parser")
    assert [(tag.get("src"), tag.get("type")) for tag in soup.find_all("script")] \
        == PAGE_SCRIPTS
    assert soup.find("b", string="raw") and not soup.find_all("img")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # nbconvert escapes the rest
    assert removed == {}


def test_title_with_a_script_is_shown_as_text(tmp_path):
    executed = tmp_path / "executed"
    executed.mkdir()
    nbformat.write(new_notebook(cells=[new_markdown_cell("# 01 <script>alert(1)</script>")]),
                   executed / "01_page.ipynb")
    result = site.render_site(executed, tmp_path / "site", course_map=MAP)
    page = result.pages[0].path.read_text()
    _runs_nothing(page)
    assert "<title>01 &lt;script&gt;alert(1)&lt;/script&gt;</title>" in page
    assert "<script>" not in result.index.read_text()


@pytest.fixture(scope="module")
def course_site(tmp_path_factory):
    """The course's own notebooks as a site; 02 given a PNG and a GIF output, as a run does."""
    folder = tmp_path_factory.mktemp("course")
    executed = folder / "executed"
    executed.mkdir()
    for path in sorted((PROJECT_DIR / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        shutil.copy(path, executed / path.name)
    path = executed / "02_loss_mathematics.ipynb"
    notebook = nbformat.read(path, as_version=4)
    code = next(cell for cell in notebook.cells if cell.cell_type == "code")
    code.outputs = [new_output("display_data", data={"image/png": base64.b64encode(PNG)
                                                     .decode(), "text/plain": "<Figure>"}),
                    new_output("display_data", data={"image/gif": base64.b64encode(GIF)
                                                     .decode(), "text/plain": "<Image>"})]
    nbformat.write(notebook, path)
    return site.render_site(executed, folder / "site")


def test_course_pages_lose_nothing_and_run_only_mathjax(course_site):
    assert len(course_site.pages) == len(list((PROJECT_DIR / "notebooks").glob("[0-9]*.ipynb")))
    for page in course_site.pages:
        assert page.removed == {}, page.notebook
        _runs_nothing(page.path.read_text())


def test_course_chinese_index_summarises_every_notebook_and_its_links_resolve(course_site):
    assert course_site.index_zh_removed == {}
    page = course_site.index_zh.read_text()
    _runs_nothing(page, scripts=[])
    soup = BeautifulSoup(page, "html.parser")
    assert soup.html["lang"] == "zh-CN"
    notebooks = soup.find(id="course-map").find_all("a", class_="site-notebook")
    assert [a["href"] for a in notebooks] == [p.path.name for p in course_site.pages]
    for row, page_of_notebook in zip(soup.find(id="course-map").tbody.find_all("tr"),
                                     course_site.pages, strict=True):
        summary = chinese.zh_summary(nbformat.read(PROJECT_DIR / "notebooks" /
                                                   f"{page_of_notebook.notebook}.ipynb", 4))
        assert row.find(class_="site-zh-title").text == summary.title
        assert "关键结果" in row.find(class_="site-summary").text
    for link in soup.find_all("a"):
        assert (course_site.index_zh.parent / link["href"]).is_file(), link["href"]


def test_loss_mathematics_page_keeps_its_formulas_and_figures(course_site):
    page = next(p for p in course_site.pages if p.notebook == "02_loss_mathematics")
    soup = BeautifulSoup(page.path.read_text(), "html.parser")
    source = nbformat.read(PROJECT_DIR / "notebooks" / "02_loss_mathematics.ipynb", 4)
    markdown = "\n".join(cell.source for cell in source.cells if cell.cell_type == "markdown")
    formulas = re.findall(r"\$\$.+?\$\$|\$[^$\n]+?\$", markdown, re.DOTALL)
    assert len(formulas) > 50  # the TeX that MathJax typesets, as text in the page
    text = soup.get_text()
    assert [formula for formula in formulas if formula not in text] == []
    assert r"\frac{p_\text{data}(x)}{p_\text{data}(x) + p_g(x)}" in text
    assert [img["src"] for img in soup.find_all("img")] == [PNG_URI, GIF_URI]
