from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from streams.classifier.text_cleaning import MAX_INPUT_CHARS, MAX_TITLE_CHARS, clean, lower_same_length, prepare


@given(st.text(max_size=300))
def test_clean_and_lower_keep_length(text: str) -> None:
    assert len(clean(text)) == len(text)
    assert len(lower_same_length(text)) == len(text)


def test_markup_entities_and_controls_become_spaces() -> None:
    raw = "<p>North&nbsp;Korea</p>\x00\x07<script>alert('Japan')</script>"
    out = clean(raw)
    assert "<" not in out and "&nbsp;" not in out and "\x00" not in out and "Japan" not in out
    assert out.index("North") == raw.index("North")


def test_curly_quotes_and_dashes_are_ascii() -> None:
    assert clean("Korea’s “talks” – now") == 'Korea\'s "talks" - now'


def test_turkish_dotted_i_keeps_offsets() -> None:
    assert lower_same_length("İstanbul Türkiye").endswith("türkiye")


def test_prepare_joins_title_and_text_and_caps() -> None:
    prep = prepare("Title", "body")
    assert prep.original == "Title\n\nbody" and prep.title_end == 5 and not prep.truncated
    big = prepare("t" * (MAX_TITLE_CHARS + 5), "x" * (MAX_INPUT_CHARS + 10))
    assert big.truncated and len(big.cleaned) == MAX_TITLE_CHARS + 2 + MAX_INPUT_CHARS


def test_prepare_tolerates_none() -> None:
    prep = prepare(None, None)  # type: ignore[arg-type]
    assert prep.original == "\n\n" and not prep.truncated
