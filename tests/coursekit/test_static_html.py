"""Widgets drawn as static HTML from their stored state (the panels of the readable site)."""

from coursekit import static_html


def test_unknown_or_missing_widgets_are_named_not_dropped():
    state = {"a": {"model_name": "ColorPickerModel", "state": {}},
             "b": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_a",
                                                                     "IPY_MODEL_gone"]}}}
    drawn = static_html.render_widget("b", state)
    assert "(ColorPicker control)" in drawn
    assert "(widget not saved)" in drawn
    assert drawn.startswith('<div class="site-vbox">')
