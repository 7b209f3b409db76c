"""Text people write in Markdown (guidelines, the text on a report's first page) rendered to
HTML and sanitised with nh3 (an allow-list), so it can never carry script, styles or event
handlers into a page or a PDF."""

import markdown
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set()}


def _demote_headings(html: str, first: int) -> str:
    """The page has its own headings above the text: a "# Title" becomes a h`first`
    (h2 in a guideline, h3 on a report's first page), deeper ones follow, h6 at most."""
    for level in range(6, 0, -1):
        to = min(6, level + first - 1)
        html = html.replace(f"<h{level}>", f"<h{to}>").replace(f"</h{level}>", f"</h{to}>")
    return html


def render_markdown(text: str, first_heading: int = 2) -> str:
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    return nh3.clean(
        _demote_headings(html, first_heading),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
