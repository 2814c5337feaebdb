//! dyadwatch's classifier core in Rust: `Classifier.analyse` without explanations, for ASCII text.
//!
//! The rules are the Python modules' (`streams/classifier/`); this crate repeats their steps, not their data: every
//! word list, pattern and tuning weight arrives from those modules at load time (`streams/classifier/rust_core.py`),
//! and a test holds the two paths to the same results on every labelled article we have. This file is the Python
//! boundary: loading the configuration and turning an `analysis::Outcome` into Python objects.

mod actors;
mod analysis;
mod cues;
mod dyads;
mod model;
mod pattern;
mod prepare;
mod sentences;
mod trie;

use std::collections::HashSet;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use analysis::{analyse, Outcome};
use model::{Alias, Code, Core, Cue, Entry, KeyClass, Kind, Numbers, PatternRole, Rules};
use pattern::Pat;

fn code_of(s: &str) -> PyResult<Code> {
    let b = s.as_bytes();
    if b.len() != 3 || !b.is_ascii() {
        return Err(PyValueError::new_err(format!("not an alpha-3 code: {s:?}")));
    }
    Ok([b[0], b[1], b[2]])
}

fn code_str(c: &Code) -> &str {
    std::str::from_utf8(c).unwrap_or("???")
}

fn get<'py, T: FromPyObject<'py>>(d: &Bound<'py, PyDict>, key: &str) -> PyResult<T> {
    match d.get_item(key)? {
        Some(v) => v.extract(),
        None => Err(PyValueError::new_err(format!("config lacks {key:?}"))),
    }
}

fn pat(d: &Bound<'_, PyDict>, key: &str) -> PyResult<Pat> {
    let (source, flags): (String, u32) = get(d, key)?;
    Pat::new(&source, flags).map_err(|e| PyValueError::new_err(format!("{key}: {e}")))
}

fn byte_set(words: Vec<String>) -> HashSet<Vec<u8>> {
    words.into_iter().map(String::into_bytes).collect()
}

/// (code, kind, text, weight, first day, last day) as the loader sends an alias.
type AliasRow = (String, String, String, f64, Option<i64>, Option<i64>);
/// (key, case form, candidates, rule class, person risk) as the loader sends a gazetteer entry.
type EntryRow = (String, Option<String>, Vec<AliasRow>, String, bool);

#[pyclass(frozen, module = "dyadwatch_core")]
struct NativeClassifier {
    core: Core,
    strings: Strings,
    cleaning: prepare::Cleaning,
}

/// The Python strings a result is made of, made once: codes, alias texts, topic and cue names, roles.
struct Strings {
    codes: Vec<(Code, Py<PyString>)>,
    aliases: Vec<Py<PyString>>,
    topics: Vec<Py<PyString>>,
    cues: Vec<Py<PyString>>,
    roles: [Py<PyString>; 4],
}

impl Strings {
    fn new(py: Python<'_>, core: &Core) -> Strings {
        let intern = |s: &str| PyString::intern(py, s).unbind();
        let mut codes: Vec<(Code, Py<PyString>)> = Vec::new();
        for a in &core.aliases {
            if !codes.iter().any(|(c, _)| *c == a.code) {
                codes.push((a.code, intern(code_str(&a.code))));
            }
        }
        codes.sort_by_key(|(c, _)| *c);
        Strings {
            codes,
            aliases: core
                .aliases
                .iter()
                .map(|a| PyString::new(py, &a.text).unbind())
                .collect(),
            topics: core.topics.iter().map(|t| intern(t)).collect(),
            cues: core.cues.iter().map(|c| intern(&c.name)).collect(),
            roles: ["mentioned", "source", "target", "both"].map(intern), // in `analysis::Role` order
        }
    }

    fn code<'py>(&self, py: Python<'py>, code: &Code) -> Bound<'py, PyString> {
        match self.codes.binary_search_by_key(code, |(c, _)| *c) {
            Ok(i) => self.codes[i].1.bind(py).clone(),
            Err(_) => PyString::new(py, code_str(code)),
        }
    }
}

#[pymethods]
impl NativeClassifier {
    #[new]
    fn new(config: &Bound<'_, PyDict>) -> PyResult<Self> {
        let keys: Vec<String> = get(config, "keys")?;
        let entry_rows: Vec<EntryRow> = get(config, "entries")?;
        let mut aliases = Vec::new();
        let mut entries = Vec::with_capacity(entry_rows.len());
        for (key, case_form, candidates, class, person_risk) in entry_rows {
            let mut ids = Vec::with_capacity(candidates.len());
            for (code, kind, text, weight, start, end) in candidates {
                let kind = match kind.as_str() {
                    "name" => Kind::Name,
                    "demonym" => Kind::Demonym,
                    "capital" | "city" | "region" => Kind::Place,
                    _ => Kind::Other,
                };
                ids.push(aliases.len());
                aliases.push(Alias {
                    code: code_of(&code)?,
                    kind,
                    text,
                    weight,
                    start: start.unwrap_or(i64::MIN),
                    end: end.unwrap_or(i64::MAX),
                });
            }
            let class = match class.as_str() {
                "plain" => KeyClass::Plain,
                "korea" => KeyClass::Korea,
                "congo" => KeyClass::Congo,
                "georgia" => KeyClass::Georgia,
                "washington" => KeyClass::Washington,
                "turkey" => KeyClass::Turkey,
                "other" => KeyClass::Other,
                other => {
                    return Err(PyValueError::new_err(format!(
                        "unknown key class {other:?}"
                    )))
                }
            };
            entries.push(Entry {
                case_form,
                candidates: ids,
                class,
                person_risk,
                is_georgia_itself: key == "georgia",
            });
        }
        let patterns_src: Vec<(String, String, u32)> = get(config, "patterns")?; // (name, source, flags)
        let cue_weights: Vec<(String, f64)> = get(config, "cues")?;
        let lexicon_prefix: String = get(config, "lexicon_prefix")?;
        let cue_index: std::collections::HashMap<&str, usize> = cue_weights
            .iter()
            .enumerate()
            .map(|(i, (name, _))| (name.as_str(), i))
            .collect();
        let topic_names: Vec<String> = get(config, "topics")?;
        let mut patterns = Vec::with_capacity(patterns_src.len());
        let mut roles = Vec::with_capacity(patterns_src.len());
        let subordinate: String = get(config, "subordinate_marker")?;
        for (name, source, flags) in &patterns_src {
            patterns.push(Pat::new(source, *flags).map_err(PyValueError::new_err)?);
            let role = if let Some(&i) = cue_index.get(name.as_str()) {
                PatternRole::Cue(i)
            } else if let Some(i) = topic_names
                .iter()
                .position(|t| name.strip_prefix("topic:") == Some(t.as_str()))
            {
                PatternRole::Topic(i)
            } else if *name == subordinate {
                PatternRole::Subordinate
            } else {
                PatternRole::Relative
            };
            roles.push(role);
        }
        let topic_id = |t: &str| {
            topic_names
                .iter()
                .position(|x| x == t)
                .ok_or_else(|| PyValueError::new_err(format!("no topic {t:?}")))
        };
        let hard_news_names: Vec<String> = get(config, "hard_news")?;
        let hard_news = hard_news_names
            .iter()
            .map(|t| topic_id(t))
            .collect::<PyResult<Vec<_>>>()?;
        let sports = topic_id("sports")?;
        let automaton = trie::Trie::new(&keys).map_err(PyValueError::new_err)?;
        let n: &Bound<'_, PyDict> = &config
            .get_item("numbers")?
            .ok_or_else(|| PyValueError::new_err("numbers"))?
            .downcast_into()?;
        let r: &Bound<'_, PyDict> = &config
            .get_item("rules")?
            .ok_or_else(|| PyValueError::new_err("rules"))?
            .downcast_into()?;
        let core = Core {
            automaton,
            gazetteer_keys: get(config, "gazetteer_keys")?,
            scanner_of: get(config, "scanner_of")?,
            entries,
            aliases,
            anchored: get(config, "anchored")?,
            patterns,
            roles,
            cues: cue_weights
                .iter()
                .map(|(name, weight)| Cue {
                    lexicon: name.starts_with(&lexicon_prefix),
                    name: name.clone(),
                    weight: *weight,
                })
                .collect(),
            topics: topic_names,
            hard_news,
            sports,
            ok_neighbours: byte_set(get(config, "ok_neighbours")?),
            turkey_food_after: byte_set(get(config, "turkey_food_after")?),
            turkey_food_before: byte_set(get(config, "turkey_food_before")?),
            washington_state_words: get(config, "washington_state_words")?,
            venue_lead_ins: get(config, "venue_lead_ins")?,
            state_venue_lead_ins: get(config, "state_venue_lead_ins")?,
            topic_nouns_after: get(config, "topic_nouns_after")?,
            abbreviations: byte_set(get(config, "abbreviations")?),
            reporter_verbs: get(config, "reporter_verbs")?,
            re: Rules {
                caucasus: pat(r, "caucasus")?,
                us_state: pat(r, "us_state")?,
                wash_abbreviation: pat(r, "wash_abbreviation")?,
                meeting_words: pat(r, "meeting_words")?,
                dateline: pat(r, "dateline")?,
                movement_after: pat(r, "movement_after")?,
                us_business: pat(r, "us_business")?,
                attribution: pat(r, "attribution")?,
                media: pat(r, "media")?,
                coordination: pat(r, "coordination")?,
                hyphen_pair: pat(r, "hyphen_pair")?,
                fronted_participle: pat(r, "fronted_participle")?,
                dyad_subordinate: pat(r, "dyad_subordinate")?,
                joined: pat(r, "joined")?,
                observed: pat(r, "observed")?,
                received_from: pat(r, "received_from")?,
                passive_by: pat(r, "passive_by")?,
                reciprocal: pat(r, "reciprocal")?,
                headline_reciprocal: pat(r, "headline_reciprocal")?,
            },
            n: Numbers {
                key_sentences: get(n, "key_sentences")?,
                min_dyad_share: get(n, "min_dyad_share")?,
                min_dyad_weight: get(n, "min_dyad_weight")?,
                title_weight: get(n, "title_weight")?,
                lead_weight: get(n, "lead_weight")?,
                body_weight: get(n, "body_weight")?,
                bystander_factor: get(n, "bystander_factor")?,
                title_bystander_factor: get(n, "title_bystander_factor")?,
                title_bonus: get(n, "title_bonus")?,
                title_second_clause_penalty: get(n, "title_second_clause_penalty")?,
                rank_penalty: get(n, "rank_penalty")?,
                position_penalty: get(n, "position_penalty")?,
                subordinate_penalty: get(n, "subordinate_penalty")?,
                relative_penalty: get(n, "relative_penalty")?,
                min_score: get(n, "min_score")?,
                topic_scan_chars: get(n, "topic_scan_chars")?,
                max_topics: get(n, "max_topics")?,
                us_business_limit: get(n, "us_business_limit")?,
                reporter_tail: get(n, "reporter_tail")?,
            },
        };
        if core.scanner_of.len() != keys.len() || core.entries.len() != core.gazetteer_keys {
            return Err(PyValueError::new_err(
                "keys, entries and scanner_of disagree",
            ));
        }
        let c: &Bound<'_, PyDict> = &config
            .get_item("cleaning")?
            .ok_or_else(|| PyValueError::new_err("cleaning"))?
            .downcast_into()?;
        let translation: Vec<(u32, String)> = get(c, "translation")?;
        let mut ascii = [0u8; 128];
        for (i, b) in ascii.iter_mut().enumerate() {
            *b = i as u8;
        }
        let mut other: Vec<(char, u8)> = Vec::new();
        for (point, to) in translation {
            let Some(&[to]) = Some(to.as_bytes()) else {
                return Err(PyValueError::new_err(format!(
                    "translation of {point} is not one ASCII character"
                )));
            };
            match char::from_u32(point) {
                Some(ch) if ch.is_ascii() => ascii[point as usize] = to,
                Some(ch) => other.push((ch, to)),
                None => return Err(PyValueError::new_err(format!("bad code point {point}"))),
            }
        }
        other.sort_unstable();
        let cleaning = prepare::Cleaning {
            max_title_chars: get(c, "max_title_chars")?,
            max_input_chars: get(c, "max_input_chars")?,
            ascii,
            other,
            script: pat(c, "script")?,
            markup: pat(c, "markup")?,
        };
        let strings = Strings::new(config.py(), &core);
        Ok(NativeClassifier {
            core,
            strings,
            cleaning,
        })
    }

    /// `Classifier.analyse(title, text, explain=False)`: None when cleaning leaves the text outside ASCII (the
    /// Python path answers), else `(0, truncated)`: no actor; `(1, truncated, start, end, cue text)`: the
    /// US-business fallback; `(2, truncated, actors, dyads, topics, cue, confidence)` with actors `(code, aliases,
    /// spans, mentions, weight, role)` and dyads `(dyad, source, target, weight)`.
    /// A panic (a bug here) also answers None, so the Python path still answers. The GIL stays held: releasing it
    /// cost a few per cent on one thread, and no caller classifies from several threads at once.
    #[pyo3(signature = (title, text, published=None))]
    fn analyse<'py>(
        &self,
        py: Python<'py>,
        title: &str,
        text: &str,
        published: Option<i64>,
    ) -> PyResult<Option<Bound<'py, PyTuple>>> {
        let work = || {
            let prep = self.cleaning.prepare(title, text)?;
            let out = analyse(
                &self.core,
                &prep.cleaned,
                &prep.lower,
                prep.title_end,
                published,
            );
            Some((prep, out))
        };
        let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
        let Ok(Some((prep, out))) = done else {
            return Ok(None);
        };
        out.into_py_tuple(py, &self.core, &self.strings, &prep)
            .map(Some)
    }
}

impl Outcome {
    fn into_py_tuple<'py>(
        self,
        py: Python<'py>,
        core: &Core,
        strings: &Strings,
        prep: &prepare::Prepared,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let truncated = prep.truncated;
        match self {
            Outcome::NoActor => (0, truncated).into_pyobject(py),
            Outcome::UsBusiness(s, e) => {
                (1, truncated, s, e, &prep.cleaned[s..e]).into_pyobject(py)
            }
            Outcome::Found {
                mentions,
                actors,
                dyads,
                topics,
                cue,
                confidence,
            } => {
                let actors = actors
                    .iter()
                    .map(|a| {
                        // The first alias of each distinct text, up to 32.
                        let mut ids: Vec<usize> = Vec::new();
                        for &i in &a.mentions {
                            let id = mentions[i].alias;
                            let text = &core.aliases[id].text;
                            if ids.len() < 32 && !ids.iter().any(|&j| core.aliases[j].text == *text)
                            {
                                ids.push(id);
                            }
                        }
                        let texts =
                            PyList::new(py, ids.iter().map(|&id| strings.aliases[id].bind(py)))?;
                        let spans = PyList::new(
                            py,
                            a.mentions
                                .iter()
                                .take(64)
                                .map(|&i| (mentions[i].start, mentions[i].end)),
                        )?;
                        (
                            strings.code(py, &a.code),
                            texts,
                            spans,
                            a.mentions.len(),
                            a.weight,
                            strings.roles[a.role as usize].bind(py),
                        )
                            .into_pyobject(py)
                    })
                    .collect::<PyResult<Vec<_>>>()?;
                let dyads = dyads
                    .iter()
                    .map(|d| {
                        let dir = d.direction();
                        (
                            PyString::new(py, std::str::from_utf8(&d.dyad).unwrap_or("???-???")),
                            dir.map(|(s, _)| strings.code(py, &s)),
                            dir.map(|(_, t)| strings.code(py, &t)),
                            d.weight,
                        )
                            .into_pyobject(py)
                    })
                    .collect::<PyResult<Vec<_>>>()?;
                let topics = PyList::new(py, topics.iter().map(|&t| strings.topics[t].bind(py)))?;
                let cue = cue.map(|c| strings.cues[c].bind(py));
                (2, truncated, actors, dyads, topics, cue, round3(confidence)).into_pyobject(py)
            }
        }
    }
}

/// Python's `round(x, 3)`: the correctly rounded three-decimal string read back, as Python does (ties to even on
/// the exact binary value; checked against Python on 216,066 values including every tie k/16).
fn round3(x: f64) -> f64 {
    format!("{x:.3}").parse().unwrap_or(x)
}

#[pymodule]
fn dyadwatch_core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativeClassifier>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
