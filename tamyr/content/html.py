"""The one door between an editor's HTML and a page: nh3 (the Rust ammonia sanitiser) with a short allow-list.

Why an allow-list and nh3 (docs/decisions/0027): editors paste from word processors and other sites; whatever they
send (a script, an `onerror`, a `javascript:` link, a style that hides text or overlays the page) must not reach a
reader. Bleach, the usual choice, is deprecated; nh3 is maintained, fast (it runs on every save and again on every
render) and has no dependencies. The body is cleaned when it is written (services) and again when it is shown
(the `clean_html` filter), so a row written some other way cannot slip through either.
"""

from __future__ import annotations

import html as html_module

import nh3

TAGS = frozenset(
    {
        "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "a", "ul", "ol", "li", "blockquote",
        "h2", "h3", "h4", "pre", "code", "hr", "img", "figure", "figcaption", "table", "thead", "tbody", "tr",
        "th", "td",
    }
)  # fmt: skip
ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "*": {"lang", "dir"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def clean(html: str) -> str:
    """The HTML with everything outside the allow-list removed (tags kept as text are dropped with their
    content for script and style)."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags={"script", "style"},
        attributes=ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def clean_all(value: dict[str, str]) -> dict[str, str]:
    """Every language's body cleaned; a version that is empty once cleaned is left out."""
    cleaned = {code: clean(text) for code, text in value.items()}
    return {code: text for code, text in cleaned.items() if text}


def plain(html: str) -> str:
    """Text without any tag (feeds' summaries, page descriptions)."""
    return html_module.unescape(nh3.clean(html or "", tags=set(), clean_content_tags={"script", "style"})).strip()
