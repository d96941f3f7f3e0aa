"""Outputs of an executed notebook as static HTML: widgets drawn in their last state.

Papermill stores the state of every widget a notebook displayed; ``render_widget`` draws
one from that state as plain, disabled HTML form elements, and ``static_outputs`` turns a
whole notebook into one that a static page can show (widgets drawn, GIFs embedded, the
widget JavaScript left out). Nothing from the notebook runs on the page: HTML from it goes
through ``coursekit.safe_html.clean_html``, every attribute value written here is escaped,
numbers and image formats are checked, and outputs of other types (JavaScript, SVG) are
removed; what was left out is counted in ``removed``.
"""

from __future__ import annotations

import base64
import copy
import datetime
import html
import math
import re
from collections import Counter
from pathlib import Path

from coursekit.safe_html import IMAGE_TYPES, clean_html, image_data_uri

__all__ = ["SHOWN_OUTPUTS", "WIDGET_NOTE", "WIDGET_STATE", "WIDGET_VIEW", "render_widget",
           "static_outputs"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
#: Shown above every widget drawn in its last state.
WIDGET_NOTE = ("Interactive panel, shown as it was when the notebook finished; open the "
               "notebook in JupyterLab to use it.")

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_BUTTON_COLOURS = {"primary": "#2196f3", "success": "#4caf50", "info": "#00bcd4",
                   "warning": "#ff9800", "danger": "#f44336"}
#: The output types a page shows (the widget view and GIFs are drawn as HTML first).
SHOWN_OUTPUTS = ("text/plain", "text/html", "text/markdown", "text/latex", "image/png",
                 "image/jpeg", "image/gif", WIDGET_VIEW)
_IMAGE_FORMATS = {**{kind: kind for kind in IMAGE_TYPES}, "jpg": "jpeg"}
_CSS_LENGTH = re.compile(r"^((\d+(\.\d*)?|\.\d+)(px|%|em|rem|ex|ch|vw|vh|vmin|vmax|pt|cm|mm|in)?"
                         r"|auto|initial|inherit|none|min-content|max-content|fit-content)$")


def _attr(value) -> str:
    """An attribute value written by the site, escaped (quotes too)."""
    return html.escape(str(value), quote=True)


def _css_length(value, removed: Counter):
    """``value`` if it is a CSS length or keyword ("300px", "50%", "auto"), else None."""
    if value in (None, ""):
        return None
    if isinstance(value, str) and _CSS_LENGTH.match(value.strip()):
        return value.strip()
    removed["layout value that is not a CSS length"] += 1
    return None


def _number(value):
    """``value`` as the text of a finite number, or None if it is not one."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value):
        return None
    return str(value)


def _description(state, style_state, removed: Counter) -> str:
    text = state.get("description") or ""
    if not text:
        return ""
    width = _css_length(style_state.get("description_width"), removed)
    style = f' style="width:{_attr(width)}"' if width else ""
    return f'<span class="site-desc"{style}>{html.escape(str(text))}</span>'


def _image_data(model) -> bytes:
    for buffer in model.get("buffers", []):
        if buffer.get("path") == ["value"]:
            return base64.b64decode(buffer["data"])
    value = model.get("state", {}).get("value")
    return value.encode("latin-1") if isinstance(value, str) else b""


def _layout_style(layout_state, removed: Counter) -> str:
    parts = []
    for key in ("width", "max_width", "height"):
        length = _css_length(layout_state.get(key), removed)
        if length:
            parts.append(f"{key.replace('_', '-')}:{length}")
    if layout_state.get("display") == "none" or layout_state.get("visibility") == "hidden":
        parts.append("display:none")
    return _attr(";".join(parts))


def render_widget(model_id: str, widget_state: dict, removed: Counter | None = None,
                  _depth: int = 0) -> str:
    """Static HTML of one widget (and its children) in its stored last state.

    Args:
        model_id: the widget's model id (from a widget-view output).
        widget_state: the ``state`` dict of the notebook's widget-state metadata.
        removed: a ``collections.Counter`` to add what was left out to (unsafe HTML in
            ``HTML`` widgets, layout values that are not lengths, ...).

    Returns:
        HTML with plain, disabled form elements, images as data URIs and the cleaned HTML
        of ``HTML`` widgets; a widget kind it does not know, an image in a format the page
        does not show, or a slider whose bounds are not numbers is named in an italic note.
    """
    removed = removed if removed is not None else Counter()
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
    layout = _layout_style(sub_state(state.get("layout")), removed)
    layout_attr = f' style="{layout}"' if layout else ""
    desc = _description(state, style_state, removed)
    disabled = " disabled"

    if name in ("VBoxModel", "HBoxModel", "BoxModel", "GridBoxModel"):
        kind = "site-hbox" if name == "HBoxModel" else "site-vbox"
        children = "".join(render_widget(ref(child), widget_state, removed, _depth + 1)
                           for child in state.get("children", []))
        return f'<div class="{kind}"{layout_attr}>{children}</div>'
    if name == "ImageModel":
        data = _image_data(model)
        if not data:
            return f'<div class="site-image site-unknown"{layout_attr}>(no image yet)</div>'
        image_format = _IMAGE_FORMATS.get(str(state.get("format") or "png").lower())
        if image_format is None:
            removed["image widget in another format than PNG, GIF or JPEG"] += 1
            return ('<span class="site-unknown">(an image in another format than PNG, GIF '
                    'or JPEG, not shown here)</span>')
        uri = image_data_uri(f"image/{image_format}", base64.b64encode(data).decode("ascii"))
        return f'<img class="site-image" src="{_attr(uri)}" alt="panel image"{layout_attr}>'
    if name in ("HTMLModel", "HTMLMathModel"):
        value = clean_html(str(state.get("value") or ""), removed)
        return f'<div class="site-html">{desc}{value}</div>'
    if name == "LabelModel":
        return f'<span class="site-label">{html.escape(str(state.get("value", "")))}</span>'
    if name in ("ButtonModel", "ToggleButtonModel"):
        colour = _BUTTON_COLOURS.get(state.get("button_style") or "")
        style = f' style="background:{colour};color:white;border-color:{colour}"' \
            if colour else ""
        text = html.escape(str(state.get("description") or ""))
        return f'<button class="site-button"{style}{disabled}>{text}</button>'
    if name in ("IntTextModel", "FloatTextModel", "BoundedIntTextModel",
                "BoundedFloatTextModel", "TextModel"):
        value = _attr(state.get("value", ""))
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
        low, high, value = (_number(state.get(key, default))
                            for key, default in (("min", 0), ("max", 100), ("value", 0)))
        if None in (low, high, value):
            return _not_numbers("slider", desc, layout_attr, removed)
        return (f'<label class="site-field"{layout_attr}>{desc}'
                f'<input type="range" min="{_attr(low)}" max="{_attr(high)}" '
                f'value="{_attr(value)}"{disabled}>'
                f'<span class="site-readout">{html.escape(value)}</span></label>')
    if name in ("IntProgressModel", "FloatProgressModel"):
        value, high = _number(state.get("value", 0)), _number(state.get("max", 100))
        if None in (value, high):
            return _not_numbers("progress bar", desc, layout_attr, removed)
        return (f'<label class="site-field"{layout_attr}>{desc}'
                f'<progress value="{_attr(value)}" max="{_attr(high)}"></progress></label>')
    if name == "CheckboxModel":
        checked = " checked" if state.get("value") else ""
        return (f'<label class="site-field"{layout_attr}>{desc}'
                f'<input type="checkbox"{checked}{disabled}></label>')
    if name == "OutputModel":
        inner = "".join(_output_html(output, widget_state, removed, _depth + 1)
                        for output in state.get("outputs", []))
        return f'<div class="site-output">{inner}</div>'
    readable = name.removesuffix("Model") or "unknown"
    return f'<span class="site-unknown">({html.escape(readable)} control)</span>'


def _not_numbers(kind, desc, layout_attr, removed: Counter) -> str:
    """The note shown instead of a slider or bar whose bounds or value are not numbers."""
    removed[f"{kind} whose bounds or value are not numbers"] += 1
    return (f'<label class="site-field"{layout_attr}>{desc}<span class="site-unknown">'
            f"({kind} with bounds or a value that are not numbers)</span></label>")


def _output_html(output, widget_state, removed: Counter, depth) -> str:
    """HTML of one output stored inside an Output widget."""
    kind = output.get("output_type")
    if kind == "stream":
        return f"<pre>{html.escape(_ANSI.sub('', output.get('text', '')))}</pre>"
    if kind == "error":
        text = "\n".join(output.get("traceback", [])) or output.get("evalue", "")
        return f"<pre>{html.escape(_ANSI.sub('', text))}</pre>"
    bundle = _shown_bundle(output.get("data", {}), removed)
    if WIDGET_VIEW in bundle:
        return render_widget(bundle[WIDGET_VIEW].get("model_id", ""), widget_state, removed,
                             depth)
    for mime in ("image/png", "image/jpeg", "image/gif"):
        if mime in bundle:
            uri = image_data_uri(mime, bundle[mime])
            if uri is None:
                removed[f"{mime} output that is not base64 data"] += 1
                continue
            return f'<img class="site-image" src="{_attr(uri)}" alt="figure">'
    if "text/html" in bundle:
        return clean_html(bundle["text/html"], removed)
    if "text/plain" in bundle:
        value = bundle["text/plain"]
        value = "".join(value) if isinstance(value, list) else value
        return f"<pre>{html.escape(_ANSI.sub('', value))}</pre>"
    return ""


def _shown_bundle(bundle, removed: Counter) -> dict:
    """``bundle`` without the output types a page does not show (JavaScript, SVG, ...)."""
    for mime in bundle:
        if mime not in SHOWN_OUTPUTS:
            removed[f"{mime} output"] += 1
    return {mime: value for mime, value in bundle.items() if mime in SHOWN_OUTPUTS}


def static_outputs(notebook, screenshots=(), removed: Counter | None = None):
    """A copy of ``notebook`` that a static page can show: widgets drawn, GIFs embedded.

    Each output that shows a widget becomes a ``text/html`` output drawing the widget in
    its last state (``render_widget``), under a one-line note, and the widget state is
    removed (so no page loads the widget JavaScript). GIF outputs, which nbconvert would
    show as text, become ``<img>`` tags. Outputs of types other than ``SHOWN_OUTPUTS``
    (JavaScript, SVG, ...) are removed, and HTML outputs cleaned (``clean_html``); what
    was left out is added to ``removed`` (a ``collections.Counter``). ``screenshots`` (PNG
    paths) are shown, with a caption, after the last widget of the notebook.
    """
    removed = removed if removed is not None else Counter()
    notebook = copy.deepcopy(notebook)
    widgets_meta = notebook.metadata.pop("widgets", {})
    state = widgets_meta.get(WIDGET_STATE, {}).get("state", {})
    last = None
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if "data" not in output:
                continue
            bundle = _shown_bundle(output["data"], removed)
            if "text/html" in bundle:
                bundle["text/html"] = clean_html(bundle["text/html"], removed)
            output["data"] = bundle
            if "image/gif" in bundle and WIDGET_VIEW not in bundle:
                output["data"] = {"text/html": _output_html(output, state, removed, 0)}
                continue
            if WIDGET_VIEW not in bundle:
                continue
            drawn = render_widget(bundle[WIDGET_VIEW].get("model_id", ""), state, removed)
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
            f'alt="{_attr(path.stem)}"><figcaption>The same panel in JupyterLab while '
            f"in use (screenshot {html.escape(path.name)} from the browser tests, quick "
            f"setting, {taken}).</figcaption></figure>")


