"""Find claims about ketamine that the evidence does not support.

The guide pages and the free text of clinic records (descriptions, service notes,
price notes) are checked against the same rules, so the site never repeats an
overstatement its own guide corrects. Each rule pairs a pattern with a short,
plain explanation of what the evidence actually says; the validator shows that
explanation as the hint of a warning.

The rules look for wording, not meaning: they catch the common phrasings of each
claim and leave careful statements alone (for example, esketamine *is*
FDA-approved for treatment-resistant depression, and "ketamine is not
FDA-approved for depression" is correct).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Overstatement:
    """One unsupported claim: where it starts in the text, its words, and why it is wrong."""

    offset: int
    phrase: str
    why: str


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    why: str


def _rule(pattern: str, why: str) -> _Rule:
    # The rules are English words: ASCII matching finds the same claims in English
    # text and is a third faster, which counts at ten thousand records.
    return _Rule(re.compile(pattern, re.IGNORECASE | re.ASCII), why)


# "ketamine" on its own, not the end of "esketamine" or "S-ketamine" (which is esketamine).
_KETAMINE = r"(?<![\w-])ketamine(?: (?:infusions?|therapy|treatments?))?"
_PSYCHIATRIC = r"(?:depression|ptsd|anxiety|bipolar|mood|mental|psychiatric|suicid\w*|ocd)"
_FOR_PSYCHIATRIC = r" (?:for|to treat) (?:\w+ ){0,3}?" + _PSYCHIATRIC
_APPROVED = r"(?:fda[- ]approved|approved by the fda)"
_CONDITION = r"(?:depression|ptsd|anxiety|bipolar|trauma|ocd|pain)"

_RULES: tuple[_Rule, ...] = (
    _rule(
        r"\bnon[- ]?addictive\b"
        r"|\bnot (?:at all |physically )?addictive\b"
        r"|\bno (?:risk|chance|danger) of (?:addiction|dependence|dependency|abuse)\b",
        "Ketamine can be misused and is a Schedule III controlled substance for that reason; "
        "the esketamine label carries a boxed warning on abuse and misuse.",
    ),
    _rule(
        r"\bmost effective (?:route|method|way|form|delivery|treatment|therapy)\b",
        "No large trial has compared routes head to head: IV infusion is the most studied "
        "route, not a proven best one, and in one large trial ECT led to more remissions "
        "than ketamine.",
    ),
    _rule(
        r"(?<!not a )(?<!no )\bcur(?:e|es|ed|ing)\b(?: (?:for|of))? (?:your |their |my )?"
        r"(?:treatment-resistant |major |clinical |chronic )?"
        + _CONDITION
        + r"|\bpermanent(?:ly)? (?:cure|relief|results?|fix|remission)\b",
        "Ketamine eases symptoms for some people, but the benefit usually fades within days "
        "to weeks; it is not a cure and many people need further treatment.",
    ),
    _rule(
        r"\b(?:increas(?:e|es|ed|ing)|boost(?:s|ed|ing)?|rais(?:e|es|ed|ing)) "
        r"(?:the |your )?(?:brain'?s? )?glutamate(?: levels?)?\b",
        "Researchers think ketamine works partly by changing glutamate signalling, but the "
        "exact mechanism is not known; it does not simply raise glutamate levels.",
    ),
    _rule(
        r"\bglutamate (?:deficiency|deficit|shortage|imbalance)\b"
        r"|\b(?:low|lower|reduced|depleted|deficient) (?:levels of )?glutamate\b",
        "Brain-scan studies of glutamate in depression disagree, and no clinical test "
        "measures a glutamate deficiency.",
    ),
    _rule(
        r"\b(?:fewer|less|milder) side[- ]effects than (?:other |traditional |standard |oral )?"
        r"(?:antidepressants?|ssris?|medications?|medicines?)\b",
        "The side effects are different, not simply fewer: dissociation, sedation and raised "
        "blood pressure are common after a dose.",
    ),
    _rule(
        r"\b(?:no|zero|without(?: any)?) (?:known )?side[- ]effects\b",
        "Every form of ketamine has common side effects, such as dissociation, dizziness, "
        "nausea, sedation and raised blood pressure.",
    ),
    _rule(
        "|".join(
            (
                _KETAMINE + r" (?:is|are|was|has been) (?:now )?" + _APPROVED + _FOR_PSYCHIATRIC,
                r"\bfda[- ]approved (?:iv |intravenous |generic )?" + _KETAMINE + _FOR_PSYCHIATRIC,
                r"\bfda (?:has )?approved " + _KETAMINE + _FOR_PSYCHIATRIC,
                r"\bfda[- ]approved (?:oral|compounded|at[- ]home|sublingual) ketamine\b",
            )
        ),
        "Only esketamine (Spravato) is FDA-approved for depression; generic ketamine is "
        "approved as an anesthetic and its psychiatric use is off-label.",
    ),
    _rule(
        r"\bguarantee(?:s|d)? (?:(?:that )?(?:it|you|ketamine|treatment) will )?"
        r"(?:results?|relief|success|improvement|remission|recovery|work|help|feel better)\b"
        r"|\b(?:results?|relief|success|improvement|remission|recovery) (?:is |are )?guaranteed\b",
        "No treatment works for everyone: in trials, many people did not respond to ketamine.",
    ),
    _rule(
        r"\b100 ?(?:%|percent)(?= (?:effective|success|safe|response|remission|results?|of "
        r"(?:patients|people|clients)))|\b(?:success|response|remission) rate of 100\b",
        "No treatment works for everyone: in trials, many people did not respond to ketamine.",
    ),
    _rule(
        r"\$? ?\d[\d.,]* ?(?:billion|trillion)\b",
        "Market-size figures are paid industry forecasts that disagree widely, and they say "
        "nothing about whether a treatment helps.",
    ),
    _rule(
        r"\b(?:rebuilds?|regrows?|rewires?|repairs?|heals?) (?:the |your )?brain\b",
        "New connections between nerve cells have been seen in animal studies; evidence in "
        "people is indirect.",
    ),
    _rule(
        r"\b(?:instant|immediate) relief\b",
        "Some people improve within hours, but not everyone responds and a single dose's "
        "benefit fades within days.",
    ),
    _rule(
        r"\b(?:ketamine|esketamine|spravato|it|infusions?|treatment) "
        r"(?:can |will |helps? (?:to )?)?prevents? suicide\b",
        "Neither ketamine nor esketamine has been shown to prevent suicide.",
    ),
    _rule(
        r"\bnew (?:kind|class|type) of antidepressants?\b"
        r"|\bfirst (?:\w+ ){0,3}?antidepressants? (?:with|to have|to show) (?:proven )?(?:fast|rapid)",
        "Generic ketamine is not an FDA-approved antidepressant; only esketamine is approved "
        "for depression, and where these drugs fit among other treatments is not settled.",
    ),
    _rule(
        r"\b(?:get|gets|getting|got|gotten) well\b",
        "Remission in a trial means a depression score below a set cut-off at one time point, "
        "not recovery; many people who respond relapse within weeks.",
    ),
    _rule(
        r"\bask (?:the|your) (?:clinic|doctor|provider|prescriber|care team) when "
        r"(?:it is|it's|you are|you're) (?:safe|ok|okay|fine|able) (?:for you )?to drive\b"
        r"|\b(?:you can|you may|you are free to|safe to|able to) drive (?:yourself )?home\b",
        "After esketamine, no driving or operating machinery until the next day, after a "
        "restful night's sleep; after generic ketamine, not for at least 24 hours. Someone "
        "else must take you home.",
    ),
    _rule(
        r"\bnot (?:yet )?confirmed\b|\bunconfirmed\b|\bcould not (?:yet )?confirm\b"
        r"|\bnot yet (?:checked|verified)\b",
        "A statement whose source has not been checked is left out, not published with a caveat.",
    ),
    _rule(
        r"\bsudden suicidal (?:thoughts?|ideation|behaviou?rs?|actions?)\b",
        "The esketamine label says acute suicidal ideation or behavior.",
    ),
    _rule(
        r"\b(?:some|a few) (?:people|patients) (?:do not|don't|may not) (?:improve|respond)\b",
        "In the large trials, about half or more of the people treated did not respond or did "
        "not reach remission.",
    ),
)


def find_overstatements(text: str) -> list[Overstatement]:
    """Every unsupported claim in ``text``, in reading order.

    Where two rules match overlapping words, only the first match is kept, so a
    single phrase is reported once.
    """
    hits = sorted(
        (
            (Overstatement(match.start(), match.group(0), rule.why), match.end())
            for rule in _RULES
            for match in rule.pattern.finditer(text)
        ),
        key=lambda hit: (hit[0].offset, -hit[1]),
    )
    found: list[Overstatement] = []
    covered_until = 0
    for hit, end in hits:
        if hit.offset >= covered_until:
            found.append(hit)
            covered_until = end
    return found
