"""Widgets drawn as static HTML from their stored state (the panels of the readable site)."""

from collections import Counter

from nbformat.v4 import new_code_cell, new_notebook, new_output

from coursekit import static_html


def test_unknown_or_missing_widgets_are_named_not_dropped():
    state = {"a": {"model_name": "ColorPickerModel", "state": {}},
             "b": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_a",
                                                                     "IPY_MODEL_gone"]}}}
    drawn = static_html.render_widget("b", state)
    assert "(ColorPicker control)" in drawn
    assert "(widget not saved)" in drawn
    assert drawn.startswith('<div class="site-vbox">')


def _drawn(model_name, state, **others):
    """A widget drawn from a hand-made state, and what was left out of it."""
    removed = Counter()
    widgets = {"w": {"model_name": model_name, "state": state}, **others}
    return static_html.render_widget("w", widgets, removed), dict(removed)


def test_html_widget_value_with_a_script_keeps_its_text_only():
    drawn, removed = _drawn("HTMLModel", {"value": "Press <b>Start</b><script>alert(1)</script>"
                                                   '<img src=x onerror="alert(2)">'})
    assert drawn == '<div class="site-html">Press <b>Start</b></div>'
    assert removed == {"<script>": 1, "onerror=": 1,
                       "image not embedded as PNG, GIF or JPEG data": 1}


def test_widget_description_with_markup_is_shown_as_text():
    drawn, removed = _drawn("CheckboxModel", {"description": '<img src=x onerror="alert(1)">',
                                              "value": True})
    assert '<span class="site-desc">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</span>' \
        in drawn
    assert "<img" not in drawn and removed == {}


def test_description_width_and_layout_values_that_are_not_lengths_are_left_out():
    style = {"model_name": "DescriptionStyleModel",
             "state": {"description_width": "1px;background:url(https://e.example/t)"}}
    layout = {"model_name": "LayoutModel",
              "state": {"width": '300px" onmouseover="alert(1)', "height": "120px"}}
    drawn, removed = _drawn("IntTextModel", {"description": "steps", "value": 7,
                                             "style": "IPY_MODEL_s", "layout": "IPY_MODEL_l"},
                            s=style, l=layout)
    assert drawn.startswith('<label class="site-field" style="height:120px">'
                            '<span class="site-desc">steps</span>')
    assert "url(" not in drawn and "onmouseover" not in drawn
    assert removed == {"layout value that is not a CSS length": 2}


def test_slider_bound_that_is_not_a_number_gives_a_note_not_an_attribute():
    drawn, removed = _drawn("IntSliderModel", {"min": '0" onmouseover="alert(1)', "max": 9,
                                               "value": 4, "description": "digit"})
    assert "onmouseover" not in drawn and "<input" not in drawn
    assert "(slider with bounds or a value that are not numbers)" in drawn
    assert removed == {"slider whose bounds or value are not numbers": 1}


def test_slider_with_number_bounds_is_drawn_with_them():
    drawn, removed = _drawn("FloatSliderModel", {"min": 0.5, "max": 2.0, "value": 1.25})
    assert '<input type="range" min="0.5" max="2.0" value="1.25" disabled>' in drawn
    assert removed == {}


def test_progress_value_that_is_not_a_number_gives_a_note():
    drawn, removed = _drawn("IntProgressModel", {"value": "1\" onclick=\"x", "max": 10})
    assert "<progress" not in drawn and "onclick" not in drawn
    assert removed == {"progress bar whose bounds or value are not numbers": 1}


def test_image_widget_with_an_unknown_format_is_named_not_shown():
    drawn, removed = _drawn("ImageModel", {"value": "GIF89a", "format": 'svg+xml" onload="x'})
    assert drawn == ('<span class="site-unknown">(an image in another format than PNG, GIF '
                     'or JPEG, not shown here)</span>')
    assert removed == {"image widget in another format than PNG, GIF or JPEG": 1}


def test_image_widget_in_jpg_format_is_embedded_as_jpeg():
    drawn, _ = _drawn("ImageModel", {"value": "\xff\xd8\xff", "format": "jpg"})
    assert drawn == '<img class="site-image" src="data:image/jpeg;base64,/9j/" alt="panel image">'


def test_output_widget_drops_javascript_and_cleans_html_outputs():
    outputs = [{"output_type": "display_data",
                "data": {"application/javascript": "alert(1)", "text/plain": "<JS>"}},
               {"output_type": "display_data",
                "data": {"text/html": "<i>fine</i><script>alert(2)</script>"}}]
    drawn, removed = _drawn("OutputModel", {"outputs": outputs})
    assert drawn == '<div class="site-output"><pre>&lt;JS&gt;</pre><i>fine</i></div>'
    assert removed == {"application/javascript output": 1, "<script>": 1}
    assert "application/javascript" in outputs[0]["data"]  # the notebook is not changed


def _notebook_with_outputs(*outputs):
    return new_notebook(cells=[new_code_cell("show()", outputs=list(outputs))])


def test_text_javascript_outputs_are_removed_and_counted():
    notebook = _notebook_with_outputs(
        new_output("display_data", data={"text/javascript": "alert(1)",
                                         "application/javascript": "alert(2)",
                                         "text/plain": "<IPython.core.display.Javascript>"}))
    removed = Counter()
    shown = static_html.static_outputs(notebook, removed=removed)
    assert dict(shown.cells[0].outputs[0]["data"]) == {
        "text/plain": "<IPython.core.display.Javascript>"}
    assert removed == {"text/javascript output": 1, "application/javascript output": 1}


def test_gif_output_that_is_not_base64_is_not_written_into_an_attribute():
    notebook = _notebook_with_outputs(
        new_output("display_data", data={"image/gif": 'R0lG" onerror="alert(1)',
                                         "text/plain": "<IPython.core.display.Image>"}))
    removed = Counter()
    shown = static_html.static_outputs(notebook, removed=removed)
    assert shown.cells[0].outputs[0]["data"] == {
        "text/html": "<pre>&lt;IPython.core.display.Image&gt;</pre>"}
    assert removed == {"image/gif output that is not base64 data": 1}
