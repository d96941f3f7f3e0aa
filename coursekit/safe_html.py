"""HTML from a notebook made safe to publish: an allow-list sanitiser built on ``html.parser``.

A notebook's outputs, markdown and widget values may hold any HTML, and a page of the
readable site must not run it. ``clean_html`` re-writes such HTML keeping only the harmless
structure the course uses (text formatting, lists, tables, headings, code, details, the
disabled form elements of drawn widgets, images embedded as PNG, GIF or JPEG data, links to
http(s), mailto or relative addresses); it drops scripts, styles, frames, plugins and forms,
every event-handler attribute (``on*``), ``javascript:`` and other unsafe links, and inline
styles that load anything (``url()``). All text and attribute values are written escaped, so
the browser sees exactly the elements kept. What was dropped is counted in ``removed``.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from html.parser import HTMLParser

__all__ = ["IMAGE_TYPES", "clean_html", "image_data_uri", "safe_link", "safe_style"]

#: The image types a page shows, as embedded data only (``data:image/<type>;base64,...``).
IMAGE_TYPES = ("png", "gif", "jpeg")

#: Elements kept, with the attributes each may carry (besides ``_GLOBAL_ATTRIBUTES``).
_ALLOWED = {
    **dict.fromkeys(("abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "dl",
                     "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
                     "hr", "i", "ins", "kbd", "label", "mark", "p", "pre", "q", "s", "samp",
                     "small", "span", "strike", "strong", "sub", "summary", "sup", "tbody",
                     "tfoot", "thead", "tr", "tt", "u", "ul", "var", "div", "section",
                     "article", "center"), ()),
    "a": ("href",),
    "img": ("src", "alt", "width", "height"),
    "table": ("border", "cellpadding", "cellspacing"),
    "td": ("colspan", "rowspan", "valign"),
    "th": ("colspan", "rowspan", "valign", "scope"),
    "col": ("span", "width"),
    "colgroup": ("span", "width"),
    "ol": ("start", "type", "reversed"),
    "li": ("value",),
    "details": ("open",),
    "input": ("type", "value", "disabled", "checked", "min", "max", "step", "readonly"),
    "select": ("disabled",),
    "option": ("selected", "value", "disabled"),
    "button": ("disabled",),
    "textarea": ("rows", "cols", "disabled", "readonly"),
    "progress": ("value", "max"),
}
_GLOBAL_ATTRIBUTES = ("class", "id", "title", "lang", "dir", "align", "style",
                      "data-mime-type", "data-type")
#: Elements whose content goes too (code, or markup the browser reads differently).
_DROPPED_WITH_CONTENT = {"script", "style", "template", "iframe", "object", "applet",
                         "noscript", "noembed", "noframes", "xmp", "title", "head", "svg",
                         "math", "frameset"}
_VOID = {"br", "hr", "img", "input", "col", "wbr"}
_INPUT_TYPES = {"text", "checkbox", "radio", "range", "number"}
_LINK_SCHEMES = {"http", "https", "mailto"}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_CONTROL_AND_SPACE = re.compile(r"[\x00-\x20\x7f]+")
_IMAGE_URI = re.compile(rf"^data:image/({'|'.join(IMAGE_TYPES)});base64,[A-Za-z0-9+/=\s]*$")
_NAME_SHOWN = re.compile(r"[^a-z0-9:_-]")
_CSS_PROPERTY = re.compile(r"^-?[a-z][a-z-]*$")
_CSS_VALUE = re.compile(r"^[\w\s#.,%+\-*/!()]*$")
_CSS_FUNCTION = re.compile(r"([\w-]*)\s*\(")
_CSS_FUNCTIONS = {"", "rgb", "rgba", "hsl", "hsla", "calc", "var", "min", "max", "clamp"}


def safe_link(url: str) -> bool:
    """Whether ``url`` may be a link's target: http(s), mailto, or a relative address."""
    # Browsers ignore spaces, tabs and control characters here ("java\tscript:" runs).
    scheme = _SCHEME.match(_CONTROL_AND_SPACE.sub("", url).lower())
    return scheme is None or scheme.group(1) in _LINK_SCHEMES


def image_data_uri(mime: str, data) -> str | None:
    """``data:<mime>;base64,<data>`` for an image output, or None if it is not one to show.

    ``data`` is the base64 text of a notebook output (a string or a list of lines); the
    image must be PNG, GIF or JPEG and the text base64 only.
    """
    data = "".join(data) if isinstance(data, list) else data
    uri = f"data:{mime};base64,{''.join(str(data).split())}"
    return uri if _IMAGE_URI.match(uri) else None


def safe_style(style: str) -> str | None:
    """The declarations of an inline ``style`` that load or run nothing; None if none are.

    Kept: ``property: value`` with plain values (lengths, colours, keywords) and the
    functions ``rgb()``, ``calc()`` and the like; dropped: ``url()``, ``expression()``,
    ``@import``, escapes and quotes.
    """
    return ";".join(_kept_declarations(style)) or None


def _declarations(style: str) -> list[str]:
    return [part for part in style.split(";") if part.strip()]


def _kept_declarations(style: str) -> list[str]:
    kept = []
    for declaration in _declarations(style):
        name, colon, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip()
        if not colon or not _CSS_PROPERTY.match(name) or not _CSS_VALUE.match(value):
            continue
        if any(function.lower() not in _CSS_FUNCTIONS
               for function in _CSS_FUNCTION.findall(value)):
            continue
        kept.append(f"{name}:{value}")
    return kept


def _shown(name: str) -> str:
    """A tag or attribute name from a notebook as a notice may print it (no control codes)."""
    return _NAME_SHOWN.sub("?", name)[:40]


class _Cleaner(HTMLParser):
    """Re-writes HTML from the parser's tokens: allowed elements and attributes only."""

    def __init__(self, removed: Counter):
        super().__init__(convert_charrefs=True)
        self.removed = removed
        self.parts: list[str] = []
        self.open: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.skipping:
            if tag == self.skipping[0]:
                self.skipping.append(tag)
            return
        if tag in _DROPPED_WITH_CONTENT:
            self.removed[f"<{tag}>"] += 1
            self.skipping.append(tag)
            return
        if tag not in _ALLOWED:
            self.removed[f"<{_shown(tag)}>"] += 1
            return
        kept = self._attributes(tag, attrs)
        if tag == "img" and "src" not in dict(kept):  # nothing to show: no broken image
            if "src" not in dict(attrs):
                self.removed["<img> without an image"] += 1
            return
        self.parts.append(f"<{tag}" + "".join(
            f" {name}" if value is None else f' {name}="{html.escape(value, quote=True)}"'
            for name, value in kept) + ">")
        if tag not in _VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        if tag in _DROPPED_WITH_CONTENT:  # "<svg/>": dropped, with nothing inside to skip
            if not self.skipping:
                self.removed[f"<{tag}>"] += 1
            return
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def _attributes(self, tag, attrs):
        kept, seen = [], set()
        for name, value in attrs:
            if name in seen:
                continue
            seen.add(name)
            if name not in _GLOBAL_ATTRIBUTES and name not in _ALLOWED[tag]:
                self.removed[f"{_shown(name)}="] += 1
                continue
            problem = self._attribute_problem(tag, name, value)
            if problem:
                self.removed[problem] += 1
                continue
            if name == "style" and value is not None:
                value = safe_style(value)
            kept.append((name, value))
        return kept

    @staticmethod
    def _attribute_problem(tag, name, value) -> str:
        """What is wrong with an allowed attribute's value ("" if nothing)."""
        value = value or ""
        if name == "href" and not safe_link(value):
            scheme = _SCHEME.match(_CONTROL_AND_SPACE.sub("", value).lower())
            return f"{scheme.group(1)}: link"
        if name == "src" and not _IMAGE_URI.match(value):
            return "image not embedded as PNG, GIF or JPEG data"
        if name == "style" and len(_kept_declarations(value)) < len(_declarations(value)):
            return "style= that loads or runs something"
        if tag == "input" and name == "type" and value.lower() not in _INPUT_TYPES:
            return "<input> of another type than text, checkbox, radio, range or number"
        return ""

    def handle_endtag(self, tag):
        if self.skipping:
            if tag == self.skipping[0]:
                self.skipping.pop()
            return
        if tag in self.open:
            while self.open:
                closed = self.open.pop()
                self.parts.append(f"</{closed}>")
                if closed == tag:
                    break

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(html.escape(data, quote=False))

    def result(self) -> str:
        self.close()
        self.parts.extend(f"</{tag}>" for tag in reversed(self.open))
        return "".join(self.parts)


def clean_html(text, removed: Counter | None = None) -> str:
    """``text`` (HTML from a notebook) with only harmless elements and attributes kept.

    Args:
        text: the HTML (a string, or a list of lines as stored in a notebook).
        removed: a ``collections.Counter`` to add what was dropped to, e.g.
            ``{"<script>": 1, "onerror=": 1}``.

    Returns:
        HTML whose elements are all on the allow-list, every text and attribute escaped.
        Comments are dropped.
    """
    text = "".join(text) if isinstance(text, list) else str(text)
    cleaner = _Cleaner(removed if removed is not None else Counter())
    cleaner.feed(text)
    return cleaner.result()
