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


def assert_headline_events(clf: Classifier, cases: dict[str, str]) -> None:
    """Each headline, classified alone, has its expected event type."""
    for title, expected in cases.items():
        assert clf.analyse(title, "").event_type == expected, title


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
    assert_headline_events(clf, cases)
    assert clf.analyse("", "Seoul alleged that Pyongyang hacked its banks.").event_type == "ACCUSE"


def test_watch_floor_actions_of_recent_years(clf: Classifier) -> None:
    """Actions common in current reporting that the PLOVER examples rarely word this way."""
    cases = {
        # Shows of force: deployments (numbers included), scrambles, sightings of military assets.
        "Mexico deploys 10,000 troops to its northern border": "MOBILIZE",
        "Britain sends aircraft carrier strike group to the Indo-Pacific": "MOBILIZE",
        "Japan scrambles fighter jets as Russian bombers approach": "MOBILIZE",
        "Taiwan spots 27 Chinese warplanes around the island": "MOBILIZE",
        "Chinese warships sail near Australia's coast": "MOBILIZE",
        # Police or peacekeepers sent abroad are protection, not a show of force.
        "Kenya sends 400 police officers to Haiti": "AID",
        "The United States approved a $2 billion arms package for Taiwan.": "AID",
        "Argentina secures $20 billion loan from the IMF as Milei courts US support": "AID",
        # Restrictions on movement and trade.
        "Finland closes all border crossings with Russia": "COERCE",
        "Chinese coast guard uses water cannon against Philippine boats": "COERCE",
        "Netanyahu says the army will take over Gaza City": "COERCE",
        "China restricts exports of rare earths to the United States": "SANCTION",
        "India bans Pakistani-flagged ships from its ports": "SANCTION",
        "Canada closes its embassy in Tehran": "SANCTION",
        # Fire exchanged and targets hit.
        "Thai and Cambodian troops exchange fire along the border": "ASSAULT",
        "Turkish jets hit militant hideouts in northern Iraq": "ASSAULT",
        "Russia strikes Kharkiv with glide bombs and drones": "ASSAULT",
        "Hezbollah fires rockets at northern Israel": "ASSAULT",
        "Chinese coast guard vessel rammed a Philippine supply boat": "ASSAULT",
        "Romania shoots down drone that crossed from Ukraine": "ASSAULT",
        "North Korea fires missiles into the sea off its east coast": "MOBILIZE",
        # De-escalation, refusal in the negative, recognition.
        "South Korea halts propaganda broadcasts along the border": "RETREAT",
        "Serbia will not impose sanctions on Russia, Vucic says": "REJECT",
        "The Kremlin dismissed the European peace proposals as unrealistic": "REJECT",
        # A government's protest is diplomatic (CAMEO 111); PROTEST is for crowds.
        "Japan protested to China over the detention of its national": "ACCUSE",
        "Seoul lodged a strong protest with Tokyo over the textbook": "ACCUSE",
        "Thousands protest in Belgrade against the government": "PROTEST",
        "France formally recognises the State of Palestine": "SUPPORT",
    }
    assert_headline_events(clf, cases)


def test_headline_event_outweighs_later_reactions(clf: Classifier) -> None:
    """The headline names the main event; a reaction in the story's third sentence does not replace it."""
    a = clf.analyse(
        "India and Pakistan agree to ceasefire after days of strikes",
        "India and Pakistan agreed on Saturday to a ceasefire, following US mediation. Trump announced the deal. "
        "Hours later, India accused Pakistan of violating the truce.",
    )
    assert a.event_type == "AGREE", a.explanation
    b = clf.analyse(
        "Russia pounds Ukraine's power grid ahead of winter",
        "Russia launched 450 drones and 45 missiles at Ukraine overnight, officials said. "
        "Zelenskyy called on allies to speed up deliveries of air defence systems.",
    )
    assert b.event_type == "ASSAULT", b.explanation
    # With no cue in the headline, the story's sentences decide.
    c = clf.analyse("Tensions on the peninsula", "North Korea accused South Korea of sending drones to Pyongyang.")
    assert c.event_type == "ACCUSE", c.explanation


def test_headline_reaction_clause_ranks_below_the_main_clause(clf: Classifier) -> None:
    cases = {
        "US approves $2.3 billion air defence sale to Taiwan; China lodges protest": "AID",
        "N. Korea fires ballistic missile toward Sea of Japan, Tokyo lodges protest": "MOBILIZE",
        "Zelenskyy asks Trump for Tomahawk missiles; Kremlin warns of escalation": "REQUEST",
        # A comma after a short list of subjects, or before a verb of the same subject, opens no reaction clause.
        "Russia, Ukraine swap 185 prisoners each in UAE-brokered exchange": "CONCEDE",
        "Kim Jong Un hosts Putin in Pyongyang, signs mutual defence treaty": "AGREE",
    }
    assert_headline_events(clf, cases)
    # With nothing in the main clause, the reaction still names the event.
    assert clf.analyse("Hours after the vote; China protests to Japan", "").event_type == "ACCUSE"


def test_sports_story_has_no_interstate_event(clf: Classifier) -> None:
    a = clf.analyse(
        "England beat France 2-1 to reach World Cup semi-final",
        "Harry Kane scored twice as England beat France 2-1 in the quarter-final on Saturday. The striker's second "
        "goal came in stoppage time, and France's head coach blamed the referee.",
    )
    assert a.event_type == "NONE" and a.dyads == [], a.explanation
    assert "sports" in a.topics and any("sports story" in e for e in a.explanation)
    # Politics around a tournament is still politics.
    b = clf.analyse(
        "Ukraine calls for Russia's ban from the World Cup",
        "Ukraine urged FIFA to keep Russia out of the tournament while its troops occupy Ukrainian territory and its "
        "missiles strike Ukrainian cities.",
    )
    assert b.event_type == "REQUEST" and b.dyad_keys == ["RUS-UKR"], b.explanation


def test_stated_intent_to_use_force_is_a_threat(clf: Classifier) -> None:
    assert clf.analyse("Trump says US will strike Iran if talks fail", "").event_type == "THREATEN"
    assert clf.analyse("", "Israel would attack again if Iran rebuilt the site, Netanyahu said.").event_type == (
        "THREATEN"
    )


def test_sanctions_packages(clf: Classifier) -> None:
    assert clf.analyse("EU agrees 19th sanctions package against Russia", "").event_type == "SANCTION"


def test_more_recent_wire_wording(clf: Classifier) -> None:
    cases = {
        "Israel pulls troops from hilltop post in south Lebanon": "RETREAT",
        "US forces leave Iraq's Ain al-Asad base": "RETREAT",
        "Chinese coast guard blocks Philippine supply ships near Scarborough Shoal": "COERCE",
        "US adds 26 Chinese firms to trade blacklist": "SANCTION",
        "Mexico sends 37 more cartel suspects to the United States": "COOPERATE",
        "Paraguay's president reaffirms Taiwan ties on Taipei visit": "SUPPORT",
        "South Korea, the US and Japan begin trilateral Freedom Edge exercise": "COOPERATE",
        # "strike" is a labour protest only in its context; jets striking a port is an attack.
        "Israeli jets strike Houthi-held Hodeidah port": "ASSAULT",
        "Belgian dock workers went on strike over pension cuts": "PROTEST",
        # To demonstrate resolve is no demonstration.
        "Japan and the US held joint drills that demonstrate their resolve": "COOPERATE",
    }
    assert_headline_events(clf, cases)


def test_context_after_amid_is_not_the_event(clf: Classifier) -> None:
    a = clf.analyse("", "Poland summoned the Belarusian ambassador amid reports of attacks on border guards.")
    assert a.event_type == "ACCUSE", a.explanation


def test_no_actor_means_none(clf: Classifier) -> None:
    a = clf.analyse("Disney sues Midjourney", "Disney and Universal sue Midjourney for copyright infringement.")
    assert a.event_type == "NONE" and a.quad_class == 0


def test_every_type_has_cues() -> None:
    types = {c.event_type for c in load_cues().cues.values()}
    assert types == set(QUAD_OF) - {"NONE"}
