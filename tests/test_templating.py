"""Template helpers: JSON inside <script> blocks and phone links (formatting: test_formatting)."""

from __future__ import annotations

import json

from clinic_directory.site.templating import json_for_script, tel


def test_json_for_script_cannot_close_the_script_block() -> None:
    text = json_for_script({"name": "</script><script>alert(1)</script>", "note": "a & b 'c'"})
    assert "</script>" not in text and "<" not in text and "&" not in text and "'" not in text
    assert json.loads(text) == {"name": "</script><script>alert(1)</script>", "note": "a & b 'c'"}


def test_json_for_script_escapes_javascript_line_separators() -> None:
    text = json_for_script({"name": "a\u2028b"})
    assert "\u2028" not in text and json.loads(text) == {"name": "a\u2028b"}


def test_tel_keeps_digits_and_the_leading_plus() -> None:
    assert tel("+1 512-555-0134") == "+15125550134"
    assert tel("(512) 555-0134") == "5125550134"
