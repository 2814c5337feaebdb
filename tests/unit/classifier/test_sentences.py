from __future__ import annotations

from streams.classifier.sentences import SentenceIndex, sentence_spans


def test_abbreviations_do_not_split() -> None:
    text = "The U.S. envoy met Gen. Smith on Jan. 5 in Seoul. Talks ended. Next?\nNew line"
    spans = sentence_spans(text)
    pieces = [text[s:e].strip() for s, e in spans]
    assert pieces == ["The U.S. envoy met Gen. Smith on Jan. 5 in Seoul.", "Talks ended.", "Next?", "New line"]


def test_index_maps_offsets() -> None:
    text = "One. Two. Three."
    idx = SentenceIndex(sentence_spans(text))
    assert [idx.of(text.index(w)) for w in ("One", "Two", "Three")] == [0, 1, 2]


def test_start_offset() -> None:
    text = "Title here\n\nBody one. Body two."
    spans = sentence_spans(text, 12)
    assert spans[0][0] == 12 and len(spans) == 2
