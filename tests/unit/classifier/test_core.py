"""The public API contract and bad input: never an exception, offsets into title + "\\n\\n" + text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

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


def _assert_valid(e: ClassifiedEvent) -> None:
    """classify builds the payload without validation: what it builds must validate to the same thing."""
    again = ClassifiedEvent.model_validate_json(e.model_dump_json())
    assert again == e and again.model_dump_json() == e.model_dump_json()
    assert again.model_fields_set == e.model_fields_set
    assert again.model_dump() == e.model_dump()
    assert ClassifiedEvent.model_validate(e.model_dump()) == e


def test_constructed_payload_validates(clf: Classifier) -> None:
    plus_two = timezone(timedelta(hours=2))
    cases = [
        ("Kim meets Putin", "North Korea's Kim Jong Un met Vladimir Putin in Moscow.", None),
        ("Russia shelled Ukraine", "Russia shelled Ukraine and accused NATO. " * 40, datetime(2024, 2, 1, 1, 0)),
        (
            "  Iran  accuses \n Israel ",
            "Iran accused Israel, the U.S. and Britain, Reuters said.",
            datetime.now(plus_two),
        ),
        ("", "Acme Inc said profits rose 5 dlrs a share.", datetime(1987, 3, 1, tzinfo=UTC)),
        ("t" * 1500, "x" * 10, None),
        ("", "", None),
    ]
    for title, text, when in cases:
        e = clf.classify(
            title, text, article_id="a b/c" * 40, source="s" * 300, url="http://x/" + "y" * 3000, published_at=when
        )
        _assert_valid(e)
        assert e.published_at.utcoffset() == timedelta(0)
    local = clf.classify("t", "Chad", published_at=datetime(2025, 1, 1, 1, 30, tzinfo=plus_two))
    assert local.published_at == datetime(2024, 12, 31, 23, 30, tzinfo=UTC)


_WORDS = st.sampled_from(
    [
        "Russia",
        "Ukraine",
        "U.S.",
        "China",
        "Korea",
        "Georgia",
        "Washington",
        "Turkey",
        "Jordan",
        "said",
        "accused",
        "threatened",
        "talks",
        "in",
        "Geneva",
        ",",
        ".",
        "\n",
        "Reuters",
        "the",
        "and",
        "-",
        "Inc",
        "news agency",
        "İ",
        "é",
    ]
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=st.text(max_size=120),
    text=st.lists(_WORDS | st.text(max_size=12), max_size=150).map(" ".join),
    article_id=st.text(max_size=140),
)
def test_constructed_payload_validates_on_any_text(title: str, text: str, article_id: str) -> None:
    _assert_valid(get_classifier().classify(title, text, article_id=article_id, source=article_id))


def test_title_and_snippet_are_clean_single_lines(clf: Classifier) -> None:
    e = clf.classify("  Iran\taccuses <b>Israel</b> ", "Iran&nbsp;accused\n\n  Israel " + "word " * 300)
    assert e.title == "Iran accuses Israel"
    assert e.snippet.startswith("Iran accused Israel word word") and len(e.snippet) == 300
    assert clf.classify(None, None).snippet == ""  # type: ignore[arg-type]
