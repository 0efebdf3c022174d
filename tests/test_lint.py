"""The claims lint: what it flags, what it leaves alone, and what it reports."""

from __future__ import annotations

import pytest

from clinic_directory.records.claims import Overstatement, find_overstatements


def flagged_phrases(text: str) -> list[str]:
    return [hit.phrase for hit in find_overstatements(text)]


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Our infusions are non-addictive.", "non-addictive"),
        ("Ketamine is not addictive at all.", "not addictive"),
        ("There is no risk of addiction with our protocol.", "no risk of addiction"),
        ("IV is the most effective route for depression.", "most effective route"),
        ("Ketamine is the most effective treatment available.", "most effective treatment"),
        ("Ketamine cures depression.", "cures depression"),
        ("We offer a permanent cure.", "permanent cure"),
        ("Enjoy permanent relief from pain.", "permanent relief"),
        ("Ketamine works by increasing glutamate levels.", "increasing glutamate levels"),
        ("It boosts glutamate in the brain.", "boosts glutamate"),
        ("Depression is caused by a glutamate deficiency.", "glutamate deficiency"),
        ("People with depression have low glutamate.", "low glutamate"),
        (
            "It has fewer side effects than antidepressants.",
            "fewer side effects than antidepressants",
        ),
        ("A gentle treatment with no side effects.", "no side effects"),
        ("Ketamine is FDA approved for depression.", "Ketamine is FDA approved for depression"),
        (
            "Ketamine infusions are now FDA-approved to treat PTSD.",
            "Ketamine infusions are now FDA-approved to treat PTSD",
        ),
        (
            "We offer FDA-approved ketamine therapy for anxiety.",
            "FDA-approved ketamine therapy for anxiety",
        ),
        ("The FDA approved ketamine for depression.", "FDA approved ketamine for depression"),
        ("Try our FDA-approved oral ketamine.", "FDA-approved oral ketamine"),
        ("Results guaranteed.", "Results guaranteed"),
        ("We guarantee relief after one session.", "guarantee relief"),
        ("A 100% success rate.", "100%"),
        ("The market will reach $4.62 billion by 2032.", "$4.62 billion"),
        ("Ketamine rebuilds the brain.", "rebuilds the brain"),
        ("Get instant relief today.", "instant relief"),
        ("Ketamine prevents suicide.", "Ketamine prevents suicide"),
    ],
)
def test_flags_claims_the_evidence_does_not_support(text: str, phrase: str) -> None:
    assert flagged_phrases(text) == [phrase]


@pytest.mark.parametrize(
    "text",
    [
        # Esketamine is approved: only plain ketamine is flagged.
        "Esketamine is FDA-approved for treatment-resistant depression.",
        "Spravato (esketamine) is an FDA-approved nasal spray.",
        "The FDA approved esketamine for depression in 2019.",
        "S-ketamine is FDA approved for depression.",
        # Correct statements about ketamine's status.
        "Racemic ketamine is not FDA-approved for any psychiatric condition.",
        "The FDA approved ketamine as an anesthetic in 1970.",
        # Careful wording of the same topics.
        "IV infusion is the most studied way to give ketamine for depression.",
        "Researchers think ketamine works partly by changing glutamate signalling.",
        "Ketamine can be misused and is a Schedule III controlled substance.",
        "Ketamine has not been shown to prevent suicide.",
        "Ketamine is not a cure for depression.",
        "Common side effects include dizziness and nausea.",
        "Six infusions cost $2,900 in total.",
        "We guarantee your privacy.",
    ],
)
def test_leaves_accurate_statements_alone(text: str) -> None:
    assert find_overstatements(text) == []


def test_reports_where_each_claim_starts_and_why_it_is_wrong() -> None:
    text = "Gentle and non-addictive."

    [hit] = find_overstatements(text)

    assert hit == Overstatement(offset=11, phrase="non-addictive", why=hit.why)
    assert text[hit.offset : hit.offset + len(hit.phrase)] == hit.phrase
    assert "Schedule III" in hit.why


def test_reports_claims_in_reading_order() -> None:
    text = "No side effects, results guaranteed, and non-addictive."

    assert flagged_phrases(text) == ["No side effects", "results guaranteed", "non-addictive"]


def test_reports_overlapping_matches_once() -> None:
    # "cure for depression" and "permanent cure" overlap: one phrase, one report.
    assert flagged_phrases("A permanent cure for depression.") == ["permanent cure"]


def test_matches_regardless_of_case() -> None:
    assert flagged_phrases("NON-ADDICTIVE, RESULTS GUARANTEED") == [
        "NON-ADDICTIVE",
        "RESULTS GUARANTEED",
    ]


def test_every_explanation_is_a_short_plain_sentence() -> None:
    text = (
        "non-addictive, most effective route, cures depression, increasing glutamate levels, "
        "glutamate deficiency, fewer side effects than antidepressants, no side effects, "
        "ketamine is FDA approved for depression, guaranteed results, 100% effective, $3 billion, "
        "rewires the brain, instant relief, ketamine prevents suicide"
    )

    hits = find_overstatements(text)

    assert len(hits) == 14
    for hit in hits:
        assert hit.why.endswith(".")
        assert len(hit.why) <= 200
