//! What the core holds after loading: the gazetteer, the automaton, the cue scanner and the rules' word lists and
//! patterns, all handed over by the Python modules that own them (`streams/classifier/rust_core.py`).

use std::collections::HashSet;

use crate::pattern::Pat;

/// An ISO 3166 alpha-3 code; byte order is the string order Python sorts by.
pub type Code = [u8; 3];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Name,
    Demonym,
    Place, // capital, city, region: gazetteer.PLACE_KINDS
    Other,
}

pub struct Alias {
    pub code: Code,
    pub kind: Kind,
    pub text: String,
    pub weight: f64,
    pub start: i64, // proleptic ordinal of the first day in office; i64::MIN when open
    pub end: i64,
}

/// Which ambiguity rule a key falls under (`actors._AMBIGUOUS_KEYS` and its parts); Plain is none.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum KeyClass {
    Plain,
    Korea,
    Congo,
    Georgia,
    Washington,
    Turkey,
    Other, // a person-risk key only
}

pub struct Entry {
    pub case_form: Option<String>, // gazetteer.case_forms: None for a blocked phrase, "" unless an acronym
    pub candidates: Vec<usize>,    // alias ids
    pub class: KeyClass,
    pub person_risk: bool,
    pub is_georgia_itself: bool, // the key "georgia" (not "georgian")
}

pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub code: Code,
    pub alias: usize, // for the alias text
    pub kind: Kind,
    pub weight: f64,
    pub venue: bool,
    pub reporter: bool,
}

impl Mention {
    pub fn of(start: usize, end: usize, code: Code, alias_id: usize, alias: &Alias) -> Mention {
        Mention {
            start,
            end,
            code,
            alias: alias_id,
            kind: alias.kind,
            weight: alias.weight,
            venue: false,
            reporter: false,
        }
    }

    /// The rules' `Alias("USA", "region", text, 0.4)`: a US state, not the government.
    pub fn us_state(&mut self) {
        self.code = *b"USA";
        self.kind = Kind::Place;
        self.weight = 0.4;
    }
}

/// What a scanner pattern is: an event cue, a clause marker or a topic keyword family.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PatternRole {
    Cue(usize),
    Subordinate,
    Relative,
    Topic(usize),
}

pub struct Cue {
    pub name: String,
    pub weight: f64,
    /// A CAMEO lexicon cue: it counts only where no hand cue clears the minimum (`event_types.choose`).
    pub lexicon: bool,
}

pub struct Rules {
    pub caucasus: Pat,
    pub us_state: Pat,
    pub wash_abbreviation: Pat,
    pub meeting_words: Pat,
    pub dateline: Pat,
    pub movement_after: Pat,
    pub us_business: Pat,
    pub attribution: Pat,
    pub media: Pat,
    pub coordination: Pat,
    pub hyphen_pair: Pat,
    pub fronted_participle: Pat,
    pub dyad_subordinate: Pat,
    pub joined: Pat,
    pub observed: Pat,
    pub received_from: Pat,
    pub passive_by: Pat,
    pub reciprocal: Pat,
    pub headline_reciprocal: Pat,
}

/// Numbers the Python modules define; read from them, never restated here.
pub struct Numbers {
    pub key_sentences: usize,
    pub min_dyad_share: f64,
    pub min_dyad_weight: f64,
    pub title_weight: f64,
    pub lead_weight: f64,
    pub body_weight: f64,
    pub bystander_factor: f64,
    pub title_bystander_factor: f64,
    pub title_bonus: f64,
    pub title_second_clause_penalty: f64,
    pub rank_penalty: f64,
    pub position_penalty: f64,
    pub subordinate_penalty: f64,
    pub relative_penalty: f64,
    pub min_score: f64,
    pub topic_scan_chars: usize,
    pub max_topics: usize,
    pub us_business_limit: usize,
    pub reporter_tail: usize,
}

pub struct Core {
    pub automaton: crate::trie::Trie,
    pub gazetteer_keys: usize,
    pub scanner_of: Vec<isize>, // automaton pattern -> scanner prefix, or -1
    pub entries: Vec<Entry>,
    pub aliases: Vec<Alias>,
    pub anchored: Vec<Vec<(usize, usize)>>, // scanner prefix -> (pattern id, zone)
    pub patterns: Vec<Pat>,
    pub roles: Vec<PatternRole>,
    pub cues: Vec<Cue>,
    pub topics: Vec<String>,
    pub hard_news: Vec<usize>, // topic ids
    pub sports: usize,
    pub ok_neighbours: HashSet<Vec<u8>>,
    pub turkey_food_after: HashSet<Vec<u8>>,
    pub turkey_food_before: HashSet<Vec<u8>>,
    pub washington_state_words: Vec<String>,
    pub venue_lead_ins: Vec<String>,
    pub state_venue_lead_ins: Vec<String>,
    pub topic_nouns_after: Vec<String>,
    pub abbreviations: HashSet<Vec<u8>>,
    pub reporter_verbs: Vec<String>,
    pub re: Rules,
    pub n: Numbers,
}
