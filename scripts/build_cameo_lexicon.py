"""Build ``streams/classifier/data/cameo_lexicon.yaml`` from PETRARCH2's CAMEO verb dictionary.

The hand-written cues of ``event_cues.yaml`` are precise but few; when none of them fires the event was ``NONE``.
This script turns ``CAMEO.2.0.txt`` (openeventdata/petrarch2, MIT) into extra, weaker cues: every verb of a verb
block that has a CAMEO code (with its inflections), typed by that code mapped to PLOVER by ``CAMEO2PLOVER-2021.txt``
(openeventdata/PLOVER, CC BY-SA 4.0). Verbs only: the dictionary's "verb … object" patterns as regexes cost 20x the
classifier's speed, and typing code-less blocks ("SIGN") by the majority of their patterns lost two of 27 event
types on eval/categories' check half. The output is checked in; rerun after changing this script:

    .venv/bin/python scripts/build_cameo_lexicon.py [REFERENCE_DIR]
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "streams" / "classifier" / "data" / "cameo_lexicon.yaml"
DEFAULT_REFERENCE = ROOT.parent / "shared" / "reference"

VERB_WEIGHT = 4.3  # below nearly every hand cue: counts in the headline or the lead sentence's first 66 characters

# Where this project's labels (and PLOVER's codebook) read a CAMEO code otherwise than CAMEO2PLOVER-2021:
# 163 "impose embargo, boycott or sanctions" is PLOVER's SANCTION (plover_dev codes "imposed sanctions" so).
PLOVER_EXCEPTIONS = {"163": "SANCTION"}
# Verbs too common in news to carry an event alone (statements, movement, being); they still count with an object.
_COMMON = """be have do make take give get go come see say tell put set keep hold run turn bring show move call ask
look leave use find work help start end open close send receive return report note mark act play unite trade swap aid
allow join expand resume convict retaliate"""
# Verbs with several senses in news (a strike by workers, by aircraft or by a court; a rally of crowds or of shares;
# fired missiles or fired ministers): left to the hand cues, which read the context.
_SEVERAL_SENSES = "strike fire rally shell blast explode charge spy pirate break"
WEAK_ALONE = frozenset(_COMMON.split() + _SEVERAL_SENSES.split())


def plover_map(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(\d{2,4}):\s*([A-Z]+)", line)
        if m:
            out.setdefault(m.group(1), m.group(2))
    return out


def plover_of(code: str, mapping: dict[str, str]) -> str | None:
    if code in PLOVER_EXCEPTIONS:
        return PLOVER_EXCEPTIONS[code]
    for n in range(len(code), 2, -1):  # the longest known prefix: "1822" -> "182"
        if code[:n] in mapping:
            return mapping[code[:n]]
    return None


def inflections(verb: str) -> list[str]:
    """Regular English forms of a verb (the dictionary lists irregular ones itself)."""
    forms = {verb}
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")):
        forms |= {verb + "s", verb + "d", verb[:-1] + "ing"}
    elif verb.endswith("y") and len(verb) > 2 and verb[-2] not in "aeiou":
        forms |= {verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"}
    elif verb.endswith(("s", "x", "z", "ch", "sh")):
        forms |= {verb + "es", verb + "ed", verb + "ing"}
    else:
        forms |= {verb + "s", verb + "ed", verb + "ing"}
        # one-syllable consonant-vowel-consonant: "ban" -> "banned", "stop" -> "stopped"
        if re.fullmatch(r"[^aeiou]*[aeiou][bdgklmnprt]", verb):
            forms |= {verb + verb[-1] + "ed", verb + verb[-1] + "ing"}
    return sorted(forms)


def parse(dictionary: Path) -> list[tuple[list[list[str]], str]]:
    """The verb blocks: (verbs with their forms, the block's CAMEO code or "---")."""
    blocks: list[tuple[list[list[str]], str]] = []
    in_verbs = False
    for raw in dictionary.read_text(encoding="utf-8", errors="replace").splitlines():
        if "VERB PATTERNS" in raw:
            in_verbs = True
            continue
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if not in_verbs:
            continue
        head = re.match(r"^---\s+(\S+)\s+\[([^\]]*)\]", line)
        if head:
            blocks.append(([], head.group(2).split(":")[0]))
            continue
        if blocks and line[0].isalpha():
            m = re.match(r"^([A-Z][A-Z_]*)\s*(?:\{([^}]*)\})?", line)
            if m:
                base = m.group(1).lower()
                words = base.split("_")
                irregular = [f.lower() for f in (m.group(2) or "").split()]
                others = set(inflections(words[0]) + [f for f in irregular if "_" not in f]) - {words[0]}
                firsts = [words[0], *sorted(others)]  # the base form first: WEAK_ALONE is checked on it
                rest = " ".join(words[1:])
                blocks[-1][0].append([f"{f} {rest}".strip() for f in firsts])
    return blocks


def build(reference: Path) -> list[tuple[str, str, float, str]]:
    """(PLOVER type, regex, weight, CAMEO code): one cue per chunk of a block's verbs."""
    mapping = plover_map(reference / "CAMEO2PLOVER-2021.txt")
    blocks = parse(reference / "CAMEO.2.0.txt")
    cues: list[tuple[str, str, float, str]] = []
    for verbs, code in blocks:
        event = plover_of(code, mapping) if code != "---" else None
        if event is None:
            continue  # a block without a code of its own codes only through its object patterns
        usable = [forms for forms in verbs if forms and len(forms[0]) >= 3 and forms[0].split()[0] not in WEAK_ALONE]
        for chunk in _chunks(usable):
            cues.append((event, _verb_regex(chunk) + r"\b", VERB_WEIGHT, code))
    return cues


MAX_FORMS = 24  # the cue scanner anchors a cue on at most 32 literal prefixes


def _chunks(verbs: list[list[str]]) -> list[list[list[str]]]:
    out: list[list[list[str]]] = []
    size = MAX_FORMS + 1
    for forms in verbs:
        if size + len(forms) > MAX_FORMS:
            out.append([])
            size = 0
        out[-1].append(forms)
        size += len(forms)
    return out


def _verb_regex(verbs: list[list[str]]) -> str:
    forms = {f for group in verbs for f in group}
    return "(?:" + "|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f))) + ")"


def main() -> None:
    reference = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_REFERENCE
    cues = build(reference)
    by_type: dict[str, list[tuple[str, float, str]]] = defaultdict(list)
    for event, regex, weight, code in cues:
        re.compile(regex)
        by_type[event].append((regex, weight, code))
    lines = [
        "# Generated by scripts/build_cameo_lexicon.py from PETRARCH2's CAMEO.2.0.txt verb dictionary",
        "# (openeventdata/petrarch2, MIT, Copyright (c) 2015 Open Event Data Alliance), mapped to PLOVER types",
        "# by CAMEO2PLOVER-2021.txt (openeventdata/PLOVER, CC BY-SA 4.0). Do not edit: rerun the script.",
        "# Same format as event_cues.yaml; weaker weights, so a hand cue wins wherever one fires.",
    ]
    for event in sorted(by_type):
        lines.append(f"{event}:")
        for regex, weight, code in by_type[event]:
            quoted = regex.replace("\\", "\\\\").replace('"', '\\"')
            lines.append(f'  - {{re: "{quoted}", w: {weight}, cameo: "{code}"}}')
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(cues)} cues in {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
