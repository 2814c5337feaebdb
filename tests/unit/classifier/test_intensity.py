from __future__ import annotations

from streams.classifier.intensity import cameo_table, intensity_for, type_defaults


def test_table_has_goldstein_for_every_type() -> None:
    defaults = type_defaults()
    assert len(defaults) == 16
    assert all(-10 <= v <= 10 for v in defaults.values())
    assert defaults["ASSAULT"] < defaults["THREATEN"] < 0 < defaults["CONSULT"] < defaults["AID"]


def test_cue_code_overrides_type_default() -> None:
    assert intensity_for("REQUEST", "020") == 3.0  # appeal
    assert intensity_for("REQUEST", "100") == -5.0  # demand
    assert intensity_for("NONE") == 0.0
    assert cameo_table()["190"][0] == "ASSAULT"
