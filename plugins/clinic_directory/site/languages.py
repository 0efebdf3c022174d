"""Which language a page is in, and where the same page is in the others.

The first of ``CLINIC_LANGUAGES`` (``DEFAULT_LANG``) is served from the site's
root, each other language from ``<lang>/``, with the same paths beneath. The
directory's own pages are written once per language (``page_path`` is the page's
URL in the first language); Pelican's guide and policy pages are translated the
Pelican way, one Markdown file per language linked by slug (``page.translations``).
Data files, assets and feeds are shared: their URLs never carry a language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from markupsafe import Markup

from clinic_directory.site.page_context import page_wide
from clinic_directory.site.translations import context_lang

#: Each language's name in itself, for the language switch.
NAMES: Mapping[str, str] = MappingProxyType({"en": "English", "es": "Español"})
#: Open Graph's ``og:locale`` of each language (the site serves the United States).
OG_LOCALES: Mapping[str, str] = MappingProxyType({"en": "en_US", "es": "es_US"})


def languages_of(context: Mapping[str, Any]) -> list[str]:
    return list(context.get("CLINIC_LANGUAGES") or [context.get("DEFAULT_LANG") or "en"])


def url_prefix(languages: Sequence[str], lang: str) -> str:
    """What a page's site-relative URL starts with in ``lang``: nothing in the first
    of ``languages``, ``es/`` in Spanish."""
    return "" if lang == languages[0] else f"{lang}/"


def prefix(context: Mapping[str, Any], lang: str) -> str:
    return url_prefix(languages_of(context), lang)


@page_wide
def lang_url(context: Any, path: str = "", lang: str | None = None) -> str:
    """A directory page's URL in the page's language, or in ``lang``:
    ``lang_url(clinic.url)`` is ``/es/clinics/tx/riverside/`` on a Spanish page."""
    return f"{context.get('SITEURL', '')}/{prefix(context, lang or context_lang(context))}{path}"


@page_wide
def lang_root(context: Any) -> str:
    """Where the page's language starts, without the final slash, for messages that
    write ``{{ site }}/guide/`` (``SITEURL`` itself in the first language)."""
    return lang_url(context).removesuffix("/")


@page_wide
def lang_prefix(context: Any) -> str:
    """``es/`` on a Spanish page, nothing in the first language: the scripts add it to
    the clinic and page addresses they write."""
    return prefix(context, context_lang(context))


@page_wide
def alternates(context: Any) -> list[tuple[str, str]]:
    """The page being rendered in each language it exists in, as (language, URL), its
    own language included: for ``hreflang`` links and the language switch."""
    languages = languages_of(context)
    if context.get("page_path") is not None:
        return [(lang, lang_url(context, context["page_path"], lang)) for lang in languages]
    page = context.get("page") or context.get("article")
    if page is None or not getattr(page, "url", None):
        return []
    site_url = context.get("SITEURL", "")
    versions = {version.lang: version for version in (page, *page.translations)}
    return [(lang, f"{site_url}/{versions[lang].url}") for lang in languages if lang in versions]


@page_wide
def written_attrs(context: Any) -> Markup:
    """`` lang="en"`` for text a clinic wrote (records are in the site's first language),
    on a page in another language, so a screen reader reads it in English; nothing on
    a page in the first language."""
    first = languages_of(context)[0]
    return Markup(f' lang="{first}"') if context_lang(context) != first else Markup("")


@page_wide
def written(context: Any, text: str) -> Markup:
    """Clinic-written text inline, in a ``<span lang="en">`` on a page in another
    language (see ``written_attrs``), escaped."""
    attrs = written_attrs(context)
    return Markup(f"<span{attrs}>%s</span>") % text if attrs else Markup.escape(text)


@page_wide
def in_page_language(context: Any, content: Any) -> Any:
    """A Pelican page in the language of the page being rendered, if translated, else
    as it is: a Spanish guide page lists the Spanish guide pages."""
    lang = context_lang(context)
    if content.lang == lang:
        return content
    return next((t for t in content.translations if t.lang == lang), content)


GLOBALS: Mapping[str, Any] = MappingProxyType(
    {
        "lang_url": lang_url,
        "lang_root": lang_root,
        "lang_prefix": lang_prefix,
        "written_attrs": written_attrs,
        "alternates": alternates,
        "LANGUAGE_NAMES": NAMES,
        "OG_LOCALES": OG_LOCALES,
    }
)
FILTERS: Mapping[str, Any] = MappingProxyType(
    {"in_page_language": in_page_language, "written": written}
)
