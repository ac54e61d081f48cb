"""Wording rules shared by changelog and reference-page parsing.

Kept as data-like regexes in one place so a new phrasing seen on the site is a
one-line change with a test, not an edit scattered through parsers.
"""

from __future__ import annotations

import re

DEPRECATE_RE = re.compile(r"\bdeprecat(?:ed|es|e|ing|ion)\b|\bphas(?:ed|ing) out\b", re.I)
# "X is deprecated" said of something, as opposed to "the deprecated X" in passing.
DEPRECATE_PREDICATE_RE = re.compile(
    r"\b(?:is|are|was|were|been|be|now|marked(?: as)?)\s+(?:now\s+|being\s+)?deprecated\b"
    r"|^\W*deprecated\b|\bdeprecated\s+in\s+favou?r\b",
    re.I,
)
REMOVE_RE = re.compile(
    r"\b(?:removed|removes|removing|remove|removal|dropped|drops|deleted|retired|retires|"
    r"retire|retirement|sunset(?:ted|ting)?|discontinued|decommissioned|end[- ]of[- ]life|"
    r"no longer (?:be )?(?:supported|available|accepted|returned|sent|exists?|works?|valid))\b",
    re.I,
)
FUTURE_REMOVAL_RE = re.compile(
    r"\b(?:will|to|would|shall)\s+(?:be\s+)?(?:removed|retired|sunset|discontinued|deleted|"
    r"remove|retire|discontinue|stop|no longer)\b|\bscheduled for (?:removal|retirement)\b|"
    r"\b(?:planned|upcoming) (?:removal|retirement)\b",
    re.I,
)
HEDGE_RE = re.compile(
    r"\b(?:may|might|could|possibly|probably|likely|plan(?:s|ning|ned)? to|"
    r"intend(?:s|ing)? to|consider(?:s|ing)?|expect(?:s|ing)? to|eventually|"
    r"in (?:a|the) future(?: release| version)?|at some point|tentative(?:ly)?|"
    r"subject to change|not yet decided|evaluating)\b",
    re.I,
)
# Deprecation words that name a docs artefact, not an API change.
DECOY_RE = re.compile(
    r"\bdeprecat\w*(?:\s+[\w'-]+){0,2}?\s+(?:page|pages|policy|policies|guide|guides|"
    r"section|sections|docs?|documentation|list|tab|label|labels|badge|badges|banner|"
    r"notice|process|schedule|timeline|faq|sidebar|category|overview)\b",
    re.I,
)
# Clauses led by these verbs describe documentation or additions, not removals.
DOC_VERB_RE = re.compile(
    r"^\W*(?:fixed|fixes|fix|clarified|clarifies|corrected|improved|reworded|rewrote|"
    r"documented|reorgani[sz]ed|restructured|polished|expanded|tidied|formatted|moved|"
    r"renamed the (?:page|section|heading)|added|adds|introduced|introduces|new|launched|"
    r"released|now supports?|updated (?:the )?(?:docs|documentation|wording|description|"
    r"examples?|guide|page|readme|sidebar|navigation|changelog|quickstart|tutorial))\b",
    re.I,
)
# "Removed a duplicated row from ...": the thing removed is part of the docs.
DOC_REMOVAL_RE = re.compile(
    r"^\W*(?:removed|deleted|dropped)\s+(?:an?|the|some|two|several)?\s*(?:[\w-]+\s+){0,2}?"
    r"(?:rows?|tables?|examples?|samples?|links?|typos?|sections?|notes?|sentences?|"
    r"paragraphs?|screenshots?|images?|duplicates?|headings?|tabs?|snippets?)\b",
    re.I,
)
DOC_NOUN_RE = re.compile(
    r"\b(?:link|links|typo|typos|wording|example|examples|sample|samples|screenshot|"
    r"sidebar|navigation|page|pages|guide|tutorial|docs|documentation|heading|anchor|"
    r"formatting|section|sections|policy)\b",
    re.I,
)
REPLACEMENT_CUE_RE = re.compile(
    r"\b(?:in\s+favou?r\s+of|replaced\s+(?:by|with)|superseded\s+by|moved\s+to|"
    r"switch(?:ed)?\s+to|migrate\s+to|in\s+place\s+of\s+which\s+use|use\s+instead)\b"
    r"|(?:^|[.,;:(]\s*|\b(?:please|should|must|can|instead,?|and|now|we)\s+)use\b(?!\s+of\b)",
    re.I,
)
OBJECT_WORD_RE = re.compile(r"^\s*(?:object|model|schema|type|class|struct|resource)\b", re.I)
ENUM_WORD_RE = re.compile(r"\b(?:values?|enums?|enumerations?|options?)\b", re.I)
ENDPOINT_WORD_RE = re.compile(
    r"\b(?:endpoints?|operations?|api calls?|requests?|methods?|routes?)\b", re.I
)
_CHANGE_VERB = r"(?:removed|removes|deprecated|deprecates|dropped|retired|added|adds|introduced)\b"
CLAUSE_SPLIT_RE = re.compile(
    r"(?<!\be\.g\.)(?<!\bi\.e\.)(?<=[.;!?])\s+|\s+[—–]\s+"
    r"|,?\s+and\s+(?=" + _CHANGE_VERB + r")|,\s+(?=" + _CHANGE_VERB + r")"
    # A capitalised change verb mid-text starts a new (sub-)bullet: "Events API Removed ...".
    r"|\s+(?-i:(?=(?:Removed|Deprecated|Dropped|Retired|Added|Introduced)\b))",
    re.I,
)


def clauses(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence or ;-clause of ``text``."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for match in CLAUSE_SPLIT_RE.finditer(text):
        if match.start() > start:
            bounds.append((start, match.start()))
        start = match.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds
