"""Outputs of an executed notebook as static HTML: widgets drawn in their last state.

Papermill stores the state of every widget a notebook displayed; ``render_widget`` draws
one from that state as plain, disabled HTML form elements, and ``static_outputs`` turns a
whole notebook into one that a static page can show (widgets drawn, GIFs embedded, the
widget JavaScript left out).
"""

from __future__ import annotations

import base64
import copy
import datetime
import html
import re
from pathlib import Path

__all__ = ["WIDGET_NOTE", "WIDGET_STATE", "WIDGET_VIEW", "render_widget", "static_outputs"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
#: Shown above every widget drawn in its last state.
WIDGET_NOTE = ("Interactive panel, shown as it was when the notebook finished; open the "
               "notebook in JupyterLab to use it.")

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_BUTTON_COLOURS = {"primary": "#2196f3", "success": "#4caf50", "info": "#00bcd4",
                   "warning": "#ff9800", "danger": "#f44336"}


def _description(state, style_state) -> str:
    text = state.get("description") or ""
    if not text:
        return ""
    width = style_state.get("description_width") or ""
    style = f' style="width:{html.escape(width)}"' if width else ""
    return f'<span class="site-desc"{style}>{html.escape(text)}</span>'


def _image_data(model) -> bytes:
    for buffer in model.get("buffers", []):
        if buffer.get("path") == ["value"]:
            return base64.b64decode(buffer["data"])
    value = model.get("state", {}).get("value")
    return value.encode("latin-1") if isinstance(value, str) else b""


def _layout_style(layout_state) -> str:
    parts = []
    for key in ("width", "max_width", "height"):
        if layout_state.get(key):
            parts.append(f"{key.replace('_', '-')}:{layout_state[key]}")
    if layout_state.get("display") == "none" or layout_state.get("visibility") == "hidden":
        parts.append("display:none")
    return html.escape(";".join(parts), quote=True)


def render_widget(model_id: str, widget_state: dict, _depth: int = 0) -> str:
    """Static HTML of one widget (and its children) in its stored last state.

    Args:
        model_id: the widget's model id (from a widget-view output).
        widget_state: the ``state`` dict of the notebook's widget-state metadata.

    Returns:
        HTML with plain, disabled form elements, images as data URIs and the HTML of
        ``HTML`` widgets; a widget kind it does not know is named in an italic note.
    """
    model = widget_state.get(model_id)
    if model is None or _depth > 50:
        return '<span class="site-unknown">(widget not saved)</span>'

    def ref(value):
        return value[len("IPY_MODEL_"):] if isinstance(value, str) and \
            value.startswith("IPY_MODEL_") else value

    def sub_state(value):
        return widget_state.get(ref(value), {}).get("state", {})

    name = model.get("model_name", "")
    state = model.get("state", {})
    style_state = sub_state(state.get("style"))
    layout = _layout_style(sub_state(state.get("layout")))
    layout_attr = f' style="{layout}"' if layout else ""
    desc = _description(state, style_state)
    disabled = " disabled"

    if name in ("VBoxModel", "HBoxModel", "BoxModel", "GridBoxModel"):
        kind = "site-hbox" if name == "HBoxModel" else "site-vbox"
        children = "".join(render_widget(ref(child), widget_state, _depth + 1)
                           for child in state.get("children", []))
        return f'<div class="{kind}"{layout_attr}>{children}</div>'
    if name == "ImageModel":
        data = _image_data(model)
        if not data:
            return f'<div class="site-image site-unknown"{layout_attr}>(no image yet)</div>'
        image_format = state.get("format") or "png"
        uri = f"data:image/{image_format};base64,{base64.b64encode(data).decode('ascii')}"
        return f'<img class="site-image" src="{uri}" alt="panel image"{layout_attr}>'
    if name in ("HTMLModel", "HTMLMathModel"):
        return f'<div class="site-html">{desc}{state.get("value", "")}</div>'
    if name == "LabelModel":
        return f'<span class="site-label">{html.escape(str(state.get("value", "")))}</span>'
    if name in ("ButtonModel", "ToggleButtonModel"):
        colour = _BUTTON_COLOURS.get(state.get("button_style") or "")
        style = f' style="background:{colour};color:white;border-color:{colour}"' \
            if colour else ""
        text = html.escape(state.get("description") or "")
        return f'<button class="site-button"{style}{disabled}>{text}</button>'
    if name in ("IntTextModel", "FloatTextModel", "BoundedIntTextModel",
                "BoundedFloatTextModel", "TextModel"):
        value = html.escape(str(state.get("value", "")), quote=True)
        return (f'<label class="site-field"{layout_attr}>{desc}'
                f'<input type="text" value="{value}"{disabled}></label>')
    if name == "TextareaModel":
        value = html.escape(str(state.get("value", "")))
        return (f'<label class="site-field"{layout_attr}>{desc}'
                f'<textarea rows="4"{disabled}>{value}</textarea></label>')
    if name in ("DropdownModel", "SelectModel", "RadioButtonsModel", "ToggleButtonsModel"):
        labels = state.get("_options_labels") or []
        index = state.get("index")
        chosen = labels[index] if isinstance(index, int) and 0 <= index < len(labels) else ""
        return (f'<label class="site-field"{layout_attr}>{desc}<select{disabled}>'
                f'<option selected>{html.escape(str(chosen))}</option></select></label>')
    if name in ("IntSliderModel", "FloatSliderModel", "FloatLogSliderModel"):
        low, high, value = state.get("min", 0), state.get("max", 100), state.get("value", 0)
        return (f'<label class="site-field"{layout_attr}>{desc}'
                f'<input type="range" min="{low}" max="{high}" value="{value}"{disabled}>'
                f'<span class="site-readout">{html.escape(str(value))}</span></label>')
    if name in ("IntProgressModel", "FloatProgressModel"):
        value, high = state.get("value", 0), state.get("max", 100)
        return (f'<label class="site-field"{layout_attr}>{desc}'
                f'<progress value="{value}" max="{high}"></progress></label>')
    if name == "CheckboxModel":
        checked = " checked" if state.get("value") else ""
        return (f'<label class="site-field"{layout_attr}>{desc}'
                f'<input type="checkbox"{checked}{disabled}></label>')
    if name == "OutputModel":
        inner = "".join(_output_html(output, widget_state, _depth + 1)
                        for output in state.get("outputs", []))
        return f'<div class="site-output">{inner}</div>'
    readable = name.removesuffix("Model") or "unknown"
    return f'<span class="site-unknown">({html.escape(readable)} control)</span>'


def _output_html(output, widget_state, depth) -> str:
    """HTML of one output stored inside an Output widget."""
    kind = output.get("output_type")
    if kind == "stream":
        return f"<pre>{html.escape(_ANSI.sub('', output.get('text', '')))}</pre>"
    if kind == "error":
        text = "\n".join(output.get("traceback", [])) or output.get("evalue", "")
        return f"<pre>{html.escape(_ANSI.sub('', text))}</pre>"
    bundle = output.get("data", {})
    if WIDGET_VIEW in bundle:
        return render_widget(bundle[WIDGET_VIEW].get("model_id", ""), widget_state, depth)
    for mime in ("image/png", "image/jpeg", "image/gif"):
        if mime in bundle:
            data = bundle[mime]
            data = "".join(data) if isinstance(data, list) else data
            data = "".join(data.split())
            return f'<img class="site-image" src="data:{mime};base64,{data}" alt="figure">'
    if "image/svg+xml" in bundle:
        svg = bundle["image/svg+xml"]
        return "".join(svg) if isinstance(svg, list) else svg
    if "text/html" in bundle:
        value = bundle["text/html"]
        return "".join(value) if isinstance(value, list) else value
    if "text/plain" in bundle:
        value = bundle["text/plain"]
        value = "".join(value) if isinstance(value, list) else value
        return f"<pre>{html.escape(_ANSI.sub('', value))}</pre>"
    return ""


def static_outputs(notebook, screenshots=()):
    """A copy of ``notebook`` that a static page can show: widgets drawn, GIFs embedded.

    Each output that shows a widget becomes a ``text/html`` output drawing the widget in
    its last state (``render_widget``), under a one-line note, and the widget state is
    removed (so no page loads the widget JavaScript). GIF outputs, which nbconvert would
    show as text, become ``<img>`` tags. ``screenshots`` (PNG paths) are shown, with a
    caption, after the last widget of the notebook.
    """
    notebook = copy.deepcopy(notebook)
    widgets_meta = notebook.metadata.pop("widgets", {})
    state = widgets_meta.get(WIDGET_STATE, {}).get("state", {})
    last = None
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            bundle = output.get("data", {})
            if "image/gif" in bundle and WIDGET_VIEW not in bundle:
                output["data"] = {"text/html": _output_html(output, state, 0)}
                continue
            if WIDGET_VIEW not in bundle:
                continue
            drawn = render_widget(bundle[WIDGET_VIEW].get("model_id", ""), state)
            output["data"] = {"text/html": (f'<div class="site-widget"><p class='
                                            f'"site-widget-note">{WIDGET_NOTE}</p>'
                                            f"{drawn}</div>")}
            last = output
    if last is not None and screenshots:
        last["data"]["text/html"] += "".join(_screenshot_html(path) for path in screenshots)
    return notebook


def _screenshot_html(path) -> str:
    path = Path(path)
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    taken = datetime.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d")
    return (f'<figure class="site-screenshot"><img src="data:image/png;base64,{data}" '
            f'alt="{html.escape(path.stem)}"><figcaption>The same panel in JupyterLab while '
            f"in use (screenshot {html.escape(path.name)} from the browser tests, quick "
            f"setting, {taken}).</figcaption></figure>")


