//! Python `re` patterns, compiled from the Python modules' own sources, with Python's `search`/`match` semantics.
//!
//! `pat.search(s, pos, endpos)` sees `s` as ending at `endpos` but looks behind `pos` (for `\b`); `pat.match` is the
//! same search anchored at `pos`. Patterns without look-around run on regex-automata's meta engine; the few with
//! look-around on fancy-regex, which delegates their plain parts to the same engine.

use regex_automata::{meta, Anchored, Input};

pub enum Pat {
    Plain(meta::Regex),
    Fancy(Box<Fancy>),
}

/// A pattern with look-around. fancy-regex's backtracking engine would try it at every position of a search, so a
/// search first finds where it could start with the pattern minus its look-arounds (a superset, on the fast engine),
/// then tries it only there, anchored.
pub struct Fancy {
    full: fancy_regex::Regex,
    /// `^(?:pattern)`, for a pattern that never looks before its start: matched on the haystack sliced at the start.
    anchored: Option<fancy_regex::Regex>,
    /// None for a pattern with a back-reference, which the fast engine cannot run even without its look-arounds.
    candidates: Option<meta::Regex>,
}

impl Fancy {
    fn new(full: &str) -> Result<Fancy, String> {
        let compile =
            |s: &str| fancy_regex::Regex::new(s).map_err(|e| format!("pattern {full:?}: {e}"));
        let looks_back = full.contains("(?<=")
            || full.contains("(?<!")
            || full.trim_start_matches("(?i)").starts_with("\\b")
            || full.contains("\\B");
        Ok(Fancy {
            full: compile(full)?,
            anchored: if looks_back {
                None
            } else {
                Some(compile(&format!("^(?:{full})"))?)
            },
            candidates: build_plain(&without_lookaround(full)).ok(),
        })
    }

    /// The match starting exactly at `pos` of `hay` (already cut at the search's end).
    fn match_at(&self, hay: &str, pos: usize) -> Option<(usize, usize)> {
        if !self.may_match_at(hay, pos) {
            return None;
        }
        self.confirm_at(hay, pos)
    }

    /// False when the pattern without its look-arounds does not match at `pos`, so neither does the pattern.
    fn may_match_at(&self, hay: &str, pos: usize) -> bool {
        self.candidates
            .as_ref()
            .is_none_or(|c| c.is_match(Input::new(hay).range(pos..).anchored(Anchored::Yes)))
    }

    /// `match_at` once the fast engine has found that a match may start at `pos`.
    fn confirm_at(&self, hay: &str, pos: usize) -> Option<(usize, usize)> {
        let (base, caps) = self.captures_at(hay, pos)?;
        let whole = caps.get(0)?;
        Some((base + whole.start(), base + whole.end()))
    }

    /// The groups of the match starting exactly at `pos`, and the offset their positions count from.
    fn captures_at<'h>(
        &self,
        hay: &'h str,
        pos: usize,
    ) -> Option<(usize, fancy_regex::Captures<'h>)> {
        let (base, caps) = match &self.anchored {
            Some(re) => (pos, re.captures(&hay[pos..]).ok()??),
            None => (0, self.full.captures_from_pos(hay, pos).ok()??),
        };
        (base + caps.get(0)?.start() == pos).then_some((base, caps))
    }

    fn search(&self, hay: &str, mut start: usize) -> Option<(usize, usize)> {
        let Some(candidates) = &self.candidates else {
            return self
                .full
                .find_from_pos(hay, start)
                .ok()
                .flatten()
                .map(|m| (m.start(), m.end()));
        };
        while start <= hay.len() {
            let c = candidates.search(&Input::new(hay).range(start..))?.start();
            if let Some(m) = self.confirm_at(hay, c) {
                return Some(m);
            }
            start = c + 1;
        }
        None
    }
}

/// The pattern with every look-around group removed: it matches wherever the pattern does, and more.
fn without_lookaround(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    let mut last = 0;
    for (start, end) in lookaround_groups(p) {
        out.push_str(&p[last..start]);
        last = end;
    }
    out.push_str(&p[last..]);
    out
}

/// Byte ranges of the outermost look-around groups of a pattern: "(?=", "(?!", "(?<=", "(?<!" to their ")".
fn lookaround_groups(p: &str) -> Vec<(usize, usize)> {
    let b = p.as_bytes();
    let (mut i, mut depth, mut in_class) = (0usize, 0usize, false);
    let mut open: Option<(usize, usize)> = None; // where the group opened, and the depth outside it
    let mut groups = Vec::new();
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1, // the escaped character is skipped below
            b']' if in_class => in_class = false,
            _ if in_class => {}
            b'[' => {
                in_class = true;
                // A "]" right after "[" or "[^" is a member, not the end.
                i += usize::from(b.get(i + 1) == Some(&b'^'));
                i += usize::from(b.get(i + 1) == Some(&b']'));
            }
            b'(' => {
                let rest = &p[i..];
                if open.is_none()
                    && ["(?=", "(?!", "(?<=", "(?<!"]
                        .iter()
                        .any(|o| rest.starts_with(o))
                {
                    open = Some((i, depth));
                }
                depth += 1;
            }
            b')' => {
                depth = depth.saturating_sub(1);
                if let Some((start, outside)) = open {
                    if outside == depth {
                        groups.push((start, i + 1));
                        open = None;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    groups
}

const PY_IGNORECASE: u32 = 2;
const PY_MULTILINE: u32 = 8;
const PY_DOTALL: u32 = 16;
const PY_UNICODE: u32 = 32;

/// A meta regex that compiles small patterns (all but a few of ours) to full DFAs at load, instead of the lazy DFA
/// building its states during the first thousands of articles.
fn build_plain(pattern: &str) -> Result<meta::Regex, Box<regex_automata::meta::BuildError>> {
    meta::Regex::builder()
        .configure(
            meta::Config::new()
                .dfa_state_limit(Some(FULL_DFA_NFA_STATES))
                .dfa_size_limit(Some(FULL_DFA_BYTES)),
        )
        .build(pattern)
        .map_err(Box::new)
}

const FULL_DFA_NFA_STATES: usize = 1_000;
const FULL_DFA_BYTES: usize = 2 << 20;

impl Pat {
    /// Compile a Python pattern source with its `re` flags (only I, M, S and the default U are understood).
    pub fn new(source: &str, flags: u32) -> Result<Pat, String> {
        if flags & !(PY_IGNORECASE | PY_MULTILINE | PY_DOTALL | PY_UNICODE) != 0 {
            return Err(format!("unsupported re flags {flags} for {source:?}"));
        }
        let mut prefix = String::new();
        if flags & PY_IGNORECASE != 0 {
            prefix.push_str("(?i)");
        }
        if flags & PY_MULTILINE != 0 {
            prefix.push_str("(?m)");
        }
        if flags & PY_DOTALL != 0 {
            prefix.push_str("(?s)");
        }
        let full = format!("{prefix}{source}");
        // The text is ASCII, where ASCII classes (\w, \b, \s, case folding) agree with Python's Unicode ones and
        // make smaller automata; a pattern that needs Unicode mode keeps it.
        for candidate in [format!("(?-u){full}"), full.clone()] {
            if let Ok(r) = build_plain(&candidate) {
                return Ok(Pat::Plain(r));
            }
        }
        Ok(Pat::Fancy(Box::new(Fancy::new(&full)?)))
    }

    /// Python's `pat.search(hay, start, end)`: (start, end) of the leftmost match.
    pub fn search(&self, hay: &str, start: usize, end: usize) -> Option<(usize, usize)> {
        let hay = cut(hay, start, end)?;
        match self {
            Pat::Plain(r) => r
                .search(&Input::new(hay).range(start..))
                .map(|m| (m.start(), m.end())),
            Pat::Fancy(f) => f.search(hay, start),
        }
    }

    /// Python's `pat.match(hay, pos, end)`.
    pub fn match_at(&self, hay: &str, pos: usize, end: usize) -> Option<(usize, usize)> {
        let hay = cut(hay, pos, end)?;
        match self {
            Pat::Plain(r) => r
                .search(&Input::new(hay).range(pos..).anchored(Anchored::Yes))
                .map(|m| (m.start(), m.end())),
            Pat::Fancy(f) => f.match_at(hay, pos),
        }
    }

    /// `pat.search(hay, start, end) is not None`, stopping at the first match end it sees.
    pub fn is_match(&self, hay: &str, start: usize, end: usize) -> bool {
        let Some(hay) = cut(hay, start, end) else {
            return false;
        };
        match self {
            Pat::Plain(r) => r.is_match(Input::new(hay).range(start..)),
            Pat::Fancy(f) => f.search(hay, start).is_some(),
        }
    }

    /// Python's `pat.match(whole)` on a string of its own, as a yes/no.
    pub fn matches_start(&self, s: &str) -> bool {
        match self {
            Pat::Plain(r) => r.is_match(Input::new(s).anchored(Anchored::Yes)),
            Pat::Fancy(_) => self.match_at(s, 0, s.len()).is_some(),
        }
    }

    /// Whether the named group took part in the anchored match at `pos` (only fancy patterns have groups asked of).
    pub fn match_groups(
        &self,
        hay: &str,
        pos: usize,
        end: usize,
        groups: &[&str],
    ) -> Option<(usize, Vec<bool>)> {
        let hay = cut(hay, pos, end)?;
        match self {
            Pat::Fancy(f) => {
                if !f.may_match_at(hay, pos) {
                    return None;
                }
                let (base, c) = f.captures_at(hay, pos)?;
                Some((
                    base + c.get(0)?.end(),
                    groups.iter().map(|g| c.name(g).is_some()).collect(),
                ))
            }
            Pat::Plain(r) => {
                let mut caps = r.create_captures();
                r.search_captures(
                    &Input::new(hay).range(pos..).anchored(Anchored::Yes),
                    &mut caps,
                );
                let whole = caps.get_match()?;
                let names: Vec<bool> = groups
                    .iter()
                    .map(|g| caps.get_group_by_name(g).is_some())
                    .collect();
                Some((whole.end(), names))
            }
        }
    }
}

/// The haystack as Python's `endpos` sees it (cut at `end`), or None when `start` lies past it.
fn cut(hay: &str, start: usize, end: usize) -> Option<&str> {
    let end = end.min(hay.len());
    (start <= end).then(|| &hay[..end])
}

/// `keyword_scanner.search_word_start`: the leftmost match of `\b` + pattern, the word start checked here.
pub fn search_word_start(
    pat: &Pat,
    text: &str,
    mut start: usize,
    end: usize,
) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    while let Some((s, e)) = pat.search(text, start, end) {
        if s == 0 || !(bytes[s - 1].is_ascii_alphanumeric() || bytes[s - 1] == b'_') {
            return Some((s, e));
        }
        start = s + 1;
    }
    None
}

// ---- Python str predicates on ASCII ---------------------------------------------------------------------------

/// `str.islower()`: some cased character and no upper-case one.
pub fn str_islower(s: &[u8]) -> bool {
    s.iter().any(|b| b.is_ascii_lowercase()) && !s.iter().any(|b| b.is_ascii_uppercase())
}

/// `str.isupper()`: some cased character and no lower-case one.
pub fn str_isupper(s: &[u8]) -> bool {
    s.iter().any(|b| b.is_ascii_uppercase()) && !s.iter().any(|b| b.is_ascii_lowercase())
}

/// `str.isspace()` for one ASCII character.
#[inline]
pub fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0x1c..=0x1f)
}

/// `s.find(needle, start, end)`, -1 as None. The needles are a few bytes and the spans short, where memchr on the
/// first byte beats building a substring searcher per call.
pub fn find(s: &[u8], needle: &[u8], start: usize, end: usize) -> Option<usize> {
    let end = end.min(s.len());
    let Some((&first, rest)) = needle.split_first() else {
        return (start <= end).then_some(start);
    };
    if start > end || needle.len() > end - start {
        return None;
    }
    let last_start = end - needle.len();
    let mut i = start;
    while let Some(at) = memchr::memchr(first, &s[i..=last_start]) {
        let at = i + at;
        if &s[at + 1..at + needle.len()] == rest {
            return Some(at);
        }
        i = at + 1;
        if i > last_start {
            break;
        }
    }
    None
}

/// `s.rfind(needle, start, end)`.
pub fn rfind(s: &[u8], needle: &[u8], start: usize, end: usize) -> Option<usize> {
    let end = end.min(s.len());
    let Some((&first, rest)) = needle.split_first() else {
        return (start <= end).then_some(end);
    };
    if start > end || needle.len() > end - start {
        return None;
    }
    let mut stop = end - needle.len() + 1; // candidates for the first byte lie in start..stop
    while let Some(at) = memchr::memrchr(first, &s[start..stop]) {
        let at = start + at;
        if &s[at + 1..at + needle.len()] == rest {
            return Some(at);
        }
        stop = at;
    }
    None
}

/// `s.find(byte, start, end)`.
pub fn find_byte(s: &[u8], b: u8, start: usize, end: usize) -> Option<usize> {
    let end = end.min(s.len());
    if start >= end {
        return None;
    }
    memchr::memchr(b, &s[start..end]).map(|i| i + start)
}

/// `s.rfind(byte, start, end)`.
pub fn rfind_byte(s: &[u8], b: u8, start: usize, end: usize) -> Option<usize> {
    let end = end.min(s.len());
    if start >= end {
        return None;
    }
    memchr::memrchr(b, &s[start..end]).map(|i| i + start)
}

pub fn contains(s: &[u8], needle: &[u8]) -> bool {
    find(s, needle, 0, s.len()).is_some()
}

/// Whether `hay` starts with one of `words` (first bytes compared before whole words).
pub fn starts_with_any(hay: &[u8], words: &[String]) -> bool {
    let Some(&first) = hay.first() else {
        return words.iter().any(|w| w.is_empty());
    };
    words
        .iter()
        .any(|w| w.as_bytes().first().is_none_or(|&b| b == first) && hay.starts_with(w.as_bytes()))
}

/// Whether `hay` ends with one of `words`.
pub fn ends_with_any(hay: &[u8], words: &[String]) -> bool {
    let Some(&last) = hay.last() else {
        return words.iter().any(|w| w.is_empty());
    };
    words
        .iter()
        .any(|w| w.as_bytes().last().is_none_or(|&b| b == last) && hay.ends_with(w.as_bytes()))
}
