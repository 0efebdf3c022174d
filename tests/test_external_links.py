"""Links written in Markdown to other sites carry ``rel="noopener noreferrer"``."""

from __future__ import annotations

from markdown import Markdown

from clinic_directory.site.external_links import NAME


def html(text: str) -> str:
    return Markdown(extensions=[NAME]).convert(text)


def test_a_link_to_another_site_tells_it_nothing() -> None:
    assert html("[DailyMed](https://dailymed.nlm.nih.gov/x)") == (
        '<p><a href="https://dailymed.nlm.nih.gov/x" rel="noopener noreferrer">DailyMed</a></p>'
    )


def test_links_inside_the_site_are_left_alone() -> None:
    assert (
        html("[the guide](../routes/#at-home)")
        == '<p><a href="../routes/#at-home">the guide</a></p>'
    )
