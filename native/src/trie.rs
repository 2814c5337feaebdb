//! The keys (gazetteer aliases and cue prefixes) as a byte trie, walked from word starts only.
//!
//! Every use of a key match needs a word start before it (or a camel-case join for an alias), so walking the trie
//! from those positions finds every match that the Python path's overlapping Aho-Corasick pass finds and can use,
//! in the same order: by end, then by start. The text is ASCII, so keys with other characters are left out.

use std::collections::{BTreeMap, BTreeSet};

const NONE: u16 = u16::MAX;

/// One cell of the double array: the base its children's cells are found from, the cell of its parent (to check a
/// transition lands on a child of this node), and the key that ends here.
#[derive(Clone, Copy)]
struct Cell {
    base: u32, // 0: no children
    check: u16,
    key: u16,
}

/// A double-array trie: a step is two reads in an array of ~8 bytes a node, small enough to stay in the CPU's
/// cache while the rest of an article is analysed (a dense table of the same trie is 2 MB and missed it every step).
pub struct Trie {
    class_of: [u8; 256], // byte -> label 1..; 0 for bytes no key has
    cells: Vec<Cell>,
}

const FREE: u16 = u16::MAX;

impl Trie {
    pub fn new(keys: &[String]) -> Result<Trie, String> {
        if keys.len() >= NONE as usize {
            return Err(format!(
                "{} keys: the trie numbers them in 16 bits",
                keys.len()
            ));
        }
        let mut class_of = [0u8; 256];
        let mut labels = 1usize;
        let mut children: Vec<BTreeMap<u8, usize>> = vec![BTreeMap::new()];
        let mut key_of = vec![NONE];
        for (i, k) in keys
            .iter()
            .enumerate()
            .filter(|(_, k)| k.is_ascii() && !k.is_empty())
        {
            let mut node = 0usize;
            for &b in k.as_bytes() {
                if class_of[b as usize] == 0 {
                    class_of[b as usize] = labels as u8;
                    labels += 1;
                }
                let label = class_of[b as usize];
                node = match children[node].get(&label) {
                    Some(&next) => next,
                    None => {
                        children.push(BTreeMap::new());
                        key_of.push(NONE);
                        let next = children.len() - 1;
                        children[node].insert(label, next);
                        next
                    }
                };
            }
            if key_of[node] == NONE {
                key_of[node] = i as u16;
            }
        }
        // Place each node's children, breadth first, at the first base where all their cells are free.
        let mut cells = vec![Cell {
            base: 0,
            check: FREE,
            key: NONE,
        }];
        cells[0].check = 0;
        let mut queue: Vec<(usize, usize)> = vec![(0, 0)]; // (node, cell)
        let mut free: BTreeSet<usize> = BTreeSet::new(); // free cells below cells.len()
        let mut i = 0;
        while i < queue.len() {
            let (node, cell) = queue[i];
            i += 1;
            let kids = &children[node];
            if kids.is_empty() {
                continue;
            }
            let first_label = *kids.keys().next().unwrap() as usize;
            let fits = |base: usize, cells: &Vec<Cell>| {
                kids.keys()
                    .all(|&l| cells.get(base + l as usize).is_none_or(|c| c.check == FREE))
            };
            // The first label goes into a free cell (or past the end): try those only.
            let base = free
                .iter()
                .filter(|&&f| f > first_label)
                .map(|&f| f - first_label)
                .find(|&b| fits(b, &cells))
                .unwrap_or_else(|| (cells.len().max(first_label + 1)) - first_label);
            let top = base + *kids.keys().last().unwrap() as usize;
            if top >= cells.len() {
                free.extend(cells.len()..=top);
                cells.resize(
                    top + 1,
                    Cell {
                        base: 0,
                        check: FREE,
                        key: NONE,
                    },
                );
            }
            if cell >= FREE as usize || base > u32::MAX as usize {
                return Err("trie too large for its 16-bit cells".into());
            }
            cells[cell].base = base as u32;
            for (&l, &child) in kids {
                let at = base + l as usize;
                cells[at] = Cell {
                    base: 0,
                    check: cell as u16,
                    key: key_of[child],
                };
                free.remove(&at);
                queue.push((child, at));
            }
        }
        if cells.len() >= FREE as usize {
            return Err(format!(
                "{} trie cells: more than 16 bits can number",
                cells.len()
            ));
        }
        Ok(Trie { class_of, cells })
    }

    /// The cell of `cell`'s child on byte `b`, or 0.
    #[inline]
    fn child(&self, cell: usize, b: u8) -> usize {
        let label = self.class_of[b as usize] as usize;
        let base = self.cells[cell].base as usize;
        if label == 0 || base == 0 {
            return 0;
        }
        match self.cells.get(base + label) {
            Some(c) if c.check as usize == cell => base + label,
            _ => 0,
        }
    }

    /// Every key occurrence in `lower` that starts a word of `cased` (or a camel-case join: "KoreaNorth"), as (key,
    /// start, end), ordered by end and then start.
    pub fn find(&self, lower: &[u8], cased: &[u8]) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::with_capacity(64);
        let n = lower.len();
        let (mut prev_alnum, mut prev_lower) = (false, false);
        for p in 0..n {
            let c = cased[p];
            let starts = !prev_alnum || (prev_lower && c.is_ascii_uppercase());
            prev_alnum = c.is_ascii_alphanumeric();
            prev_lower = c.is_ascii_lowercase();
            if !starts {
                continue;
            }
            let mut cell = self.child(0, lower[p]);
            let mut q = p;
            while cell != 0 {
                q += 1;
                let k = self.cells[cell].key;
                if k != NONE {
                    out.push((k as usize, p, q));
                }
                if q == n {
                    break;
                }
                cell = self.child(cell, lower[q]);
            }
        }
        out.sort_unstable_by_key(|&(_, s, e)| (e, s));
        out
    }
}
