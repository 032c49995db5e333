"""User text on a page, shown as the text it is: never Markdown, never HTML, never a remote image.

Streamlit renders Markdown (and LaTeX, emoji shortcodes and colour directives) in ``st.markdown``, ``st.write``,
titles, captions, alerts, toasts and widget labels: a transcript or memo holding ``![x](http://host/pixel.png)``
would make the browser fetch that image (data leaving the machine) and ``*``/``_`` would vanish from what a coder
reads. Every piece of user text (document text and names, memos, code labels and definitions, speaker names,
error messages quoting them) goes through one of these helpers.
"""

from __future__ import annotations

import html
import re

import streamlit as st

# what makes Markdown (or Streamlit's LaTeX $, emoji :shortcodes: and :colour[...] directives, HTML, entities) anywhere
# in a line, and what does only at a line's start (lists, setext headings, numbered items): a plain name such as
# demo-reseaux-sante stays as it is
_ANYWHERE = re.compile(r"([\\`*\[\]|<>~$&]|:(?=\w)|(?<!\w)_|_(?!\w))")
_LINE_START = re.compile(r"^(\s*)([-+=#]|\d+(?=[.)]))", re.MULTILINE)


def md(text: object) -> str:
    """``text`` escaped for any Streamlit call that renders Markdown (labels, captions, alerts, titles).

    >>> md("![x](http://h/p.png) *a* $x$ demo-reseaux coder_a: _b_ :red[x] (Dr Morel)")
    '!\\\\[x\\\\](http://h/p.png) \\\\*a\\\\* \\\\$x\\\\$ demo-reseaux coder_a: \\\\_b\\\\_ \\\\:red\\\\[x\\\\] (Dr Morel)'
    >>> md("- item\\n# title")
    '\\\\- item  \\n\\\\# title'
    """
    escaped = _ANYWHERE.sub(r"\\\1", "" if text is None else str(text))
    escaped = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2) if not m.group(2)[0].isdigit()
                              else m.group(1) + m.group(2) + "\\", escaped)
    return escaped.replace("\n", "  \n")


def esc(text: object) -> str:
    """``text`` escaped for our own HTML (``st.html``): tags and entities shown, never interpreted.

    >>> esc('<img src="http://h/p.png">')
    '&lt;img src=&quot;http://h/p.png&quot;&gt;'
    """
    return html.escape("" if text is None else str(text), quote=True)


def text_block(text: object, *, css_class: str = "qc-text") -> None:
    """A paragraph of user text (a memo, a definition, a passage), wrapped, escaped, line breaks kept."""
    st.html(f'<div class="{css_class}" style="white-space: pre-wrap; overflow-wrap: anywhere">{esc(text)}</div>')


def error(message: object) -> None:
    """``st.error`` for a message that may quote user text (file names, codes, passages)."""
    st.error(md(message))


def toast(message: object) -> None:
    st.toast(md(message))
