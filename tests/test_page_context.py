"""Page-wide helpers: called anywhere in a template, they read the page's values."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, pass_context

from clinic_directory.site import page_context
from clinic_directory.site.page_context import page_wide

#: A loop and a block that set their own variables: where Jinja would copy the context.
TEMPLATE = (
    "{% block main %}{% set shown = 'x' %}"
    "{% for item in items %}{% set each = item %}[{{ helper(each) }}]{% endfor %}"
    "{% endblock %}"
)


def render(helper: Any, **page: Any) -> str:
    environment = Environment()
    page_context.install(environment)
    environment.globals["helper"] = helper
    return environment.from_string(TEMPLATE).render(**page)


@page_wide
def in_page_language(context: Any, word: str) -> str:
    return f"{word}:{context['lang']}"


def test_a_page_wide_helper_reads_the_page_inside_loops_and_blocks() -> None:
    assert render(in_page_language, items=["a", "b"], lang="es") == "[a:es][b:es]"


@pass_context
def sees_the_loop(context: Any, word: str) -> str:
    return f"{word}:{context.get('each')}"


def test_a_theme_authors_own_context_function_still_sees_loop_variables() -> None:
    assert render(sees_the_loop, items=["a", "b"]) == "[a:a][b:b]"
