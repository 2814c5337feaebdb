//! `streams/classifier/dyads.py`: weighted, directed pairs of states that interact in a sentence.

use crate::model::{Code, Core, Mention};
use crate::pattern::{contains, search_word_start, Pat};

pub struct Evidence {
    pub dyad: [u8; 7],
    pub weight: f64,
    pub forward: f64,
    pub backward: f64,
}

impl Evidence {
    /// (source, target) when the evidence leans one way.
    pub fn direction(&self) -> Option<(Code, Code)> {
        let a: Code = [self.dyad[0], self.dyad[1], self.dyad[2]];
        let b: Code = [self.dyad[4], self.dyad[5], self.dyad[6]];
        if self.forward > self.backward {
            Some((a, b))
        } else if self.backward > self.forward {
            Some((b, a))
        } else {
            None
        }
    }
}

pub fn dyad_key(a: Code, b: Code) -> [u8; 7] {
    let (x, y) = if a < b { (a, b) } else { (b, a) };
    [x[0], x[1], x[2], b'-', y[0], y[1], y[2]]
}

struct Book {
    evidence: Vec<Evidence>,
}

impl Book {
    fn get(&mut self, key: [u8; 7]) -> &mut Evidence {
        let i = match self.evidence.iter().position(|e| e.dyad == key) {
            Some(i) => i,
            None => {
                self.evidence.push(Evidence {
                    dyad: key,
                    weight: 0.0,
                    forward: 0.0,
                    backward: 0.0,
                });
                self.evidence.len() - 1
            }
        };
        &mut self.evidence[i]
    }
}

/// `_groups`: one sentence's mentions split into coordinated groups (indexes), and explicit hyphen pairs.
fn groups(core: &Core, text: &str, ms: &[&Mention]) -> (Vec<Vec<usize>>, Vec<(Code, Code)>) {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut explicit = Vec::new();
    for (i, m) in ms.iter().enumerate() {
        if i == 0 {
            groups.push(vec![0]);
            continue;
        }
        let prev = ms[i - 1];
        if m.code == prev.code {
            groups.last_mut().unwrap().push(i);
            continue;
        }
        let gap = &text[prev.end..m.start];
        if core.re.hyphen_pair.matches_start(gap) {
            explicit.push((prev.code, m.code));
            groups.push(vec![i]);
        } else if core.re.coordination.matches_start(gap) || {
            let tail = &gap[gap.len().saturating_sub(60)..];
            core.re.joined.is_match(tail, 0, tail.len())
        } {
            groups.last_mut().unwrap().push(i);
        } else {
            groups.push(vec![i]);
        }
    }
    (groups, explicit)
}

/// `build_dyads`: weighted dyads, strongest first. `sentence_of[i]` is the sentence of `mentions[i]`.
pub fn build_dyads(
    core: &Core,
    text: &str,
    mentions: &[Mention],
    sentence_of: &[usize],
    title_sentences: usize,
    spans: &[(usize, usize)],
) -> Vec<Evidence> {
    let n = &core.n;
    // Sentences in order of their first mention, as a dict keeps them.
    let mut by_sentence: Vec<(usize, Vec<&Mention>)> = Vec::new();
    for (m, &s) in mentions.iter().zip(sentence_of) {
        if m.reporter {
            continue;
        }
        match by_sentence.iter_mut().find(|(k, _)| *k == s) {
            Some((_, v)) => v.push(m),
            None => by_sentence.push((s, vec![m])),
        }
    }
    let mut book = Book {
        evidence: Vec::new(),
    };
    let first_body = title_sentences;
    for (s, ms) in &by_sentence {
        let s = *s;
        let mut codes: Vec<Code> = ms.iter().map(|m| m.code).collect();
        codes.sort_unstable();
        codes.dedup();
        if codes.len() < 2 {
            continue;
        }
        let w = if s < title_sentences {
            n.title_weight
        } else if s == first_body {
            n.lead_weight
        } else {
            n.body_weight / (1.0 + 0.05 * (s - first_body) as f64)
        };
        let (groups_ix, explicit) = groups(core, text, ms);
        let sentence_start = spans[s].0;
        let lead_in = &text[sentence_start..ms[0].start];
        let fronted: Vec<Code> = if lead_in.len() < 30
            && lead_in.contains("ing")
            && core.re.fronted_participle.matches_start(lead_in)
        {
            groups_ix[0].iter().map(|&i| ms[i].code).collect()
        } else {
            Vec::new()
        };
        // Only the first mention of each state in a group can make a pair first.
        let groups: Vec<Vec<&Mention>> = groups_ix
            .iter()
            .map(|g| {
                let mut seen: Vec<Code> = Vec::new();
                let mut out = Vec::new();
                for &i in g {
                    if g.len() == 1 || !seen.contains(&ms[i].code) {
                        seen.push(ms[i].code);
                        out.push(ms[i]);
                    }
                }
                out
            })
            .collect();
        // Two states listed together in some group of the sentence.
        let coordinated = |c1: &Code, c2: &Code| {
            groups
                .iter()
                .any(|g| g.iter().any(|m| m.code == *c1) && g.iter().any(|m| m.code == *c2))
        };
        let subject: Vec<Code> = groups[0].iter().map(|m| m.code).collect();
        let sub_at = if groups.len() > 1 {
            search_word_start(
                &core.re.dyad_subordinate,
                text,
                ms[0].end,
                ms[ms.len() - 1].start,
            )
            .map_or(text.len(), |m| m.0)
        } else {
            text.len()
        };
        let mut seen: Vec<(Code, Code)> = Vec::new();
        for (i, g1) in groups.iter().enumerate() {
            for g2 in &groups[i + 1..] {
                for m1 in g1 {
                    let c1 = m1.code;
                    for m2 in g2 {
                        let c2 = m2.code;
                        if c1 == c2 || seen.contains(&(c1, c2)) || coordinated(&c1, &c2) {
                            continue;
                        }
                        seen.push((c1, c2));
                        seen.push((c2, c1));
                        let key = dyad_key(c1, c2);
                        let with_subject = subject.contains(&c1) || subject.contains(&c2);
                        let factor = if with_subject && m2.start < sub_at {
                            1.0
                        } else if with_subject && s < title_sentences {
                            n.title_bystander_factor
                        } else {
                            n.bystander_factor
                        };
                        let before_start = m1.end.max(m2.start.saturating_sub(60));
                        let before = &text[before_start.min(m2.start)..m2.start];
                        let bb = before.as_bytes();
                        let reverse = fronted.contains(&c1)
                            || (contains(bb, b" by ")
                                && core.re.passive_by.is_match(before, 0, before.len()))
                            || (contains(bb, b" from ")
                                && core.re.received_from.is_match(before, 0, before.len()))
                            || core.re.observed.is_match(text, m1.end, m2.start);
                        let src = if reverse { c2 } else { c1 };
                        let ev = book.get(key);
                        ev.weight += w * factor * m1.weight.min(m2.weight);
                        if src[..] == key[..3] {
                            ev.forward += w * factor;
                        } else {
                            ev.backward += w * factor;
                        }
                    }
                }
            }
        }
        if groups[0].len() > 1 {
            let reciprocal = if s < title_sentences {
                &core.re.headline_reciprocal
            } else {
                &core.re.reciprocal
            };
            add_reciprocal(core, text, spans[s], &groups[0], w, reciprocal, &mut book);
        }
        for (a, b) in explicit {
            if a != b {
                let key = dyad_key(a, b);
                let ev = book.get(key);
                ev.weight += if subject.contains(&a) || subject.contains(&b) {
                    w
                } else {
                    w * n.bystander_factor
                };
            }
        }
    }
    let mut out = book.evidence;
    out.sort_by(|x, y| {
        y.weight
            .partial_cmp(&x.weight)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(x.dyad.cmp(&y.dyad))
    });
    out
}

/// `_add_reciprocal`: the sentence's subject group pairs within itself when its main clause is reciprocal (the
/// headline's pattern also counts joint agreements).
fn add_reciprocal(
    core: &Core,
    text: &str,
    span: (usize, usize),
    group: &[&Mention],
    w: f64,
    reciprocal: &Pat,
    book: &mut Book,
) {
    let Some((cue_start, _)) = reciprocal.search(text, span.0, span.1) else {
        return;
    };
    if search_word_start(&core.re.dyad_subordinate, text, span.0, cue_start).is_some() {
        return;
    }
    for (i, m1) in group.iter().enumerate() {
        for m2 in &group[i + 1..] {
            if m1.code != m2.code {
                let ev = book.get(dyad_key(m1.code, m2.code));
                ev.weight += w * m1.weight.min(m2.weight);
            }
        }
    }
}
