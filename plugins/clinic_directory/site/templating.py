"""Jinja filters and globals the theme relies on.

Autoescape is on for every template; these helpers cover the places where
escaping HTML is not enough (JSON inside ``<script>``) or where templates need
the vocabulary. Whatever they say is in the language of the page being rendered
(``translations.context_lang``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path
from types import MappingProxyType
from typing import Any

from markupsafe import Markup

from clinic_directory.records import vocab
from clinic_directory.site import formatting, translations
from clinic_directory.site.assets import asset_url
from clinic_directory.site.jsonld import breadcrumbs_jsonld, clinic_jsonld
from clinic_directory.site.page_context import page_wide
from clinic_directory.site.translations import SOURCE_LANG, context_lang, translate

#: Characters that could end a ``<script>`` block or open a comment inside it.
_SCRIPT_UNSAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027"})


def json_for_script(value: Any) -> Markup:
    """JSON that is safe inside ``<script type="application/ld+json">``, even with
    ``</script>`` in a clinic's name: the unsafe characters become JSON escapes."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return Markup(
        text.translate(_SCRIPT_UNSAFE).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


@page_wide
def script_messages(context: Any) -> Markup:
    """The scripts' catalogue in the page's language, as JSON for its ``<script>`` block;
    none in English, the source, where ``t()`` shows each message as written."""
    return _script_messages(context_lang(context), translations.LOCALE_DIR)


@cache
def _script_messages(lang: str, folder: Path) -> Markup:
    """Made once per language: every scripted page of that language carries it."""
    if lang == SOURCE_LANG:
        return json_for_script({})
    return json_for_script(translations.script_messages(lang, folder))


def term(vocabulary: str, value: str) -> vocab.Term:
    return vocab.ALL[vocabulary].get(value)


@page_wide
def translated(context: Any, message: str) -> str:
    """``{{ term.label|translate }}``: a catalogue message held in a variable (a
    vocabulary label, a constant of ``formatting``) in the page's language, escaped on
    output like any value. Messages written in a template use ``_()`` instead."""
    return translate(context_lang(context), message)


@page_wide
def page_language(context: Any) -> str:
    """The language of the page being rendered, for ``<html lang>``."""
    return context_lang(context)


@cache
def _term_text(lang: str, found: vocab.Term) -> tuple[Markup, Markup]:
    """A term's label and explanation in ``lang``, escaped once: terms are constants,
    clinic pages show dozens of them each, and a catalogue changes only with the
    process (``serve`` restarts when anything under ``plugins/`` changes)."""
    return (
        Markup.escape(translate(lang, found.label)),
        Markup.escape(translate(lang, found.explanation)),
    )


@cache
def _term_link(lang: str, site_url: str, vocabulary: str, value: str) -> Markup:
    found = vocab.ALL[vocabulary].get(value)
    label, explanation = _term_text(lang, found)
    if not found.guide:
        return label
    return Markup(f'<a href="{site_url}/{found.guide}" title="{explanation}">{label}</a>')


@page_wide
def term_link(context: Any, vocabulary: str, value: str) -> Markup:
    """A term's label linked to the guide section explaining it, explanation as title.

    A Python function rather than a Jinja macro, cached per language and term: clinic
    pages call it dozens of times each, and a macro call costs several times more.
    """
    return _term_link(context_lang(context), context.get("SITEURL", ""), vocabulary, value)


@page_wide
def term_list(context: Any, vocabulary: str, values: list[str], explain: bool = False) -> Markup:
    """A list of linked terms, each with its one-line explanation when ``explain``."""
    lang = context_lang(context)
    items = []
    for value in values:
        item = term_link(context, vocabulary, value)
        if explain:
            explanation = _term_text(lang, vocab.ALL[vocabulary].get(value))[1]
            item = f'{item} <span class="explain">{explanation}</span>'
        items.append(f"<li>{item}</li>")
    return Markup(f'<ul class="terms">{"".join(items)}</ul>')


def _in_page_language(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` as a filter or global that writes in the page's language."""

    @page_wide
    @wraps(function)
    def in_page_language(context: Any, *args: Any, **kwargs: Any) -> Any:
        return function(*args, lang=context_lang(context), **kwargs)

    return in_page_language


def tel(phone: str) -> str:
    """A ``tel:`` target: the digits of a phone number, with its leading ``+``."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"+{digits}" if phone.strip().startswith("+") else digits


FILTERS = MappingProxyType(
    {
        "jsonld": json_for_script,
        "money": formatting.money,
        "tel": tel,
        "translate": translated,
        "us_date": _in_page_language(formatting.us_date),
        "hours_range": _in_page_language(formatting.hours_range),
        "us_phone": formatting.us_phone,
        "web_address": formatting.web_address,
    }
)
GLOBALS = MappingProxyType(
    {
        "asset": asset_url,
        "script_messages": script_messages,
        "page_language": page_language,
        "breadcrumbs_jsonld": breadcrumbs_jsonld,
        "clinic_jsonld": _in_page_language(clinic_jsonld),
        "money_range": formatting.money_range,
        "headline_price": _in_page_language(formatting.headline_price),
        "price_groups": formatting.price_groups,
        "price_text": _in_page_language(formatting.figure_text),
        "verification_warning": _in_page_language(formatting.verification_warning),
        "recently_verified_means": _in_page_language(formatting.recently_verified_means),
        "verified_how": _in_page_language(formatting.verified_how),
        "refund_text": _in_page_language(formatting.refund_text),
        "wait_text": _in_page_language(formatting.wait_text),
        "npi_check_text": _in_page_language(formatting.npi_check_text),
        "RECENTLY_VERIFIED": formatting.RECENTLY_VERIFIED,
        "OUT_OF_DATE_NOTE": formatting.OUT_OF_DATE_NOTE,
        "CHANGE_WORDS": formatting.CHANGE_WORDS,
        "directions_url": formatting.directions_url,
        "PRICE_SORT_NOTE": formatting.PRICE_SORT_NOTE,
        "PRICE_FILTER_NOTE": formatting.PRICE_FILTER_NOTE,
        "term": term,
        "term_link": term_link,
        "term_list": term_list,
        "vocab": vocab,
    }
)
