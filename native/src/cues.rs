//! `keyword_scanner.scan_zones`, `event_types` (headline regions, cue scoring, choice) and `topics`.

use crate::model::{Core, PatternRole};
use crate::pattern::is_space;

/// A scanner hit: pattern id, match start and end.
pub type Hit = (usize, usize, usize);

/// `KeywordScanner.scan_zones` over the automaton's matches of scanner prefixes (scanner index, start, end).
pub fn scan_zones(
    core: &Core,
    lower: &str,
    zones: &[(usize, usize)],
    found: &[(usize, usize, usize)],
) -> Vec<Vec<Hit>> {
    let mut out: Vec<Vec<Hit>> = zones.iter().map(|_| Vec::new()).collect();
    if !zones.iter().any(|(s, e)| e > s) {
        return out;
    }
    let low = lower.as_bytes();
    for &(j, pos, _) in found {
        if pos > 0 && low[pos - 1].is_ascii_alphanumeric() {
            continue;
        }
        for &(pattern, zone) in &core.anchored[j] {
            let (start, end) = zones[zone];
            if start <= pos && pos < end {
                if let Some((s, e)) = core.patterns[pattern].match_at(lower, pos, end) {
                    out[zone].push((pattern, s, e));
                }
            }
        }
    }
    out
}

/// `event_types.title_regions`: the headline's main clause and, after ";" or a comma that opens a new subject, its
/// reaction clause (start, end, bonus).
pub fn title_regions(core: &Core, title: &[u8]) -> Vec<(usize, usize, f64)> {
    let n = &core.n;
    let mut cut: isize = title
        .iter()
        .position(|&c| c == b';')
        .map_or(-1, |i| i as isize);
    let words: Vec<&[u8]> = title
        .split(|&c| is_space(c))
        .filter(|w| !w.is_empty())
        .collect();
    let capitalised = words.iter().filter(|w| w[0].is_ascii_uppercase()).count();
    if !words.is_empty() && (capitalised as f64) < 0.6 * words.len() as f64 {
        let mut comma =
            crate::pattern::find(title, b", ", 0, title.len()).map_or(-1, |i| i as isize);
        while comma > 0 {
            let c = comma as usize;
            let spaces = title[..c].iter().filter(|&&b| b == b' ').count();
            if spaces >= 3 && title.get(c + 2).is_some_and(|b| b.is_ascii_uppercase()) {
                break;
            }
            comma =
                crate::pattern::find(title, b", ", c + 2, title.len()).map_or(-1, |i| i as isize);
        }
        if comma > 0 && (cut < 0 || comma < cut) {
            cut = comma;
        }
    }
    let len = title.len();
    if cut <= 0 {
        return vec![(0, len, n.title_bonus)];
    }
    let cut = cut as usize;
    vec![
        (0, cut, n.title_bonus),
        (cut + 1, len, n.title_bonus - n.title_second_clause_penalty),
    ]
}

/// The chosen cue and its score.
pub struct CueHit {
    pub cue: usize,
    pub score: f64,
}

/// `event_types.find_cues` then `choose`: the best-scoring cue in the regions, if it clears the minimum (a lexicon
/// cue only where no hand cue does).
pub fn best_cue(
    core: &Core,
    lower: &str,
    regions: &[(usize, usize, f64)],
    found: &[Hit],
) -> Option<CueHit> {
    if regions.is_empty() {
        return None;
    }
    let n = &core.n;
    let low = lower.as_bytes();
    let mut cue_hits: Vec<(usize, usize, usize)> = Vec::new();
    let mut subordinate: Vec<(usize, usize)> = Vec::new();
    let mut relative: Vec<(usize, usize)> = Vec::new();
    for &(pattern, pos, end) in found {
        match core.roles[pattern] {
            PatternRole::Cue(cue) => {
                if !(pos > 0 && low[pos - 1] == b'-') {
                    cue_hits.push((cue, pos, end));
                }
            }
            PatternRole::Subordinate => subordinate.push((pos, end)),
            _ => relative.push((pos, end)),
        }
    }
    // `choose`: the best hand cue, else the best CAMEO lexicon cue.
    let mut best: Option<CueHit> = None;
    let mut fallback: Option<CueHit> = None;
    for &(start, end, bonus) in regions {
        let mut sub_at: isize = -1;
        let mut rel_at: isize = -1;
        for &(cue, pos, stop) in &cue_hits {
            if pos < start || stop > end {
                continue;
            }
            if sub_at < 0 {
                sub_at = subordinate
                    .iter()
                    .filter(|(p, q)| start <= *p && *q <= end)
                    .map(|(p, _)| *p)
                    .min()
                    .unwrap_or(end) as isize;
                let limit = end.min(sub_at as usize);
                rel_at = relative
                    .iter()
                    .filter(|(p, q)| start <= *p && *q <= limit)
                    .map(|(p, _)| *p)
                    .min()
                    .unwrap_or(end) as isize;
            }
            let mut score =
                core.cues[cue].weight + bonus - n.position_penalty * (pos - start) as f64;
            if pos as isize > sub_at {
                score -= n.subordinate_penalty;
            } else if pos as isize > rel_at {
                score -= n.relative_penalty;
            }
            if score < n.min_score {
                continue;
            }
            let slot = if core.cues[cue].lexicon {
                &mut fallback
            } else {
                &mut best
            };
            if slot.as_ref().is_none_or(|b| score > b.score + 1e-9) {
                *slot = Some(CueHit { cue, score });
            }
        }
    }
    best.or(fallback)
}

/// `topics.count_topics`: (topic id, hits) in the first `limit` characters, most frequent first.
pub fn count_topics(core: &Core, found: &[Hit], limit: usize) -> Vec<(usize, usize)> {
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for &(pattern, start, _) in found {
        if let PatternRole::Topic(t) = core.roles[pattern] {
            if start < limit {
                match counts.iter_mut().find(|(k, _)| *k == t) {
                    Some((_, c)) => *c += 1,
                    None => counts.push((t, 1)),
                }
            }
        }
    }
    counts.sort_by_key(|&(_, c)| std::cmp::Reverse(c)); // stable: first seen first among equals
    counts
}

/// `topics.is_sports_story`.
pub fn is_sports_story(core: &Core, topics: &[(usize, usize)]) -> bool {
    let count = |t: usize| topics.iter().find(|(k, _)| *k == t).map_or(0, |(_, c)| *c);
    let sport = count(core.sports);
    let hard: usize = core.hard_news.iter().map(|&t| count(t)).sum();
    sport >= 3 && sport > 2 * hard
}
