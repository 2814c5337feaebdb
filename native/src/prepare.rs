//! `text_cleaning.prepare` for text that cleaning makes ASCII: join, cap, translate, blank markup, lower-case.
//!
//! One character in, one byte out, so an offset here is an offset into the caller's string (in characters). A
//! character that the translation leaves outside ASCII sends the article to the Python path (None).

use crate::pattern::{find, find_byte, Pat};

pub struct Cleaning {
    pub max_title_chars: usize,
    pub max_input_chars: usize,
    pub ascii: [u8; 128],       // what each ASCII character becomes
    pub other: Vec<(char, u8)>, // the other characters the translation maps into ASCII, sorted
    pub script: Pat,            // `_SCRIPT_RE`
    pub markup: Pat,            // `_MARKUP_RE`
}

pub struct Prepared {
    pub cleaned: String,
    pub lower: String,
    pub title_end: usize,
    pub truncated: bool,
}

impl Cleaning {
    fn push_translated(&self, out: &mut Vec<u8>, s: &str, limit: usize) -> Option<bool> {
        if s.is_ascii() {
            let take = s.len().min(limit);
            out.extend(s.as_bytes()[..take].iter().map(|&b| self.ascii[b as usize]));
            return Some(s.len() > limit);
        }
        for (n, c) in s.chars().enumerate() {
            if n == limit {
                return Some(true);
            }
            let b = if c.is_ascii() {
                self.ascii[c as usize]
            } else {
                match self.other.binary_search_by_key(&c, |&(k, _)| k) {
                    Ok(i) => self.other[i].1,
                    Err(_) => return None,
                }
            };
            out.push(b);
        }
        Some(false)
    }

    /// `prepare(title, text)`, or None when the cleaned text would not be ASCII.
    pub fn prepare(&self, title: &str, text: &str) -> Option<Prepared> {
        let mut buf: Vec<u8> = Vec::with_capacity(title.len() + text.len() + 2);
        let title_cut = self.push_translated(&mut buf, title, self.max_title_chars)?;
        let title_end = buf.len();
        buf.extend_from_slice(b"\n\n");
        let text_cut = self.push_translated(&mut buf, text, self.max_input_chars)?;
        if buf.contains(&b'<') || buf.contains(&b'&') {
            if find(&buf, b"<s", 0, buf.len()).is_some()
                || find(&buf, b"<S", 0, buf.len()).is_some()
            {
                self.blank_scripts(&mut buf);
            }
            self.blank_markup(&mut buf);
        }
        if buf.contains(&b'\\') {
            // `\\(['"])` -> " " + the quote, left to right without overlap.
            let mut i = 0;
            while i + 1 < buf.len() {
                if buf[i] == b'\\' && (buf[i + 1] == b'\'' || buf[i + 1] == b'"') {
                    buf[i] = b' ';
                    i += 2;
                } else {
                    i += 1;
                }
            }
        }
        let lower = buf.to_ascii_lowercase();
        // Every byte is ASCII: translated from the table, or a space or quote written above.
        let cleaned = String::from_utf8(buf).ok()?;
        let lower = String::from_utf8(lower).ok()?;
        Some(Prepared {
            cleaned,
            lower,
            title_end,
            truncated: title_cut || text_cut,
        })
    }

    /// `_SCRIPT_RE.sub(_blank, text)`.
    fn blank_scripts(&self, buf: &mut [u8]) {
        let text = String::from_utf8_lossy(buf).into_owned();
        let mut pos = 0;
        while let Some((s, e)) = self.script.search(&text, pos, text.len()) {
            buf[s..e].fill(b' ');
            pos = if e > s { e } else { e + 1 };
        }
    }

    /// `_blank_markup`: tags, comments and entities become spaces, trying the pattern only at "<" and "&".
    fn blank_markup(&self, buf: &mut [u8]) {
        let text = String::from_utf8_lossy(buf).into_owned();
        let n = buf.len();
        let mut lt = find_byte(buf, b'<', 0, n);
        let mut amp = find_byte(buf, b'&', 0, n);
        loop {
            let pos = match (lt, amp) {
                (None, None) => break,
                (Some(l), None) => l,
                (None, Some(a)) => a,
                (Some(l), Some(a)) => l.min(a),
            };
            let m = self.markup.match_at(&text, pos, n);
            let end = m.map_or(pos + 1, |(_, e)| e);
            if m.is_some() {
                buf[pos..end].fill(b' ');
            }
            if lt.is_some_and(|l| l < end) {
                lt = find_byte(text.as_bytes(), b'<', end, n);
            }
            if amp.is_some_and(|a| a < end) {
                amp = find_byte(text.as_bytes(), b'&', end, n);
            }
        }
    }
}
