//! `sentences.iter_sentence_spans`, with `_BREAK_RE` written out as a loop over the break characters:
//! `[.!?\n:](?:(?<=[.!?])[.!?]*["')\]]*\s+(?=["'(\[]?[A-Z0-9])|(?<=\n)\s*|(?<=:)\s+(?=[A-Z]))`.
//! Its repetitions never need to give back (what follows each is outside its class), so one greedy pass decides.

use std::collections::HashSet;

use crate::pattern::{is_space, rfind_byte};

pub struct Sentences<'a> {
    text: &'a [u8],
    abbreviations: &'a HashSet<Vec<u8>>,
    begin: usize,
    pos: usize,
    end: usize,
    done: bool,
}

impl<'a> Sentences<'a> {
    pub fn new(
        text: &'a [u8],
        abbreviations: &'a HashSet<Vec<u8>>,
        start: usize,
        end: usize,
    ) -> Self {
        Sentences {
            text,
            abbreviations,
            begin: start,
            pos: start,
            end,
            done: false,
        }
    }

    /// The break starting at `p` (a break character), as its end, or None.
    fn break_at(&self, p: usize) -> Option<usize> {
        let t = self.text;
        let end = self.end;
        let skip = |mut q: usize, f: &dyn Fn(u8) -> bool| {
            while q < end && f(t[q]) {
                q += 1;
            }
            q
        };
        match t[p] {
            b'.' | b'!' | b'?' => {
                let q = skip(p + 1, &|c| matches!(c, b'.' | b'!' | b'?'));
                let q = skip(q, &|c| matches!(c, b'"' | b'\'' | b')' | b']'));
                let ws = skip(q, &is_space);
                if ws == q || ws >= end {
                    return None;
                }
                let c = t[ws];
                let upper_or_digit = |c: u8| c.is_ascii_uppercase() || c.is_ascii_digit();
                if upper_or_digit(c)
                    || (matches!(c, b'"' | b'\'' | b'(' | b'[')
                        && ws + 1 < end
                        && upper_or_digit(t[ws + 1]))
                {
                    Some(ws)
                } else {
                    None
                }
            }
            b'\n' => Some(skip(p + 1, &is_space)),
            _ => {
                // ':'
                let ws = skip(p + 1, &is_space);
                if ws == p + 1 || ws >= end || !t[ws].is_ascii_uppercase() {
                    None
                } else {
                    Some(ws)
                }
            }
        }
    }

    fn next_break(&mut self) -> Option<(usize, usize)> {
        let t = self.text;
        while self.pos < self.end {
            let p = self.pos;
            if matches!(t[p], b'.' | b'!' | b'?' | b'\n' | b':') {
                if let Some(stop) = self.break_at(p) {
                    self.pos = stop;
                    return Some((p, stop));
                }
            }
            self.pos = p + 1;
        }
        None
    }
}

impl Iterator for Sentences<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        if self.done {
            return None;
        }
        while let Some((punct_at, stop)) = self.next_break() {
            if self.text[punct_at] == b'.' {
                let space = rfind_byte(self.text, b' ', self.begin, punct_at);
                let word = &self.text[space.map_or(self.begin, |s| s + 1)..punct_at];
                if word.len() == 1
                    || self.abbreviations.contains(&word.to_ascii_lowercase())
                    || (word.len() < 5 && word.contains(&b'.'))
                {
                    continue; // "U.S.", "Gen.", "J." do not end a sentence
                }
            }
            let begin = self.begin;
            self.begin = stop;
            if punct_at > begin {
                return Some((begin, stop));
            }
        }
        self.done = true;
        if self.begin < self.end {
            return Some((self.begin, self.end));
        }
        None
    }
}
