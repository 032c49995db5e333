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

# every ASCII punctuation CommonMark lets a backslash escape, plus what Streamlit adds ($ for LaTeX, : for
# emoji shortcodes and :colour[...] directives, ~ for strikethrough)
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=^\"'%,;?@/])")


def md(text: object) -> str:
    """``text`` escaped for any Streamlit call that renders Markdown (labels, captions, alerts, titles).

    >>> md("![x](http://h/p.png) *a* $x$")
    '\\\\!\\\\[x\\\\]\\\\(http\\\\:\\\\/\\\\/h\\\\/p\\\\.png\\\\) \\\\*a\\\\* \\\\$x\\\\$'
    """
    return _MARKDOWN.sub(r"\\\1", "" if text is None else str(text)).replace("\n", "  \n")


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
