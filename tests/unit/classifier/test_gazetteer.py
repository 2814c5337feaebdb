from __future__ import annotations

from streams.classifier.gazetteer import get_gazetteer, is_acronym, normalise_key


def test_curated_names_demonyms_capitals_leaders_bodies_media() -> None:
    gaz = get_gazetteer()
    expected = {
        "North Korea": "PRK",
        "North Korean": "PRK",
        "Pyongyang": "PRK",
        "Kim Jong Un": "PRK",
        "KCNA": "PRK",
        "Rodong Sinmun": "PRK",
        "Kremlin": "RUS",
        "Putin": "RUS",
        "Pentagon": "USA",
        "Blue House": "KOR",
        "Lee Jae-myung": "KOR",
        "Takaichi": "JPN",
        "Xi Jinping": "CHN",
        "Zhongnanhai": "CHN",
        "Trump": "USA",
        "Türkiye": "TUR",
        "Turkiye": "TUR",
        "Côte d'Ivoire": "CIV",
        "Cote d'Ivoire": "CIV",
    }
    for alias, code in expected.items():
        entry = gaz.lookup(alias)
        assert entry is not None, alias
        assert entry.candidates[0].code == code, alias


def test_library_sources_are_merged() -> None:
    gaz = get_gazetteer()
    assert gaz.lookup("Burkina Faso").candidates[0].code == "BFA"  # pycountry / curated
    assert gaz.lookup("Ouagadougou").candidates[0].code == "BFA"  # capital
    assert gaz.sources["curated"] > 1000


def test_leader_dates_are_kept() -> None:
    entry = get_gazetteer().lookup("Yoon Suk Yeol")
    assert entry is not None and entry.candidates[0].end is not None and entry.candidates[0].end.year == 2025


def test_blocked_phrases_have_no_candidates() -> None:
    assert get_gazetteer().lookup("Korean Peninsula").candidates == ()
    assert get_gazetteer().lookup("Washington Post").candidates == ()


def test_acronyms() -> None:
    assert is_acronym("US") and is_acronym("U.S.") and is_acronym("DPRK")
    assert not is_acronym("Korea")
    assert normalise_key(" Korea’s ") == "korea's"
