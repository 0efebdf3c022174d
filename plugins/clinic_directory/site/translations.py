"""The message catalogue: every string a visitor reads, in each language the site speaks.

English is the source: templates mark strings with ``_()``/``{% trans %}``, scripts
with ``t()``/``tn()``, Python with ``N_()``, and the vocabulary's labels and
explanations are read by ``extract_vocabulary``. ``make messages`` runs
``pybabel extract`` over all of them into ``locale/messages.pot``; a language other
than English has ``locale/<lang>/LC_MESSAGES/messages.po``, compiled in memory by the
build (no ``.mo`` files in the repository).

A page's language comes from its render context (``lang``, else the page's own
``lang``, else ``DEFAULT_LANG``), so one Jinja environment renders every language
and one Pelican run builds them all.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator, Mapping
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from markupsafe import Markup

from clinic_directory.records import vocab
from clinic_directory.site.page_context import page_wide

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
TEMPLATE = LOCALE_DIR / "messages.pot"
SOURCE_LANG = "en"
#: Where scripts find their part of the catalogue, an inline JSON block.
SCRIPT_CATALOGUE_ID = "messages"


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


def catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang``; English, the source, translates to itself.

    Read once per process and folder: a page asks for hundreds of messages, and
    ``serve`` starts a new process when anything under ``plugins/`` changes."""
    return _compiled(lang, LOCALE_DIR)


@cache
def _compiled(lang: str, _folder: Path) -> gettext.NullTranslations:
    path = po_path(lang)
    if lang == SOURCE_LANG or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as file:
        messages = read_po(file)
    compiled = BytesIO()
    write_mo(compiled, messages, use_fuzzy=False)  # a fuzzy guess is never shown
    compiled.seek(0)
    return Translations(compiled)


def context_lang(context: Mapping[str, Any]) -> str:
    """The language a template is rendering in."""
    if context.get("lang"):
        return str(context["lang"])
    for name in ("page", "article"):
        content = context.get(name)
        if getattr(content, "lang", None):
            return str(content.lang)
    return str(context.get("DEFAULT_LANG") or SOURCE_LANG)


# Positional-only, so that a placeholder may be called "message", "count" or anything.
@page_wide
def _gettext(context: Any, message: str, /, **variables: Any) -> str:
    text = catalogue(context_lang(context)).gettext(message)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables if variables else text  # no placeholder: nothing to fill


@page_wide
def _ngettext(context: Any, singular: str, plural: str, number: int, /, **variables: Any) -> str:
    text = catalogue(context_lang(context)).ngettext(singular, plural, number)
    variables.setdefault("num", number)
    return (Markup(text) if context.eval_ctx.autoescape else text) % variables


def install(env: Any) -> None:
    """Give a Jinja environment (with ``jinja2.ext.i18n``) the site's catalogue.

    New-style gettext, as ``install_gettext_callables(..., newstyle=True)`` makes it:
    placeholders are keyword arguments (``_("%(n)s clinics", n=4)``) and are escaped;
    the message itself is trusted markup (translators write HTML-safe text), so a
    label held in a variable goes through the ``translate`` filter instead. Written
    here as one call rather than Jinja's three nested ones (``_``, the new-style
    wrapper, the lookup): a clinic page says over a hundred messages, and the nesting
    was an eighth of its rendering time.
    """
    env.newstyle_gettext = True
    env.globals.update(gettext=_gettext, _=_gettext, ngettext=_ngettext)


def N_(message: str) -> str:
    """Mark a constant for ``pybabel extract`` and keep it as it is: the constant stays
    English where code compares or stores it, and ``translate`` shows it."""
    return message


def translate(lang: str, message: str) -> str:
    """One message in ``lang``, for Python code that writes text outside a template.

    The empty message stays empty (gettext would answer with the catalogue's header)."""
    return catalogue(lang).gettext(message) if message else message


def translate_plural(lang: str, singular: str, plural: str, count: int) -> str:
    """The form of a message for ``count`` in ``lang`` (languages differ in how many
    forms they have and which counts take which)."""
    return catalogue(lang).ngettext(singular, plural, count)


@cache
def script_messages(lang: str, _folder: Path = LOCALE_DIR) -> dict[str, str | list[str]]:
    """What the scripts say, in ``lang``: each message the scripts use (``t()``,
    ``tn()``) with its translation (a list of plural forms for ``tn``), an untranslated
    one as written. Made once per process and folder, like ``catalogue``."""
    with TEMPLATE.open("rb") as file:
        template = read_po(file)
    translations = catalogue(lang)
    messages: dict[str, str | list[str]] = {}
    for message in template:
        if not message.id or not any(path.endswith(".js") for path, _ in message.locations):
            continue
        if isinstance(message.id, tuple):
            singular, plural = message.id[:2]
            # English and Spanish have two forms, for 1 and for any other count
            messages[singular] = [translations.ngettext(singular, plural, n) for n in (1, 2)]
        else:
            messages[message.id] = translations.gettext(message.id)
    return messages


def extract_vocabulary(
    fileobj: Any, keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str, list[str]]]:
    """A Babel extractor for ``records/vocab.py``: every term's label and explanation,
    and the at-home warning shown beside the terms.

    The vocabulary is data, read by validation in English too, so its strings are
    not wrapped in calls; this reads them from the loaded tables instead.
    """
    yield 1, "gettext", vocab.AT_HOME_WARNING, ["shown with every at-home service"]
    for vocabulary in vocab.ALL.values():
        for term in vocabulary:
            for text in (term.label, term.explanation):
                if text:
                    yield 1, "gettext", text, [f"vocabulary: {vocabulary.name}"]
