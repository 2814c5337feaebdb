"""The CAMEO lexicon is searched only when no hand cue counts, and only where a lexicon cue can still reach the
minimum score: the cue chosen must be the one a scan of every cue over the whole cue range would choose."""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path

from streams.classifier import Classifier
from streams.classifier.event_types import (
    LEXICON_PREFIX,
    RANK_PENALTY,
    CueHit,
    choose,
    cue_patterns,
    cue_range,
    find_cues,
    governing_cue,
    lexicon_windows,
    title_regions,
)
from streams.classifier.keyword_scanner import KeywordScanner
from streams.classifier.sentences import iter_sentence_spans
from streams.classifier.text_cleaning import prepare

PROJECT_EVAL = Path(__file__).resolve().parents[3] / "eval"


def _rows(shared: Path) -> list[tuple[str, str]]:
    rows = []
    files = [shared / "eval" / "plover_dev.jsonl", shared / "eval" / "reuters_dev.jsonl", *PROJECT_EVAL.glob("*.jsonl")]
    for path in files:
        with path.open(encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if "reuters" not in path.name or i % 4 == 0:
                    row = json.loads(line)
                    rows.append((row.get("title") or "", row.get("text") or ""))
    return rows


def _key(hit: CueHit | None) -> tuple[str, int, int, float] | None:
    return None if hit is None else (hit.cue.name, hit.start, hit.end, hit.score)


def test_lexicon_search_chooses_what_a_scan_of_every_cue_chooses(shared: Path, clf: Classifier) -> None:
    everywhere = KeywordScanner(cue_patterns(clf.cues.cues))
    from_lexicon = 0
    for title, text in _rows(shared):
        prep = prepare(title, text)
        # The headline's clauses and the first three body sentences, as the classifier's cue regions.
        regions = title_regions(prep.cleaned[: prep.title_end]) if prep.title_end else []
        sentences = islice(iter_sentence_spans(prep.cleaned, prep.body_start), 3)
        regions += [(start, end, -RANK_PENALTY * rank) for rank, (start, end) in enumerate(sentences)]
        if not regions:
            continue
        lo, hi = cue_range(regions)
        hand = clf.scanner.scan_zones(prep.lower, [(lo, hi), (0, 0)])[0]
        got = governing_cue(prep.lower, regions, clf.cues, hand, clf.lexicon_scanner, clf.lexicon_weight)
        want = choose(find_cues(prep.lower, regions, clf.cues, everywhere.scan(prep.lower, lo, hi)))
        assert _key(got) == _key(want), (title, text[:200])
        from_lexicon += got is not None and got.cue.name.startswith(LEXICON_PREFIX)
    assert from_lexicon >= 100, "the lexicon path must be exercised"


def test_lexicon_windows_cover_where_a_lexicon_cue_can_count() -> None:
    # Headline bonus 2.0: (4.3 + 2.0 - 3.3) / 0.015 = 200 characters; lead sentence: 66; a reaction clause: none.
    assert lexicon_windows([(0, 500, 2.0), (510, 900, 0.0)], 4.3) == [(0, 202), (510, 578)]
    assert lexicon_windows([(0, 40, -2.5)], 4.3) == []
    assert lexicon_windows([(0, 30, 2.0), (31, 90, 0.0)], 4.3) == [(0, 30), (31, 90)]
