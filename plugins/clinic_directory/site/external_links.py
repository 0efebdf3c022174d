"""A Markdown extension: links from the guide and policy pages to other sites tell them nothing.

Every external link on the site carries ``rel="noopener noreferrer"`` (the site's
referrer policy says the same, but the attribute also holds where a page is saved
and opened elsewhere). Templates write it by hand; this adds it to links written
in Markdown, which Pelican turns into HTML.
"""

from __future__ import annotations

from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

#: The name Pelican's ``MARKDOWN`` setting knows this extension by.
NAME = "clinic_directory.site.external_links:ExternalLinks"
REL = ("noopener", "noreferrer")


class _MarkExternalLinks(Treeprocessor):
    def run(self, root: Element) -> None:
        for link in root.iter("a"):
            if urlsplit(link.get("href", "")).scheme in {"http", "https"}:
                rel = link.get("rel", "").split()
                link.set("rel", " ".join([*rel, *(word for word in REL if word not in rel)]))


class ExternalLinks(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(_MarkExternalLinks(md), "external_links", 0)
