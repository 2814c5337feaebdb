from __future__ import annotations

from streams.classifier import Classifier


def dyads(clf: Classifier, text: str, title: str = "") -> list[tuple[str, str | None, str | None]]:
    return [(d.dyad, d.source, d.target) for d in clf.analyse(title, text).dyads]


def test_subject_acts_on_object(clf: Classifier) -> None:
    assert dyads(clf, "North Korea launched over 300 trash balloons toward South Korea.") == [("KOR-PRK", "PRK", "KOR")]


def test_passive_voice_reverses_direction(clf: Classifier) -> None:
    assert dyads(clf, "A camp for Congolese refugees was attacked by Burundian militiamen.") == [
        ("BDI-COD", "BDI", "COD")
    ]


def test_coordinated_states_make_no_dyad_with_each_other(clf: Classifier) -> None:
    assert dyads(clf, "The United States and Jordan agreed on a new free-trade pact.") == []
    got = {d for d, _, _ in dyads(clf, "The U.S., South Korea and Japan condemned North Korea.")}
    assert got == {"PRK-USA", "KOR-PRK", "JPN-PRK"}


def test_coordinated_states_acting_on_each_other_make_a_dyad(clf: Classifier) -> None:
    """Reciprocal wording pairs a coordinated group, without a direction: neither side alone is the source."""
    assert dyads(clf, "Thailand and Cambodia exchanged fire along the disputed border.") == [("KHM-THA", None, None)]
    assert dyads(clf, "", "India and Pakistan trade accusations after attack") == [("IND-PAK", None, None)]
    assert [d for d, _, _ in dyads(clf, "The war between Russia and Ukraine entered its fourth year.")] == ["RUS-UKR"]
    assert [d for d, _, _ in dyads(clf, "", "Saudi Arabia and Pakistan sign mutual defence pact")] == ["PAK-SAU"]
    assert dyads(clf, "", "Trump and Putin hold summit in Alaska") == [("RUS-USA", None, None)]
    assert dyads(clf, "", "Russia, Ukraine swap hundreds of prisoners") == [("RUS-UKR", None, None)]
    # The subject group pairs within itself even when the sentence names another state.
    got = [d for d, _, _ in dyads(clf, "", "Armenia and Azerbaijan initial peace deal at White House")]
    assert got[0] == "ARM-AZE" and set(got) == {"ARM-AZE", "ARM-USA", "AZE-USA"}
    # A reciprocal phrase in a subordinate clause is background, not the sentence's event.
    text = "Ethiopia agreed to admit UN peacekeepers, who oversee a ceasefire between Ethiopia and Eritrea."
    assert dyads(clf, text) == []


def test_mediator_pairs_with_each_party_not_parties_with_each_other(clf: Classifier) -> None:
    got = {d for d, _, _ in dyads(clf, "Qatar launched a mediation effort between the Emirates and Saudi Arabia.")}
    assert got == {"ARE-QAT", "QAT-SAU"}


def test_bystander_in_subordinate_clause_is_not_paired(clf: Classifier) -> None:
    got = {
        d for d, _, _ in dyads(clf, "North Korea expelled inspectors after U.S. officials alleged a secret program.")
    }
    assert got == set()


def test_fronted_participle_headline_puts_object_first(clf: Classifier) -> None:
    got = dyads(clf, "", "Blasting North Korea: U.S., Japan Take a Stand")
    assert {(d, s, t) for d, s, t in got} == {("PRK-USA", "USA", "PRK"), ("JPN-PRK", "JPN", "PRK")}


def test_hyphenated_pair_is_a_dyad(clf: Classifier) -> None:
    assert [d for d, _, _ in dyads(clf, "Officials praised US-China relations.")] == ["CHN-USA"]


def test_keys_are_sorted_and_primary_first(clf: Classifier) -> None:
    a = clf.analyse(
        "Russia and Ukraine trade blame",
        "Russia accused Ukraine of shelling the plant. Ukraine denied it. "
        "Later, Poland said it had protested to Moscow.",
    )
    assert a.dyad_keys[0] == "RUS-UKR"
    assert all(k == "-".join(sorted(k.split("-"))) for k in a.dyad_keys)


def test_headline_outweighs_body(clf: Classifier) -> None:
    a = clf.analyse("China warns Japan over remarks", "In other news, France criticised Spain over fishing quotas.")
    assert a.dyad_keys == ["CHN-JPN", "ESP-FRA"]
    assert a.dyads[0].weight > a.dyads[1].weight


def test_observed_state_acts_on_the_observer(clf: Classifier) -> None:
    assert dyads(clf, "", "Taiwan detects 30 Chinese military aircraft near the island") == [("CHN-TWN", "CHN", "TWN")]
    assert dyads(clf, "Japan's defence ministry tracked two Russian warships through the Tsushima Strait.") == [
        ("JPN-RUS", "RUS", "JPN")
    ]


def test_giver_acts_on_the_recipient(clf: Classifier) -> None:
    got = dyads(clf, "", "Argentina's Milei secures $20 billion swap line from the US Treasury")
    assert got == [("ARG-USA", "USA", "ARG")]
    # Without "from", the earlier state still acts.
    assert dyads(clf, "", "Argentina secures its border with Bolivia") == [("ARG-BOL", "ARG", "BOL")]


def test_ceasefire_and_joint_drills_pair_the_parties(clf: Classifier) -> None:
    assert [d for d, _, _ in dyads(clf, "", "India and Pakistan agree to ceasefire after four days of fighting")] == [
        "IND-PAK"
    ]
    assert [d for d, _, _ in dyads(clf, "", "Russia and China hold joint naval drills in the Sea of Japan")] == [
        "CHN-RUS"
    ]


def test_hyphenated_pair_after_the_subject_is_its_object(clf: Classifier) -> None:
    got = dyads(clf, "", "Pyongyang condemns US-South Korea joint military exercises")
    assert {d for d, _, _ in got[:2]} == {"KOR-PRK", "PRK-USA"}
    assert all(s == "PRK" for d, s, _ in got[:2])


def test_headline_after_clause_pairs_with_the_subject_weakly(clf: Classifier) -> None:
    got = dyads(clf, "", "Japan scrambles jets after Russian bombers fly near its airspace")
    assert [d for d, _, _ in got] == ["JPN-RUS"]
    # In a body sentence the clause stays background (see test_bystander_in_subordinate_clause_is_not_paired).
    assert dyads(clf, "Japan scrambled jets after Russian bombers flew near its airspace.") == []


def test_a_pair_named_once_in_the_background_is_dropped(clf: Classifier) -> None:
    """A dyad needs 30 % of the primary's evidence: one late mention of two other states is background."""
    a = clf.analyse(
        "China launches large-scale drills around Taiwan",
        "China's military began drills around Taiwan on Monday, the Eastern Theater Command said. "
        "Taiwan condemned the drills as a provocation. Beijing said the drills were a warning to separatists. "
        "The drills followed Washington's approval in December of an arms package for Taipei.",
    )
    assert a.dyad_keys == ["CHN-TWN"], [(d.dyad, d.weight) for d in a.dyads]
