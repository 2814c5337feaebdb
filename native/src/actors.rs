//! `streams/classifier/actors.py` for ASCII text: raw matches to state mentions, with the same ambiguity rules.

use crate::model::{Code, Core, KeyClass, Kind, Mention};
use crate::pattern::{
    ends_with_any, find_byte, rfind, search_word_start, starts_with_any, str_islower, str_isupper,
};

/// `actors.scan`: leftmost-longest, non-overlapping alias matches on word boundaries (entry index, start, end).
pub fn scan(core: &Core, text: &[u8], raw: &[(usize, usize, usize)]) -> Vec<(usize, usize, usize)> {
    let n = text.len();
    let mut found: Vec<(usize, usize, usize)> = Vec::with_capacity(raw.len());
    for &(idx, start, end) in raw {
        let entry = &core.entries[idx];
        if let Some(form) = &entry.case_form {
            if !form.is_empty() && !text[start..].starts_with(form.as_bytes()) {
                continue;
            }
        }
        if start > 0 {
            let c = text[start - 1];
            if c.is_ascii_alphanumeric()
                && !(c.is_ascii_lowercase() && text[start].is_ascii_uppercase())
            {
                continue;
            }
        }
        if end < n {
            let c = text[end];
            if c.is_ascii_alphanumeric()
                && !(text[end - 1].is_ascii_lowercase() && c.is_ascii_uppercase())
            {
                continue;
            }
        }
        if matches!(&entry.case_form, Some(f) if f.is_empty()) && str_islower(&text[start..end]) {
            continue;
        }
        found.push((idx, start, end));
    }
    let mut last_end: isize = -1;
    let mut ordered = true;
    for m in &found {
        if (m.1 as isize) < last_end {
            ordered = false;
            break;
        }
        last_end = m.2 as isize;
    }
    if ordered {
        return found;
    }
    found.sort_by_key(|m| (m.1, std::cmp::Reverse(m.2)));
    let mut kept = Vec::with_capacity(found.len());
    let mut last_end = 0usize;
    let mut any = false;
    for m in found {
        if !any || m.1 >= last_end {
            kept.push(m);
            last_end = m.2;
            any = true;
        }
    }
    kept
}

struct Ctx<'a> {
    core: &'a Core,
    text: &'a [u8],
    lower: &'a str,
    firm: Vec<Code>,
    published: Option<i64>,
}

impl Ctx<'_> {
    fn firm_has(&self, code: &Code) -> bool {
        self.firm.contains(code)
    }
}

const SENTENCE_START: &[u8] = b".!?\n\"':;(";

/// `_word_before`: the word directly before `start`, None at a sentence start.
fn word_before(text: &[u8], start: usize) -> Option<&[u8]> {
    let mut i = start as isize - 1;
    while i >= 0 && text[i as usize] == b' ' {
        i -= 1;
    }
    if i < 0 || SENTENCE_START.contains(&text[i as usize]) {
        return None;
    }
    let mut j = i;
    while j >= 0 && (text[j as usize].is_ascii_alphanumeric() || b".-'".contains(&text[j as usize]))
    {
        j -= 1;
    }
    Some(&text[(j + 1) as usize..(i + 1) as usize])
}

fn word_after(text: &[u8], end: usize) -> &[u8] {
    let mut i = end;
    while i < text.len() && text[i] == b' ' {
        i += 1;
    }
    let mut j = i;
    while j < text.len() && (text[j].is_ascii_alphanumeric() || text[j] == b'-') {
        j += 1;
    }
    &text[i..j]
}

fn strip_dots(s: &[u8]) -> &[u8] {
    let mut a = 0;
    let mut b = s.len();
    while a < b && s[a] == b'.' {
        a += 1;
    }
    while b > a && s[b - 1] == b'.' {
        b -= 1;
    }
    &s[a..b]
}

fn rule_person_name(ctx: &Ctx, start: usize, end: usize) -> bool {
    let text = ctx.text;
    let ok = &ctx.core.ok_neighbours;
    if let Some(before) = word_before(text, start) {
        if !before.is_empty()
            && before[0].is_ascii_uppercase()
            && !ok.contains(strip_dots(before))
            && !str_isupper(before)
        {
            return true;
        }
    }
    let after = word_after(text, end);
    !after.is_empty()
        && after[0].is_ascii_uppercase()
        && !ok.contains(after)
        && !str_isupper(after)
        && text.get(end) == Some(&b' ')
}

fn rule_turkey_food(ctx: &Ctx, start: usize, end: usize) -> bool {
    let low = ctx.lower.as_bytes();
    let after = word_after(low, end);
    let before = word_before(low, start).unwrap_or(b"").to_ascii_lowercase();
    ctx.core.turkey_food_after.contains(after) || ctx.core.turkey_food_before.contains(&before[..])
}

fn rule_korea(ctx: &Ctx) -> Code {
    if ctx.firm_has(b"PRK") && !ctx.firm_has(b"KOR") {
        *b"PRK"
    } else {
        *b"KOR"
    }
}

fn rule_congo(ctx: &Ctx) -> Code {
    if ctx.firm_has(b"COG") && !ctx.firm_has(b"COD") {
        return *b"COG";
    }
    if ctx.lower.contains("zaire") {
        *b"COG"
    } else {
        *b"COD"
    }
}

fn rule_georgia(ctx: &Ctx) -> Option<Code> {
    let low = ctx.lower;
    if ctx.core.re.caucasus.is_match(low, 0, low.len()) {
        return Some(*b"GEO");
    }
    if ctx.core.re.us_state.is_match(low, 0, low.len()) {
        return None;
    }
    if !ctx.firm.is_empty() && ctx.firm.iter().all(|c| c == b"USA") {
        return None;
    }
    Some(*b"GEO")
}

fn rule_washington(ctx: &Ctx) -> bool {
    let low = ctx.lower;
    ctx.core
        .washington_state_words
        .iter()
        .any(|w| low.contains(w.as_str()))
        || ctx.core.re.wash_abbreviation.is_match(low, 0, low.len())
}

fn pick_candidate(ctx: &Ctx, candidates: &[usize]) -> usize {
    let aliases = &ctx.core.aliases;
    if let Some(day) = ctx.published {
        let dated: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&a| aliases[a].start <= day && day <= aliases[a].end)
            .collect();
        if dated.len() == 1 {
            return dated[0];
        }
    }
    candidates
        .iter()
        .copied()
        .find(|&a| ctx.firm_has(&aliases[a].code))
        .unwrap_or(candidates[0])
}

/// `actors.dateline_end`: end of the wire dateline that opens the body, or None.
pub fn dateline_end(core: &Core, cleaned: &str, body: usize) -> Option<usize> {
    let bytes = cleaned.as_bytes();
    find_byte(bytes, b'-', body, body + 90)?;
    let (end, groups) =
        core.re
            .dateline
            .match_groups(cleaned, body, body + 90, &["caps_tail", "agency"])?;
    if !groups[0] && !groups[1] {
        return None;
    }
    Some(end)
}

/// `actors.resolve` (kept mentions only): the ambiguity rules, then the venue rule.
pub fn resolve(
    core: &Core,
    cleaned: &str,
    lower: &str,
    body: usize,
    published: Option<i64>,
    raw: &[(usize, usize, usize)],
) -> Vec<Mention> {
    let text = cleaned.as_bytes();
    let low = lower.as_bytes();
    let matches = scan(core, text, raw);
    let mut firm: Vec<Code> = Vec::new();
    for &(idx, _, _) in &matches {
        let entry = &core.entries[idx];
        if entry.candidates.len() == 1 && entry.class == KeyClass::Plain {
            let code = core.aliases[entry.candidates[0]].code;
            if !firm.contains(&code) {
                firm.push(code);
            }
        }
    }
    let ctx = Ctx {
        core,
        text,
        lower,
        firm,
        published,
    };
    let mut mentions: Vec<Mention> = Vec::with_capacity(matches.len());
    let mut georgia: Option<Option<Code>> = None;
    let mut washington_state: Option<bool> = None;
    let dateline = match matches.last() {
        Some(&(_, s, _)) if s >= body => dateline_end(core, cleaned, body),
        _ => None,
    };
    for &(idx, start, end) in &matches {
        let entry = &core.entries[idx];
        let candidates = &entry.candidates;
        if candidates.is_empty() {
            continue; // blocked phrase
        }
        if let Some(d) = dateline {
            if body <= start && start < d {
                continue;
            }
        }
        let mut alias_id = candidates[0];
        let first = &core.aliases[alias_id];
        let kind = first.kind;
        if kind == Kind::Name && starts_with_any(&low[end..], &core.topic_nouns_after) {
            continue;
        }
        if candidates.len() == 1 && kind != Kind::Demonym && entry.class == KeyClass::Plain {
            mentions.push(Mention::of(start, end, first.code, alias_id, first));
            continue;
        }
        if kind == Kind::Demonym
            && (low[..start].ends_with(b"ethnic ")
                || core
                    .re
                    .movement_after
                    .match_at(lower, end, low.len())
                    .is_some())
        {
            continue;
        }
        if candidates.len() > 1 {
            alias_id = pick_candidate(&ctx, candidates);
        }
        let alias = &core.aliases[alias_id];
        let mut m = Mention::of(start, end, alias.code, alias_id, alias);
        if entry.class != KeyClass::Plain {
            if entry.person_risk && rule_person_name(&ctx, start, end) {
                continue;
            }
            match entry.class {
                KeyClass::Turkey if rule_turkey_food(&ctx, start, end) => continue,
                KeyClass::Korea => m.code = rule_korea(&ctx),
                KeyClass::Congo => m.code = rule_congo(&ctx),
                KeyClass::Georgia => {
                    let geo = *georgia.get_or_insert_with(|| rule_georgia(&ctx));
                    match geo {
                        None => {
                            if !entry.is_georgia_itself {
                                continue;
                            }
                            m.us_state();
                        }
                        Some(code) => m.code = code,
                    }
                }
                KeyClass::Washington
                    if *washington_state.get_or_insert_with(|| rule_washington(&ctx)) =>
                {
                    m.us_state();
                }
                _ => {}
            }
        }
        mentions.push(m);
    }
    mark_venues(core, lower, &mut mentions);
    mentions.retain(|m| !m.venue);
    mentions
}

/// `actors._mark_venues`.
fn mark_venues(core: &Core, lower: &str, mentions: &mut [Mention]) {
    let low = lower.as_bytes();
    let mut meeting: Vec<(usize, bool)> = Vec::new();
    for m in mentions.iter_mut() {
        let lead_ins = match m.kind {
            Kind::Place => &core.venue_lead_ins,
            Kind::Name => &core.state_venue_lead_ins,
            _ => continue,
        };
        let head = &low[..m.start];
        let after_lead_in = ends_with_any(head, lead_ins)
            || (m.start < 16 && {
                let mut padded = Vec::with_capacity(m.start + 1);
                padded.push(b' ');
                padded.extend_from_slice(head);
                ends_with_any(&padded, lead_ins)
            });
        if !after_lead_in {
            continue;
        }
        let dot = rfind(low, b". ", 0, m.start).map_or(-1, |i| i as isize);
        let nl = crate::pattern::rfind_byte(low, b'\n', 0, m.start).map_or(-1, |i| i as isize);
        let sent_start = dot.max(nl).max(0) as usize;
        let found = match meeting.iter().find(|(s, _)| *s == sent_start) {
            Some(&(_, f)) => f,
            None => {
                let stop = match crate::pattern::find(low, b". ", m.end, low.len()) {
                    Some(i) if i > 0 => i,
                    _ => low.len(),
                };
                let f =
                    search_word_start(&core.re.meeting_words, lower, sent_start, stop).is_some();
                meeting.push((sent_start, f));
                f
            }
        };
        if found {
            m.venue = true;
        }
    }
}

/// `actors.rule_us_business`: a weak USA mention from US corporate cues, when no state is named.
pub fn rule_us_business(core: &Core, cleaned: &str, limit: usize) -> Option<(usize, usize)> {
    let text = cleaned.as_bytes();
    let mut pos = 0;
    while let Some((start, end)) = core.re.us_business.search(cleaned, pos, limit) {
        if start > 0 && (text[start - 1].is_ascii_alphanumeric() || text[start - 1] == b'_') {
            pos = start + 1;
            continue;
        }
        return Some((start, end));
    }
    None
}
