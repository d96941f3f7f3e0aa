"""The readable site: executed notebooks as static pages, widgets in their last state."""

import base64
import io
import re

import nbformat
import papermill
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from PIL import Image

from coursekit import site, static_html

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
    page = (tmp_path / "site" / "01_widgets.html").read_text()
    assert '<a href="index.html">Course map</a>' in page
    assert '<a href="99_extra.html">99 · Extra →</a>' in page
    assert "ok in 3 s (quick setting)" in page
    assert "<title>01 · Widgets</title>" in page


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
