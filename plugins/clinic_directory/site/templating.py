"""Jinja filters and globals the theme relies on.

Autoescape is on for every template; these helpers cover the places where
escaping HTML is not enough (JSON inside ``<script>``) or where templates need
the vocabulary.
"""

from __future__ import annotations

import json
from functools import cache
from types import MappingProxyType
from typing import Any

from jinja2 import pass_context
from markupsafe import Markup

from clinic_directory.records import vocab
from clinic_directory.site import formatting
from clinic_directory.site.assets import asset_url
from clinic_directory.site.jsonld import breadcrumbs_jsonld

#: Characters that could end a ``<script>`` block or open a comment inside it.
_SCRIPT_UNSAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027"})


def json_for_script(value: Any) -> Markup:
    """JSON that is safe inside ``<script type="application/ld+json">``, even with
    ``</script>`` in a clinic's name: the unsafe characters become JSON escapes."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return Markup(
        text.translate(_SCRIPT_UNSAFE).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def term(vocabulary: str, value: str) -> vocab.Term:
    return vocab.ALL[vocabulary].get(value)


@cache
def _escaped(term: vocab.Term) -> tuple[Markup, Markup]:
    """A term's label and explanation, escaped once: terms are constants, and clinic
    pages show dozens of them each."""
    return Markup.escape(term.label), Markup.escape(term.explanation)


@pass_context
def term_link(context: Any, vocabulary: str, value: str) -> Markup:
    """A term's label linked to the guide section explaining it, explanation as title.

    A Python function rather than a Jinja macro: clinic pages call it dozens of times
    each, and a macro call costs several times more.
    """
    found = vocab.ALL[vocabulary].get(value)
    label, explanation = _escaped(found)
    if not found.guide:
        return label
    site_url = context.get("SITEURL", "")
    return Markup(f'<a href="{site_url}/{found.guide}" title="{explanation}">{label}</a>')


@pass_context
def term_list(context: Any, vocabulary: str, values: list[str], explain: bool = False) -> Markup:
    """A list of linked terms, each with its one-line explanation when ``explain``."""
    items = []
    for value in values:
        item = term_link(context, vocabulary, value)
        if explain:
            explanation = _escaped(vocab.ALL[vocabulary].get(value))[1]
            item = f'{item} <span class="explain">{explanation}</span>'
        items.append(f"<li>{item}</li>")
    return Markup(f'<ul class="terms">{"".join(items)}</ul>')


def tel(phone: str) -> str:
    """A ``tel:`` target: the digits of a phone number, with its leading ``+``."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"+{digits}" if phone.strip().startswith("+") else digits


FILTERS = MappingProxyType(
    {
        "jsonld": json_for_script,
        "money": formatting.money,
        "tel": tel,
        "us_date": formatting.us_date,
        "hours_range": formatting.hours_range,
        "us_phone": formatting.us_phone,
        "web_address": formatting.web_address,
    }
)
GLOBALS = MappingProxyType(
    {
        "asset": asset_url,
        "breadcrumbs_jsonld": breadcrumbs_jsonld,
        "money_range": formatting.money_range,
        "headline_price": formatting.headline_price,
        "price_groups": formatting.price_groups,
        "price_text": formatting.figure_text,
        "stale_note": formatting.stale_note,
        "verification_warning": formatting.verification_warning,
        "verified_how": formatting.verified_how,
        "refund_text": formatting.refund_text,
        "wait_text": formatting.wait_text,
        "npi_check_text": formatting.npi_check_text,
        "RECENTLY_VERIFIED": formatting.RECENTLY_VERIFIED,
        "RECENTLY_VERIFIED_MEANS": formatting.RECENTLY_VERIFIED_MEANS,
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
