"""Template helpers that read the page, and the Jinja context that calls them cheaply.

When a template calls a ``pass_context`` function inside a loop, or inside a block
that sets its own variables (a ``{% trans name=... %}`` sets one), Jinja first
copies the whole context so that the function can see those variables: with
Pelican's context, hundreds of settings, for every call. The theme's helpers read
only what is the same all over the page (its language, ``SITEURL``, the asset
list), so they are marked ``page_wide`` and ``PageContext`` hands them the page's
context as it is. On a clinic page that was about fifty copies, a tenth of the
time its files take to make.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from jinja2 import pass_context
from jinja2.runtime import Context

F = TypeVar("F", bound=Callable[..., Any])

#: The attribute ``page_wide`` sets on a helper.
_MARK = "clinic_directory_page_wide"


def page_wide(function: F) -> F:
    """``pass_context`` for a helper that never reads a loop's or a block's variables."""
    setattr(function, _MARK, True)
    return pass_context(function)


class PageContext(Context):
    """A Jinja context that calls ``page_wide`` helpers without copying itself."""

    def call(self, function: Any, /, *args: Any, **kwargs: Any) -> Any:
        if getattr(function, _MARK, False):
            kwargs.pop("_loop_vars", None)
            kwargs.pop("_block_vars", None)
        return super().call(function, *args, **kwargs)


def install(environment: Any) -> None:
    environment.context_class = PageContext
