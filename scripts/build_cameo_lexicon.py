"""Build ``streams/classifier/data/cameo_lexicon.yaml`` from PETRARCH2's CAMEO verb dictionary.

The hand-written cues of ``event_cues.yaml`` are precise but few; when none of them fires the event was ``NONE``.
This script turns ``CAMEO.2.0.txt`` (openeventdata/petrarch2, MIT) into extra, weaker cues: every verb of a coded
verb block (with its inflections) and every "verb … object" pattern of a block, each mapped to its PLOVER type by
``CAMEO2PLOVER-2021.txt`` (openeventdata/PLOVER, CC BY-SA 4.0). One cue per verb and CAMEO code: the objects of its
patterns form one alternation. The output is checked in; rerun after changing this script:

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

VERB_WEIGHT = 5.4  # a bare verb of a coded block: below every hand cue, above NONE
PATTERN_WEIGHT = 6.2  # the verb with one of its pattern objects ("sign ... memorandum")
GAP = r" (?:[\w'-]+ ){0,3}"  # up to three words between the verb and its object ("signed a new trade agreement")

# Where this project's labels (and PLOVER's codebook) read a CAMEO code otherwise than CAMEO2PLOVER-2021:
# 163 "impose embargo, boycott or sanctions" is PLOVER's SANCTION (plover_dev codes "imposed sanctions" so).
PLOVER_EXCEPTIONS = {"163": "SANCTION"}
# Verbs too common in news to carry an event alone (statements, movement, being); they still count with an object.
WEAK_ALONE = frozenset(
    [
        "be",
        "have",
        "do",
        "make",
        "take",
        "give",
        "get",
        "go",
        "come",
        "see",
        "say",
        "tell",
        "put",
        "set",
        "keep",
        "hold",
        "run",
        "turn",
        "bring",
        "show",
        "move",
        "call",
        "ask",
        "look",
        "leave",
        "use",
        "find",
        "work",
        "help",
        "start",
        "end",
        "open",
        "close",
        "send",
        "receive",
        "return",
        "report",
        "note",
        "mark",
        "act",
        "play",
        "unite",
        "trade",
        "swap",
        "aid",
        "allow",
        "join",
        "expand",
        "resume",
        "convict",
        "retaliate",
    ]
)


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


def noun_forms(word: str) -> str:
    """A pattern word as a regex: exact when the dictionary marks it with a trailing '_', else with a plural."""
    if word.endswith("_"):
        return re.escape(word[:-1].lower().replace("_", " "))
    w = word.lower().replace("_", " ")
    if word.endswith("S"):
        return re.escape(w)
    if w.endswith("y") and w[-2:-1] not in ("a", "e", "o", "u"):
        return re.escape(w[:-1]) + "(?:y|ies)"
    return re.escape(w) + ("(?:es)?" if w.endswith(("s", "x", "ch", "sh")) else "s?")


def parse(dictionary: Path) -> tuple[dict[str, list[str]], list[tuple[list[list[str]], str, list[str]]]]:
    """(synonym sets, blocks): each block is (verbs with their forms, default code, pattern lines)."""
    synsets: dict[str, list[str]] = defaultdict(list)
    blocks: list[tuple[list[list[str]], str, list[str]]] = []
    current: str | None = None
    in_verbs = False
    for raw in dictionary.read_text(encoding="utf-8", errors="replace").splitlines():
        if "VERB PATTERNS" in raw:
            in_verbs = True
            continue
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if not in_verbs:
            if line.startswith("&"):
                current = line.strip()
            elif line.startswith("+") and current:
                synsets[current].append(line[1:].strip())
            continue
        head = re.match(r"^---\s+(\S+)\s+\[([^\]]*)\]", line)
        if head:
            blocks.append(([], head.group(2).split(":")[0], []))
            continue
        if not blocks:
            continue
        if line.startswith("- "):
            blocks[-1][2].append(line[2:])
        elif line[0].isalpha():
            m = re.match(r"^([A-Z][A-Z_]*)\s*(?:\{([^}]*)\})?", line)
            if m:
                base = m.group(1).lower()
                words = base.split("_")
                irregular = [f.lower() for f in (m.group(2) or "").split()]
                firsts = sorted(set(inflections(words[0]) + [f for f in irregular if "_" not in f]))
                rest = " ".join(words[1:])
                blocks[-1][0].append([f"{f} {rest}".strip() for f in firsts])
    return synsets, blocks


def pattern_objects(pattern: str, synsets: dict[str, list[str]]) -> tuple[str, str] | None:
    """("object regex", code) for a "* OBJECT ... [code]" pattern; None for other shapes."""
    m = re.match(r"^(.*?)\[([0-9:]+)\]", pattern)
    if not m:
        return None
    body, code = m.group(1).strip(), m.group(2).split(":")[0]
    if not body.startswith("*") or not code:
        return None  # a subject-side pattern ("COMPANY * DEAL"): needs a parse
    tokens = [t for t in re.split(r"[\s{}()]+", body[1:]) if t and t not in ("^", "$", "%", "+", "<", ">", "|")]
    tokens = [t for t in tokens if re.fullmatch(r"&?[A-Z][A-Z_'-]*", t)]
    if not tokens:
        return None
    parts = []
    for t in tokens[:3]:
        if t.startswith("&"):
            members = synsets.get(t, [])
            if not members or len(members) > 40:
                return None
            parts.append("(?:" + "|".join(sorted({noun_forms(w) for w in members})) + ")")
        else:
            parts.append(noun_forms(t))
    return GAP.join(parts), code


def build(reference: Path) -> list[tuple[str, str, float, str]]:
    """(PLOVER type, regex, weight, CAMEO code) per chunk of a block's verbs and per code of its patterns."""
    mapping = plover_map(reference / "CAMEO2PLOVER-2021.txt")
    synsets, blocks = parse(reference / "CAMEO.2.0.txt")
    cues: list[tuple[str, str, float, str]] = []
    seen: set[str] = set()
    for verbs, default, patterns in blocks:
        objects: dict[str, set[str]] = defaultdict(set)
        for p in patterns:
            parsed = pattern_objects(p, synsets)
            if parsed:
                objects[parsed[1]].add(parsed[0])
        for chunk in _chunks([forms for forms in verbs if forms and len(forms[0]) >= 3]):
            alone = [forms for forms in chunk if forms[0].split()[0] not in WEAK_ALONE]
            event = plover_of(default, mapping) if default != "---" else None
            if event and alone:
                _add(cues, seen, event, _verb_regex(alone) + r"\b", VERB_WEIGHT, default)
            for code, objs in sorted(objects.items()):
                event = plover_of(code, mapping)
                if event and len(objs) <= 60:
                    regex = _verb_regex(chunk) + GAP + "(?:" + "|".join(sorted(objs)) + r")\b"
                    _add(cues, seen, event, regex, PATTERN_WEIGHT, code)
    return cues


def _add(cues: list[tuple[str, str, float, str]], seen: set[str], event: str, regex: str, w: float, code: str) -> None:
    if regex not in seen:
        seen.add(regex)
        cues.append((event, regex, w, code))


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
