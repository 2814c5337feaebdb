"""The word lists the actor and reporter rules read, from ``data/rule_words.yaml``: what an analyst tunes lives in
data, the grammar around it (where a list is looked for, what must follow) in the rules' code."""

from __future__ import annotations

from functools import lru_cache

import yaml

from streams.classifier.native import DATA_DIR

RULE_WORDS_FILE = DATA_DIR / "rule_words.yaml"


@lru_cache(maxsize=1)
def _lists() -> dict[str, list[str]]:
    data = yaml.safe_load(RULE_WORDS_FILE.read_text(encoding="utf-8"))
    return {name: [str(word) for word in words] for name, words in data.items()}


def words(name: str) -> list[str]:
    """The list ``name`` of the data file, in file order."""
    return _lists()[name]


def alternation(name: str) -> str:
    """The list ``name`` as a regex alternation (its entries are fragments or plain words), without a group."""
    return "|".join(words(name))
