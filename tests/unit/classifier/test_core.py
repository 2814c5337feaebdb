"""The public API contract and bad input: never an exception, offsets into title + "\\n\\n" + text."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.event import ClassifiedEvent
from streams.classifier import CLASSIFIER_VERSION, MAX_INPUT_CHARS, Classifier, get_classifier


def test_public_api(clf: Classifier) -> None:
    assert get_classifier() is get_classifier()
    e = clf.classify("Kim meets Putin", "North Korea's Kim Jong Un met Vladimir Putin in Moscow.", article_id="a-1")
    assert isinstance(e, ClassifiedEvent)
    assert e.article_id == "a-1" and e.classifier_version == CLASSIFIER_VERSION
    assert e.actor_codes[:2] in (["PRK", "RUS"], ["RUS", "PRK"])
    assert e.dyad_keys == ["PRK-RUS"]
    assert e.published_at.tzinfo is not None
    assert ClassifiedEvent.from_bytes(e.to_bytes()) == e


def test_spans_point_into_title_and_text(clf: Classifier) -> None:
    title, text = "Seoul protests", "South Korea’s foreign ministry summoned Japan’s ambassador."
    full = title + "\n\n" + text
    e = clf.classify(title, text)
    for actor in e.actors:
        for start, end in actor.spans:
            assert full[start:end].replace("’", "'") in {a.replace("’", "'") for a in actor.aliases} | {full[start:end]}
    kor = next(a for a in e.actors if a.code == "KOR")
    assert full[kor.spans[0][0] : kor.spans[0][1]] == "Seoul"


def test_snippet_and_published_at(clf: Classifier) -> None:
    when = datetime(2025, 6, 9, 12, 0)
    e = clf.classify("", "word " * 200, published_at=when)
    assert len(e.snippet) <= 300 and e.published_at == when.replace(tzinfo=UTC)


def test_empty_and_whitespace(clf: Classifier) -> None:
    for title, text in (("", ""), ("   ", "\n\n\t"), ("", "\x00\x01\x02")):
        e = clf.classify(title, text)
        assert e.actors == [] and e.event_type.value == "NONE" and e.quad_class == 0


def test_five_megabytes_is_truncated_and_explained(clf: Classifier) -> None:
    text = ("Russia shelled Ukraine again. " * 180_000)[:5_000_000]
    e = clf.classify("Big", text)
    assert e.truncated is True
    assert any("truncated" in line and str(MAX_INPUT_CHARS) in line for line in e.explanation)
    assert "RUS-UKR" in e.dyad_keys


def test_html_emoji_mixed_scripts_and_controls(clf: Classifier) -> None:
    html = "<html><body><p>Iran&nbsp;<b>accused</b> Israel</p><script>var x='Japan';</script></body></html>"
    e = clf.classify("<h1>News</h1>", html)
    assert sorted(e.actor_codes) == ["IRN", "ISR"] and e.event_type.value == "ACCUSE"
    e2 = clf.classify("🔥 Breaking 🔥", "Россия и Китай — Russia and China 🤝 signed a deal. 日本 \u202e\u200b\x7f")
    assert {"RUS", "CHN"} <= set(e2.actor_codes)


def test_bad_metadata_is_sanitised(clf: Classifier) -> None:
    e = clf.classify("t", "Chad", article_id="bad id/with spaces", source="s" * 500, url="http://x/" + "a" * 3000)
    assert e.article_id == "bad_id_with_spaces" and len(e.source) == 200 and len(e.url or "") == 2048


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.text(max_size=200), text=st.text(max_size=2000))
def test_never_raises(title: str, text: str) -> None:
    e = get_classifier().classify(title, text)
    full_len = len(title) + 2 + len(text)
    for actor in e.actors:
        assert all(0 <= s < t <= full_len for s, t in actor.spans)
