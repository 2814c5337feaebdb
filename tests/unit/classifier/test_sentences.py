from __future__ import annotations

from streams.classifier.sentences import iter_sentence_spans


def test_abbreviations_do_not_split() -> None:
    text = "The U.S. envoy met Gen. Smith on Jan. 5 in Seoul. Talks ended. Next?\nNew line"
    pieces = [text[s:e].strip() for s, e in iter_sentence_spans(text)]
    assert pieces == ["The U.S. envoy met Gen. Smith on Jan. 5 in Seoul.", "Talks ended.", "Next?", "New line"]


def test_start_and_end_offsets() -> None:
    text = "Title here\n\nBody one. Body two. Body three."
    spans = list(iter_sentence_spans(text, 12))
    assert spans[0][0] == 12 and len(spans) == 3
    cut = text.index(" Body three")
    assert list(iter_sentence_spans(text, 12, cut)) == [spans[0], (spans[1][0], cut)]


def test_colon_and_newline_breaks() -> None:
    text = "Warning: The talks failed.\n\n  Next day\nit rained"
    assert [text[s:e].strip() for s, e in iter_sentence_spans(text)] == [
        "Warning:",
        "The talks failed.",
        "Next day",
        "it rained",
    ]


def test_lazy() -> None:
    spans = iter_sentence_spans("One. Two. " * 10_000)
    assert next(spans) == (0, 5)
