//! `Classifier._analyse` with `explain=False`: prepared text in, actors, dyads, topics and the chosen cue out.

use crate::model::{Code, Core, Mention};
use crate::pattern::{self, find_byte};
use crate::{actors, cues, dyads, sentences};

/// One actor of the result: its state, its mentions (indexes into the outcome's mentions), weight and role.
pub struct ActorOut {
    pub code: Code,
    pub mentions: Vec<usize>,
    pub weight: f64,
    pub role: Role,
}

/// An actor's part in the directed dyads (`core._assign_roles`); the value indexes the role names.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Mentioned = 0,
    Source = 1,
    Target = 2,
    Both = 3,
}

impl Role {
    /// The role once a dyad also names the actor as its source (or, with false, its target).
    fn with(self, source: bool) -> Role {
        match (self, source) {
            (Role::Mentioned, true) => Role::Source,
            (Role::Mentioned, false) => Role::Target,
            (Role::Source, false) | (Role::Target, true) => Role::Both,
            (role, _) => role,
        }
    }
}

/// What `analyse` found: no actor, only the US-business fallback (its span), or actors with the rest.
pub enum Outcome {
    NoActor,
    UsBusiness(usize, usize),
    Found {
        mentions: Vec<Mention>,
        actors: Vec<ActorOut>,
        dyads: Vec<dyads::Evidence>,
        topics: Vec<usize>,
        cue: Option<usize>,
        confidence: f64,
    },
}

/// `Classifier._analyse` with `explain=False`.
pub fn analyse(
    core: &Core,
    cleaned: &str,
    lower: &str,
    title_end: usize,
    published: Option<i64>,
) -> Outcome {
    let n = &core.n;
    let text = cleaned.as_bytes();
    let low = lower.as_bytes();
    let body = title_end + 2;
    // One pass for gazetteer keys and scanner prefixes, in order of match end.
    let found = core.automaton.find(low, text);
    let gaz: Vec<(usize, usize, usize)> = found
        .iter()
        .copied()
        .filter(|m| m.0 < core.gazetteer_keys)
        .collect();
    let mut mentions = actors::resolve(core, cleaned, lower, body, published, &gaz);
    if mentions.is_empty() {
        return match actors::rule_us_business(core, cleaned, n.us_business_limit) {
            Some((s, e)) => Outcome::UsBusiness(s, e),
            None => Outcome::NoActor,
        };
    }
    let mut spans: Vec<(usize, usize)> = if title_end > 0 {
        vec![(0, title_end)]
    } else {
        Vec::new()
    };
    let title_sentences = spans.len();
    let first_code = mentions[0].code;
    let single = mentions.iter().all(|m| m.code == first_code);
    let last = if single {
        mentions[mentions.len().min(n.key_sentences + 1) - 1].end
    } else {
        mentions[mentions.len() - 1].end
    };
    let stop = find_byte(text, b'\n', last, text.len()).unwrap_or(text.len());
    let mut sentences = sentences::Sentences::new(text, &core.abbreviations, body, stop);
    let mut pending = sentences.next();
    let mut sentence_of: Vec<usize> = Vec::with_capacity(mentions.len());
    let mut key_sentences: Vec<usize> = Vec::new();
    for m in &mentions {
        while let Some(p) = pending {
            if p.0 > m.start {
                break;
            }
            spans.push(p);
            pending = sentences.next();
        }
        let s = if spans.is_empty() { 0 } else { spans.len() - 1 };
        sentence_of.push(s);
        if s >= title_sentences && key_sentences.last() != Some(&s) {
            if single && key_sentences.len() == n.key_sentences {
                break;
            }
            key_sentences.push(s);
        }
    }
    if !single {
        mark_reporters(core, lower, &mut mentions, &sentence_of, &spans);
    }
    let kept: Vec<Code> = {
        let mut k: Vec<Code> = mentions
            .iter()
            .filter(|m| !m.reporter)
            .map(|m| m.code)
            .collect();
        k.sort_unstable();
        k.dedup();
        k
    };
    let mut actors = aggregate(&mentions, &kept);
    if actors.is_empty() {
        return Outcome::NoActor;
    }

    let mut regions: Vec<(usize, usize, f64)> = Vec::new();
    if title_sentences > 0 {
        regions.extend(cues::title_regions(core, &text[..title_end]));
    }
    for (rank, &s) in key_sentences.iter().take(n.key_sentences).enumerate() {
        regions.push((spans[s].0, spans[s].1, -n.rank_penalty * rank as f64));
    }
    let cue_zone = if regions.is_empty() {
        (0, 0)
    } else {
        (regions[0].0, regions[regions.len() - 1].1)
    };
    let zones = [cue_zone, (0, low.len().min(n.topic_scan_chars))];
    let end = zones[0].1.max(zones[1].1);
    let scanner_found: Vec<(usize, usize, usize)> = found
        .iter()
        .take_while(|m| m.2 <= end)
        .filter_map(|&(i, s, e)| {
            let j = core.scanner_of[i];
            (j >= 0).then_some((j as usize, s, e))
        })
        .collect();
    let hits = cues::scan_zones(core, lower, &zones, &scanner_found);
    let topic_counts = cues::count_topics(core, &hits[1], n.topic_scan_chars);
    let topics: Vec<usize> = topic_counts
        .iter()
        .take(n.max_topics)
        .map(|(t, _)| *t)
        .collect();
    let strength = (actors.iter().take(2).fold(0.0, |s, a| s + a.weight) / 2.0).min(1.0);
    if cues::is_sports_story(core, &topic_counts) {
        return Outcome::Found {
            mentions,
            actors,
            dyads: Vec::new(),
            topics,
            cue: None,
            confidence: 0.5 * strength,
        };
    }
    let mut evidence = if single {
        Vec::new()
    } else {
        dyads::build_dyads(
            core,
            cleaned,
            &mentions,
            &sentence_of,
            title_sentences,
            &spans,
        )
    };
    if let Some(top) = evidence.first().map(|e| e.weight) {
        let floor = n.min_dyad_weight.max(n.min_dyad_share * top);
        evidence.retain(|e| e.weight > floor);
        evidence.truncate(64);
    }
    for d in &evidence {
        if let Some((src, tgt)) = d.direction() {
            for a in actors.iter_mut() {
                if a.code == src || a.code == tgt {
                    a.role = a.role.with(a.code == src);
                }
            }
        }
    }
    if !evidence.is_empty() {
        // `core._drop_background`: a state outside every kept dyad is background, not an actor.
        actors.retain(|a| {
            evidence
                .iter()
                .any(|d| d.dyad[..3] == a.code[..] || d.dyad[4..] == a.code[..])
        });
    }
    let hit = cues::best_cue(core, lower, &regions, &hits[0]);
    let cue_conf = hit.as_ref().map_or(0.0, |h| (h.score / 9.0).min(1.0));
    Outcome::Found {
        mentions,
        actors,
        dyads: evidence,
        topics,
        cue: hit.map(|h| h.cue),
        confidence: 0.5 * strength + 0.5 * cue_conf,
    }
}

/// `core._aggregate` over the mentions of kept states: one actor per state, strongest first.
fn aggregate(mentions: &[Mention], kept: &[Code]) -> Vec<ActorOut> {
    let mut actors: Vec<ActorOut> = Vec::new();
    for (i, m) in mentions.iter().enumerate() {
        if !kept.contains(&m.code) {
            continue;
        }
        match actors.iter_mut().find(|a| a.code == m.code) {
            Some(a) => {
                a.mentions.push(i);
                a.weight += m.weight;
            }
            None => actors.push(ActorOut {
                code: m.code,
                mentions: vec![i],
                weight: 0.0 + m.weight,
                role: Role::Mentioned,
            }),
        }
    }
    if actors.len() > 1 {
        actors.sort_by(|a, b| {
            b.weight
                .partial_cmp(&a.weight)
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    }
    actors
}

/// `core._mark_reporters`: flag mentions inside a trailing attribution clause where the flag can change a result.
fn mark_reporters(
    core: &Core,
    lower: &str,
    mentions: &mut [Mention],
    sentence_of: &[usize],
    spans: &[(usize, usize)],
) {
    let low = lower.as_bytes();
    let maybe: Vec<bool> = mentions
        .iter()
        .map(|m| find_byte(low, b',', m.end.saturating_sub(200), m.start).is_some())
        .collect();
    if !maybe.iter().any(|&b| b) {
        return;
    }
    let mut sentence_codes: Vec<(usize, Vec<Code>)> = Vec::new();
    let mut sure: Vec<Code> = Vec::new();
    for ((m, &s), &may) in mentions.iter().zip(sentence_of).zip(&maybe) {
        match sentence_codes.iter_mut().find(|(k, _)| *k == s) {
            Some((_, v)) => {
                if !v.contains(&m.code) {
                    v.push(m.code)
                }
            }
            None => sentence_codes.push((s, vec![m.code])),
        }
        if !may && !sure.contains(&m.code) {
            sure.push(m.code);
        }
    }
    let mut cache: Vec<(usize, Option<usize>)> = Vec::new();
    for ((m, &s), &may) in mentions.iter_mut().zip(sentence_of).zip(&maybe) {
        let codes_here = sentence_codes
            .iter()
            .find(|(k, _)| *k == s)
            .map_or(0, |(_, v)| v.len());
        if !may || (sure.contains(&m.code) && codes_here < 2) {
            continue;
        }
        let clause = match cache.iter().find(|(k, _)| *k == s) {
            Some(&(_, c)) => c,
            None => {
                let c = reporter_clause_start(core, lower, spans[s].0, spans[s].1);
                cache.push((s, c));
                c
            }
        };
        if let Some(c) = clause {
            if m.start >= c {
                m.reporter = true;
            }
        }
    }
}

/// `attribution.reporter_clause_start`.
fn reporter_clause_start(core: &Core, lower: &str, start: usize, end: usize) -> Option<usize> {
    let low = lower.as_bytes();
    let tail_start = start.max(end.saturating_sub(core.n.reporter_tail));
    let comma = pattern::rfind_byte(low, b',', tail_start, end)?;
    let has_verb = |a: usize, b: usize| {
        core.reporter_verbs
            .iter()
            .any(|v| pattern::contains(&low[a..b], v.as_bytes()))
    };
    if !has_verb(comma, end) {
        let prev = pattern::rfind_byte(low, b',', tail_start, comma)?;
        if !has_verb(prev, comma) {
            return None;
        }
    }
    let clause_at = |c: usize| {
        core.re
            .attribution
            .match_at(lower, c, end)
            .filter(|&(s, e)| core.re.media.is_match(lower, s, e))
            .map(|(s, _)| s)
    };
    clause_at(comma).or_else(|| {
        let prev = pattern::rfind_byte(low, b',', tail_start, comma)?;
        clause_at(prev)
    })
}
