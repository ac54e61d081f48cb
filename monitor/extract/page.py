"""Find the article body of a Docusaurus page and strip everything that is not content.

Navigation, breadcrumbs, the table of contents and the "Last updated on" footer
all contain text that looks like data (dates, operation names); removing them
once here keeps every parser from having to know about them.
"""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

from monitor.extract.errors import UnrecognisedPage
from monitor.extract.text import element_text, has_class

# Stable Docusaurus/Infima class names of chrome that may sit inside the content root.
_CHROME_CLASSES = (
    "hash-link",
    "theme-doc-breadcrumbs",
    "theme-doc-footer",
    "theme-doc-toc-mobile",
    "theme-doc-toc-desktop",
    "theme-doc-sidebar-container",
    "theme-doc-sidebar-menu",
    "theme-doc-version-badge",
    "theme-doc-version-banner",
    "theme-edit-this-page",
    "theme-last-updated",
    "table-of-contents",
    "pagination-nav",
    "navbar",
    "footer",
)
_CHROME_TAGS = ("script", "style", "noscript", "template", "nav", "footer", "aside", "iframe")


def parse_html(html: str | bytes) -> BeautifulSoup:
    """Parse with lxml, the one parser used everywhere (html.parser nests lists differently)."""
    return BeautifulSoup(html, "lxml")


def _strip_chrome(root: Tag) -> None:
    for tag in root.find_all(_CHROME_TAGS):
        tag.decompose()
    for tag in root.find_all(class_=True):
        if tag.decomposed:
            continue
        if any(has_class(tag, name) for name in _CHROME_CLASSES):
            tag.decompose()


def content_root(soup: BeautifulSoup, url: str) -> Tag:
    """The element holding the page's own content, stripped of site chrome.

    Tries ``article div.theme-doc-markdown`` first, then ``article``, then
    ``main``; raises :class:`UnrecognisedPage` when none holds any text, which the
    caller reports as a parser canary instead of "no deprecations found".
    """
    root = soup.select_one("article div.theme-doc-markdown") or soup.select_one(
        "div.theme-doc-markdown"
    )
    if root is None:
        root = soup.find("article") or soup.find("main") or soup.find(attrs={"role": "main"})
    if not isinstance(root, Tag):
        raise UnrecognisedPage(url, "no article, markdown or main element")
    _strip_chrome(root)
    if not element_text(root):
        raise UnrecognisedPage(url, "the content element is empty")
    return root


def page_title(soup: BeautifulSoup, root: Tag) -> str:
    """The page's h1: inside the content first, then the article header, then <title>."""
    heading = root.find("h1") or soup.select_one("article header h1") or soup.find("h1")
    if isinstance(heading, Tag):
        return element_text(heading)
    if soup.title is not None:
        return element_text(soup.title).split(" | ")[0]
    return ""
