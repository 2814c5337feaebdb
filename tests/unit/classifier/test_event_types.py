"""Each of the 16 PLOVER types and NONE on a realistic news sentence, with its quad class and intensity sign."""

from __future__ import annotations

import pytest

from streams.classifier import Classifier
from streams.classifier.event_types import QUAD_OF, load_cues

CASES = {
    "AGREE": "Japan and South Korea agreed on Monday to resume regular shuttle diplomacy between their leaders.",
    "CONSULT": "Chinese Foreign Minister Wang Yi held talks with his Russian counterpart Sergei Lavrov in Beijing.",
    "SUPPORT": "The French president praised Ukraine for its courage and pledged continued political backing.",
    "CONCEDE": "Venezuela released six detained Americans on Saturday in a goodwill gesture.",
    "COOPERATE": "Israeli intelligence officials shared evidence with the United States about the plot.",
    "AID": "Germany provided Ukraine with additional air-defence systems, the defence ministry said.",
    "RETREAT": "Russia began withdrawing its troops from the Kherson region of Ukraine on Wednesday.",
    "REQUEST": "The United States urged China to use its influence over North Korea to curb missile launches.",
    "ACCUSE": "Iran accused Israel of carrying out the sabotage attack on its Natanz nuclear facility.",
    "REJECT": "North Korea rejected a South Korean offer of humanitarian aid on Thursday.",
    "THREATEN": "Russia threatened to cut gas supplies to Moldova unless it pays its debts.",
    "PROTEST": "Thousands of Armenians demonstrated outside parliament in Yerevan to demand the premier's resignation.",
    "SANCTION": "The United States imposed new sanctions on Iranian oil exports on Friday.",
    "MOBILIZE": "Britain mobilized army reservists for a possible war against Iraq.",
    "COERCE": "Chinese authorities detained two Canadian citizens on spying charges.",
    "ASSAULT": "Russian missiles struck energy facilities across Ukraine overnight, killing at least five people.",
    "NONE": "Brazil's central bank kept its benchmark interest rate unchanged at its policy meeting.",
}


@pytest.mark.parametrize(("expected", "sentence"), CASES.items())
def test_event_type(clf: Classifier, expected: str, sentence: str) -> None:
    a = clf.analyse("", sentence)
    assert a.event_type == expected, a.explanation
    assert a.quad_class == int(QUAD_OF[expected])
    if a.quad_class in (1, 2):
        assert a.intensity > 0
    elif a.quad_class in (3, 4):
        assert a.intensity < 0
    else:
        assert a.intensity == 0


def test_precedence_threat_over_governed_verb(clf: Classifier) -> None:
    assert clf.analyse("", "Israel threatened to ban voting in East Jerusalem.").event_type == "THREATEN"
    assert clf.analyse("", "Pakistan has refused to deploy peacekeepers in Iraq.").event_type == "REJECT"
    assert clf.analyse("", "Hungary said it will support the plan.").event_type == "AGREE"


def test_weapons_tests_and_airspace_incursions_are_shows_of_force(clf: Classifier) -> None:
    for title in (
        "Kim Jong Un oversees test of new hypersonic missile",
        "North Korea conducts nuclear test",
        "Russian drones violate Polish airspace; NATO jets scrambled",
    ):
        assert clf.analyse(title, "").event_type == "MOBILIZE", title


def test_modern_conflict_wording(clf: Classifier) -> None:
    cases = {
        "Ukraine strikes Russian oil refinery with long-range drones": "ASSAULT",
        "Russia launches massive missile barrage on Kyiv": "ASSAULT",
        "Israel and Iran exchange strikes as conflict escalates": "ASSAULT",
        # "alleged" before a noun qualifies it; it is no accusation.
        "US Navy destroys alleged drug boat off Venezuela, killing 11": "ASSAULT",
        "Pyongyang fires ballistic missile into the East Sea, Seoul's military says": "MOBILIZE",
        "China imposes export controls on rare earths in response to US chip curbs": "SANCTION",
        "China holds large-scale drills around Taiwan": "MOBILIZE",
        "U.S. and Japan hold joint drills in the East China Sea": "COOPERATE",
        "Russia, Ukraine swap hundreds of prisoners": "CONCEDE",
    }
    for title, expected in cases.items():
        assert clf.analyse(title, "").event_type == expected, title
    assert clf.analyse("", "Seoul alleged that Pyongyang hacked its banks.").event_type == "ACCUSE"


def test_no_actor_means_none(clf: Classifier) -> None:
    a = clf.analyse("Disney sues Midjourney", "Disney and Universal sue Midjourney for copyright infringement.")
    assert a.event_type == "NONE" and a.quad_class == 0


def test_every_type_has_cues() -> None:
    types = {c.event_type for c in load_cues().cues.values()}
    assert types == set(QUAD_OF) - {"NONE"}
