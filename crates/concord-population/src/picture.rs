//! The population picture: every committed batch read into memory as one linked, columnar view,
//! a person per pseudonym with their events side by side, for the cohort engine and the measures.
//!
//! People are linked across sources by pseudonym. A person's demographics come from the latest
//! batch that has each field (a GP record names the practice; any source may bring a newer LSOA or
//! a death). Events are held per person in contiguous runs (`offsets`), codes interned once.
//! Buckets are read in parallel; every bucket's rows are already sorted by pseudonym, so a person's
//! events are found without a join.

use crate::parquet_files::{read_columns, read_columns_where, strings};
use crate::store::{Manifest, PopulationStore, StoreError};
use arrow_array::{Array, Date32Array, Float64Array, RecordBatch};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// No value, in a column of indexes.
pub const NONE: u32 = u32::MAX;
/// No date, in a column of days.
pub const NO_DATE: i32 = i32::MIN;

/// Sex, as held in the picture.
pub mod sex {
    /// Not known.
    pub const UNKNOWN: u8 = 0;
    /// Female.
    pub const FEMALE: u8 = 1;
    /// Male.
    pub const MALE: u8 = 2;
    /// Other.
    pub const OTHER: u8 = 3;
}

/// The kinds of event, as held in the picture (the order of the `kind` names).
pub const KINDS: [&str; 5] = [
    "encounter",
    "condition",
    "observation",
    "procedure",
    "medication",
];

/// Which events a picture holds: all of them, or only those a question needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum EventScope {
    /// Every event: what the derived measures (eFI, segments, medicines) need.
    #[default]
    All,
    /// Only events coded from these codes (read from disk only for those rows).
    Codes(Arc<HashSet<String>>),
}

/// Values interned to small numbers.
#[derive(Debug, Clone, Default)]
pub struct Dictionary {
    values: Vec<String>,
    index: HashMap<String, u32>,
}

impl Dictionary {
    /// The number of a value, adding it if new.
    pub fn intern(&mut self, value: &str) -> u32 {
        if let Some(&i) = self.index.get(value) {
            return i;
        }
        let i = u32::try_from(self.values.len()).expect("under 4 billion values");
        self.values.push(value.to_string());
        self.index.insert(value.to_string(), i);
        i
    }

    /// The number of a value, if present.
    pub fn get(&self, value: &str) -> Option<u32> {
        self.index.get(value).copied()
    }

    /// The value of a number.
    pub fn value(&self, i: u32) -> &str {
        &self.values[i as usize]
    }

    /// How many values.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// All values, by number.
    pub fn values(&self) -> &[String] {
        &self.values
    }
}

/// The linked population, in memory.
#[derive(Debug, Clone, Default)]
pub struct Picture {
    /// Each person's pseudonym.
    pub pseudonyms: Vec<String>,
    /// Sex ([`sex`]).
    pub sex: Vec<u8>,
    /// Month of birth (its first day, days since 1970), or [`NO_DATE`].
    pub birth: Vec<i32>,
    /// Month of death, or [`NO_DATE`].
    pub death: Vec<i32>,
    /// LSOA (number in `lsoas`), or [`NONE`].
    pub lsoa: Vec<u32>,
    /// Registered practice (number in `practices`), or [`NONE`].
    pub practice: Vec<u32>,
    /// Where each person's events start in the event columns; one more entry than people.
    pub offsets: Vec<u32>,
    /// Event kind (index into [`KINDS`]).
    pub kind: Vec<u8>,
    /// Event code (number in `codes`), or [`NONE`].
    pub code: Vec<u32>,
    /// Event date (days since 1970), or [`NO_DATE`].
    pub date: Vec<i32>,
    /// Event value, or NaN.
    pub value: Vec<f32>,
    /// Encounter class (number in `classes`), or [`NONE`].
    pub class: Vec<u32>,
    /// Codes.
    pub codes: Dictionary,
    /// Encounter classes.
    pub classes: Dictionary,
    /// LSOA codes.
    pub lsoas: Dictionary,
    /// Practice ODS codes.
    pub practices: Dictionary,
    /// The batches read, oldest first.
    pub batches: Vec<Manifest>,
    /// Which events were read.
    pub scope: EventScope,
}

impl Picture {
    /// People in the picture.
    pub fn len(&self) -> usize {
        self.pseudonyms.len()
    }

    /// Whether it holds no one.
    pub fn is_empty(&self) -> bool {
        self.pseudonyms.is_empty()
    }

    /// The range of a person's events in the event columns.
    pub fn events(&self, person: usize) -> std::ops::Range<usize> {
        self.offsets[person] as usize..self.offsets[person + 1] as usize
    }

    /// When the newest batch was committed: what the picture is "as of".
    pub fn as_of(&self) -> Option<&str> {
        self.batches.iter().map(|b| b.committed_at.as_str()).max()
    }

    /// The date the data runs to: the latest of the batches' recorded dates; for batches written
    /// before those were recorded, the latest event date on or before the newest commit date.
    pub fn data_to(&self) -> Option<i32> {
        let recorded = self
            .batches
            .iter()
            .filter_map(|b| b.data_to.as_deref())
            .filter_map(crate::table::epoch_days)
            .max();
        if recorded.is_some() && self.batches.iter().all(|b| b.data_to.is_some()) {
            return recorded;
        }
        let commit_day = self
            .as_of()
            .and_then(|t| t.get(..10))
            .and_then(crate::table::epoch_days)
            .unwrap_or(i32::MAX);
        self.date
            .iter()
            .copied()
            .filter(|&d| d != NO_DATE && d <= commit_day)
            .max()
            .max(recorded)
    }

    /// Reads every committed batch of the store, every event included.
    pub fn load(store: &PopulationStore) -> Result<Picture, StoreError> {
        Picture::load_scoped(store, &EventScope::All)
    }

    /// Reads every committed batch of the store, a bucket per thread at a time: every person,
    /// and the events `scope` asks for.
    pub fn load_scoped(
        store: &PopulationStore,
        events: &EventScope,
    ) -> Result<Picture, StoreError> {
        let batches = store.manifests()?;
        let buckets = usize::from(store.buckets());
        let next = AtomicUsize::new(0);
        let results: Mutex<Vec<Option<BucketPicture>>> = Mutex::new(vec![None; 0]);
        results
            .lock()
            .expect("not poisoned")
            .resize_with(buckets, || None);
        let failure: Mutex<Option<StoreError>> = Mutex::new(None);
        let threads = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .min(8);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| loop {
                    let bucket = next.fetch_add(1, Ordering::Relaxed);
                    if bucket >= buckets {
                        break;
                    }
                    match read_bucket(store, &batches, bucket as u16, events) {
                        Ok(part) => results.lock().expect("not poisoned")[bucket] = Some(part),
                        Err(e) => {
                            failure.lock().expect("not poisoned").get_or_insert(e);
                            break;
                        }
                    }
                });
            }
        });
        if let Some(e) = failure.into_inner().expect("not poisoned") {
            return Err(e);
        }
        let mut picture = Picture {
            batches,
            scope: events.clone(),
            offsets: vec![0],
            ..Picture::default()
        };
        for part in results
            .into_inner()
            .expect("not poisoned")
            .into_iter()
            .flatten()
        {
            picture.append(part);
        }
        Ok(picture)
    }

    fn append(&mut self, part: BucketPicture) {
        let remap = |local: &Dictionary, global: &mut Dictionary| -> Vec<u32> {
            local.values().iter().map(|v| global.intern(v)).collect()
        };
        let codes = remap(&part.codes, &mut self.codes);
        let classes = remap(&part.classes, &mut self.classes);
        let lsoas = remap(&part.lsoas, &mut self.lsoas);
        let practices = remap(&part.practices, &mut self.practices);
        let to = |map: &[u32], i: u32| if i == NONE { NONE } else { map[i as usize] };
        let base = *self.offsets.last().expect("starts with 0");
        for person in part.people {
            self.pseudonyms.push(person.pseudonym);
            self.sex.push(person.sex);
            self.birth.push(person.birth);
            self.death.push(person.death);
            self.lsoa.push(to(&lsoas, person.lsoa));
            self.practice.push(to(&practices, person.practice));
        }
        self.offsets
            .extend(part.offsets[1..].iter().map(|o| base + o));
        self.kind.extend_from_slice(&part.kind);
        self.code.extend(part.code.iter().map(|&c| to(&codes, c)));
        self.date.extend_from_slice(&part.date);
        self.value.extend_from_slice(&part.value);
        self.class
            .extend(part.class.iter().map(|&c| to(&classes, c)));
    }
}

#[derive(Debug, Clone)]
struct PersonRow {
    pseudonym: String,
    sex: u8,
    birth: i32,
    death: i32,
    lsoa: u32,
    practice: u32,
}

/// One bucket's people and events, with its own dictionaries.
#[derive(Debug, Clone, Default)]
struct BucketPicture {
    people: Vec<PersonRow>,
    offsets: Vec<u32>,
    kind: Vec<u8>,
    code: Vec<u32>,
    date: Vec<i32>,
    value: Vec<f32>,
    class: Vec<u32>,
    codes: Dictionary,
    classes: Dictionary,
    lsoas: Dictionary,
    practices: Dictionary,
}

/// Interns a text column's values: for a dictionary column, each dictionary value once; then
/// `lookup(i)` gives row `i`'s number (or [`NONE`]).
struct Interned<'a> {
    text: crate::table::Text<'a>,
    numbers: Vec<u32>,
}

impl<'a> Interned<'a> {
    fn new(text: crate::table::Text<'a>, dictionary: &mut Dictionary) -> Self {
        let numbers = text
            .dictionary()
            .map(|values| {
                (0..values.len())
                    .map(|i| dictionary.intern(values.value(i)))
                    .collect()
            })
            .unwrap_or_default();
        Interned { text, numbers }
    }

    fn lookup(&self, i: usize, dictionary: &mut Dictionary) -> u32 {
        if !self.text.is_valid(i) {
            return NONE;
        }
        match self.text.key(i) {
            Some(k) => self.numbers[k],
            None => dictionary.intern(self.text.value(i)),
        }
    }
}

fn dates(rows: &RecordBatch, column: usize) -> &Date32Array {
    rows.column(column)
        .as_any()
        .downcast_ref::<Date32Array>()
        .expect("a date column")
}

fn read_bucket(
    store: &PopulationStore,
    batches: &[Manifest],
    bucket: u16,
    scope: &EventScope,
) -> Result<BucketPicture, StoreError> {
    let mut part = BucketPicture::default();
    let mut people: HashMap<String, usize> = HashMap::new();
    // Patients, oldest batch first, so a later batch's fields replace an earlier one's.
    for batch in batches {
        let path = store.table_file(&batch.batch, "patients", bucket);
        if !path.exists() {
            continue;
        }
        for rows in read_columns(&path, &[0, 3, 4, 5, 6, 7])? {
            let pseudonym = strings(&rows, 0);
            let sexes = strings(&rows, 1);
            let births = dates(&rows, 2);
            let lsoas = Interned::new(strings(&rows, 3), &mut part.lsoas);
            let practices = Interned::new(strings(&rows, 4), &mut part.practices);
            let deaths = dates(&rows, 5);
            for i in 0..rows.num_rows() {
                let at = *people
                    .entry(pseudonym.value(i).to_string())
                    .or_insert_with(|| {
                        part.people.push(PersonRow {
                            pseudonym: pseudonym.value(i).to_string(),
                            sex: sex::UNKNOWN,
                            birth: NO_DATE,
                            death: NO_DATE,
                            lsoa: NONE,
                            practice: NONE,
                        });
                        part.people.len() - 1
                    });
                let person = &mut part.people[at];
                let s = match sexes.value(i) {
                    "female" => sex::FEMALE,
                    "male" => sex::MALE,
                    "other" => sex::OTHER,
                    _ => sex::UNKNOWN,
                };
                if s != sex::UNKNOWN {
                    person.sex = s;
                }
                if births.is_valid(i) {
                    person.birth = births.value(i);
                }
                if deaths.is_valid(i) {
                    person.death = deaths.value(i);
                }
                let lsoa = lsoas.lookup(i, &mut part.lsoas);
                if lsoa != NONE {
                    person.lsoa = lsoa;
                }
                let practice = practices.lookup(i, &mut part.practices);
                if practice != NONE {
                    person.practice = practice;
                }
            }
        }
    }
    // Events: (person, kind, code, date, value, class), then grouped by person.
    let mut owner: Vec<u32> = Vec::new();
    let mut gathered = BucketPicture::default();
    for batch in batches {
        let path = store.table_file(&batch.batch, "events", bucket);
        if !path.exists() {
            continue;
        }
        let columns = [0, 2, 5, 6, 7, 9];
        let read = match scope {
            EventScope::All => read_columns(&path, &columns)?,
            EventScope::Codes(codes) => read_columns_where(&path, &columns, 5, codes)?,
        };
        for rows in read {
            let pseudonym = strings(&rows, 0);
            let kinds = strings(&rows, 1);
            let kind_of: Vec<u8> = match kinds.dictionary() {
                Some(values) => (0..values.len())
                    .map(|k| {
                        KINDS
                            .iter()
                            .position(|x| *x == values.value(k))
                            .unwrap_or(0) as u8
                    })
                    .collect(),
                None => Vec::new(),
            };
            let codes = Interned::new(strings(&rows, 2), &mut part.codes);
            let event_dates = dates(&rows, 3);
            let values = rows
                .column(4)
                .as_any()
                .downcast_ref::<Float64Array>()
                .expect("a number column");
            let classes = Interned::new(strings(&rows, 5), &mut part.classes);
            let mut current: Option<(usize, u32)> = None;
            for i in 0..rows.num_rows() {
                let person = match current {
                    Some((row, person)) if pseudonym.value(row) == pseudonym.value(i) => person,
                    _ => {
                        let key = pseudonym.value(i);
                        let person = match people.get(key) {
                            Some(&p) => p,
                            None => {
                                part.people.push(PersonRow {
                                    pseudonym: key.to_string(),
                                    sex: sex::UNKNOWN,
                                    birth: NO_DATE,
                                    death: NO_DATE,
                                    lsoa: NONE,
                                    practice: NONE,
                                });
                                people.insert(key.to_string(), part.people.len() - 1);
                                part.people.len() - 1
                            }
                        } as u32;
                        current = Some((i, person));
                        person
                    }
                };
                owner.push(person);
                gathered.kind.push(match kinds.key(i) {
                    Some(k) => kind_of[k],
                    None => KINDS.iter().position(|k| *k == kinds.value(i)).unwrap_or(0) as u8,
                });
                gathered.code.push(codes.lookup(i, &mut part.codes));
                gathered.date.push(if event_dates.is_valid(i) {
                    event_dates.value(i)
                } else {
                    NO_DATE
                });
                gathered.value.push(if values.is_valid(i) {
                    values.value(i) as f32
                } else {
                    f32::NAN
                });
                gathered.class.push(classes.lookup(i, &mut part.classes));
            }
        }
    }
    // People in pseudonym order; each person's events together, in date order.
    let mut order: Vec<usize> = (0..part.people.len()).collect();
    order.sort_by(|&a, &b| part.people[a].pseudonym.cmp(&part.people[b].pseudonym));
    let mut rank = vec![0u32; order.len()];
    for (r, &p) in order.iter().enumerate() {
        rank[p] = r as u32;
    }
    part.offsets = vec![0; order.len() + 1];
    for &o in &owner {
        part.offsets[rank[o as usize] as usize + 1] += 1;
    }
    for i in 1..part.offsets.len() {
        part.offsets[i] += part.offsets[i - 1];
    }
    // A counting sort by person (each event straight to its person's run, in the order read),
    // then each person's few events by date.
    let mut next_slot: Vec<u32> = part.offsets[..order.len()].to_vec();
    let mut events: Vec<u32> = vec![0; owner.len()];
    for (e, &o) in owner.iter().enumerate() {
        let slot = &mut next_slot[rank[o as usize] as usize];
        events[*slot as usize] = e as u32;
        *slot += 1;
    }
    for person in part.offsets.windows(2) {
        let run = &mut events[person[0] as usize..person[1] as usize];
        if run.len() > 1 {
            run.sort_by_key(|&e| gathered.date[e as usize]);
        }
    }
    let take = |column: &[u32]| {
        events
            .iter()
            .map(|&e| column[e as usize])
            .collect::<Vec<_>>()
    };
    part.code = take(&gathered.code);
    part.class = take(&gathered.class);
    part.kind = events.iter().map(|&e| gathered.kind[e as usize]).collect();
    part.date = events.iter().map(|&e| gathered.date[e as usize]).collect();
    part.value = events.iter().map(|&e| gathered.value[e as usize]).collect();
    let people = std::mem::take(&mut part.people);
    part.people = order.into_iter().map(|p| people[p].clone()).collect();
    Ok(part)
}
