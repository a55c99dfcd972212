//! HSDS's tabular form: a CSV data package, one file per object type (`services.csv`,
//! `locations.csv`, ...), linked by ids. Reading nests the rows into full services, as the JSON
//! feed gives them; writing flattens full services into the tables again, each object once.
//!
//! Every row is checked against its object's fields before anything is nested, so a problem is
//! named by the table, row and column it is in.

mod tables;

pub use tables::{Table, TABLES};

use crate::hsds;
use crate::{Directory, Problem, Problems, MAX_FILE_BYTES, MAX_SERVICES};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use tables::{nested, Link};

/// Files of a data package that describe the package rather than the directory.
const PASSED_OVER: [&str; 2] = ["datapackage.json", "meta_table_descriptions.csv"];

/// The rows read, by object type, each with its row number.
type Rows = HashMap<&'static str, Vec<(usize, Map<String, Value>)>>;

/// Reads a CSV data package: `files` are (name, contents); a name is matched by its last part
/// (`services.csv`); the descriptions of the package itself (`datapackage.json`,
/// `meta_table_descriptions.csv`) are passed over, and any other file is refused.
pub fn read_package(files: &[(String, Vec<u8>)]) -> Result<Directory, Problems> {
    let mut problems = Problems::default();
    let mut rows: Rows = HashMap::new();
    for (name, bytes) in files {
        let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
        if PASSED_OVER.contains(&base) {
            continue;
        }
        let Some(table) = TABLES.iter().find(|t| t.file == base) else {
            problems.push(Problem::file(
                name,
                format!(
                    "not a table of HSDS; the tables are {}",
                    TABLES.iter().map(|t| t.file).collect::<Vec<_>>().join(", ")
                ),
            ));
            continue;
        };
        if bytes.len() > MAX_FILE_BYTES {
            problems.push(Problem::file(
                base,
                format!(
                    "the file is larger than {} MB",
                    MAX_FILE_BYTES / (1024 * 1024)
                ),
            ));
            continue;
        }
        if let Some(read) = read_table(table, bytes, &mut problems) {
            rows.entry(table.kind).or_default().extend(read);
        }
    }
    if !rows.contains_key("service") && !rows.contains_key("taxonomy_term") {
        problems.push(Problem::file(
            "services.csv",
            "a data package needs services.csv (or taxonomy_terms.csv for a taxonomy alone)",
        ));
    }
    problems.clone().into_result()?;
    let services = rows.get("service").map_or(0, Vec::len);
    if services > MAX_SERVICES {
        return Err(Problem::file(
            "services.csv",
            format!("more than {MAX_SERVICES} services: import them in parts"),
        )
        .into());
    }
    let index = Index::new(&rows);
    let mut directory = Directory::default();
    for (number, row) in rows.get("service").into_iter().flatten() {
        let value = index.nest("service", row, 0);
        if index.made.get() > MAX_NESTED_OBJECTS {
            return Err(Problem::file(
                "the data package",
                format!(
                    "its rows nest into more than {MAX_NESTED_OBJECTS} objects (a row named by many others is copied into each): import it in parts"
                ),
            )
            .into());
        }
        if let Some(service) = crate::problem::read_record::<hsds::Service>(
            "services.csv",
            *number,
            value,
            &mut problems,
        ) {
            directory.services.push(service);
        }
    }
    directory.passed_over = index.unused();
    for (number, row) in rows.get("taxonomy").into_iter().flatten() {
        let value = Value::Object(row.clone());
        if let Some(t) =
            crate::problem::read_record("taxonomies.csv", *number, value, &mut problems)
        {
            directory.taxonomies.push(t);
        }
    }
    for (number, row) in rows.get("taxonomy_term").into_iter().flatten() {
        let value = Value::Object(row.clone());
        if let Some(t) =
            crate::problem::read_record("taxonomy_terms.csv", *number, value, &mut problems)
        {
            directory.taxonomy_terms.push(t);
        }
    }
    problems.into_result()?;
    Ok(directory)
}

/// One table's rows, each checked against its object's fields.
fn read_table(
    table: &Table,
    bytes: &[u8],
    problems: &mut Problems,
) -> Option<Vec<(usize, Map<String, Value>)>> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            problems.push(Problem::file(
                table.file,
                format!("the header cannot be read: {e}"),
            ));
            return None;
        }
    };
    let mut columns = Vec::with_capacity(headers.len());
    for header in &headers {
        match table.columns.iter().find(|c| **c == header.trim()) {
            Some(column) => columns.push(*column),
            None => {
                problems.push(Problem::field(
                    table.file,
                    0,
                    None,
                    header,
                    format!("not a column of {}", table.file),
                ));
                return None;
            }
        }
    }
    if !columns.contains(&"id") {
        problems.push(Problem::file(table.file, "the table has no id column"));
        return None;
    }
    let mut rows = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for (i, record) in reader.records().enumerate() {
        let number = i + 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(Problem::field(table.file, number, None, "", e.to_string()));
                continue;
            }
        };
        let mut row = Map::new();
        let id = record.get(columns.iter().position(|c| *c == "id").unwrap_or(0));
        for (column, cell) in columns.iter().zip(record.iter()) {
            if cell.is_empty() {
                continue;
            }
            let value = if table.numbers.contains(column) {
                match cell.trim().parse::<Number>() {
                    Ok(n) => Value::Number(n),
                    Err(_) => {
                        problems.push(Problem::field(
                            table.file,
                            number,
                            id,
                            *column,
                            format!("\u{201c}{cell}\u{201d} is not a number"),
                        ));
                        continue;
                    }
                }
            } else {
                Value::String(cell.to_string())
            };
            row.insert((*column).to_string(), value);
        }
        if let Some(id) = row.get("id").and_then(Value::as_str) {
            if !ids.insert(id.to_string()) {
                problems.push(Problem::field(
                    table.file,
                    number,
                    Some(id),
                    "id",
                    "this id is given twice in the table",
                ));
                continue;
            }
        }
        if flat_row_ok(table, number, &row, problems) {
            rows.push((number, row));
        }
    }
    Some(rows)
}

/// Whether a row reads as its object (required fields given).
fn flat_row_ok(
    table: &Table,
    number: usize,
    row: &Map<String, Value>,
    problems: &mut Problems,
) -> bool {
    let value = Value::Object(row.clone());
    let file = table.file;
    let before = problems.total;
    match table.kind {
        "service" => drop(crate::problem::read_record::<hsds::Service>(
            file, number, value, problems,
        )),
        "organization" => drop(crate::problem::read_record::<hsds::Organization>(
            file, number, value, problems,
        )),
        "location" => drop(crate::problem::read_record::<hsds::Location>(
            file, number, value, problems,
        )),
        "service_at_location" => drop(crate::problem::read_record::<hsds::ServiceAtLocation>(
            file, number, value, problems,
        )),
        "address" => drop(crate::problem::read_record::<hsds::Address>(
            file, number, value, problems,
        )),
        "phone" => drop(crate::problem::read_record::<hsds::Phone>(
            file, number, value, problems,
        )),
        "contact" => drop(crate::problem::read_record::<hsds::Contact>(
            file, number, value, problems,
        )),
        "schedule" => drop(crate::problem::read_record::<hsds::Schedule>(
            file, number, value, problems,
        )),
        "service_area" => drop(crate::problem::read_record::<hsds::ServiceArea>(
            file, number, value, problems,
        )),
        "language" => drop(crate::problem::read_record::<hsds::Language>(
            file, number, value, problems,
        )),
        "accessibility" => drop(crate::problem::read_record::<hsds::Accessibility>(
            file, number, value, problems,
        )),
        "cost_option" => drop(crate::problem::read_record::<hsds::CostOption>(
            file, number, value, problems,
        )),
        "funding" => drop(crate::problem::read_record::<hsds::Funding>(
            file, number, value, problems,
        )),
        "program" => drop(crate::problem::read_record::<hsds::Program>(
            file, number, value, problems,
        )),
        "required_document" => drop(crate::problem::read_record::<hsds::RequiredDocument>(
            file, number, value, problems,
        )),
        "organization_identifier" => drop(crate::problem::read_record::<
            hsds::OrganizationIdentifier,
        >(file, number, value, problems)),
        "attribute" => drop(crate::problem::read_record::<hsds::Attribute>(
            file, number, value, problems,
        )),
        "metadata" => drop(crate::problem::read_record::<hsds::Metadata>(
            file, number, value, problems,
        )),
        "taxonomy" => drop(crate::problem::read_record::<hsds::Taxonomy>(
            file, number, value, problems,
        )),
        "taxonomy_term" => drop(crate::problem::read_record::<hsds::TaxonomyTerm>(
            file, number, value, problems,
        )),
        "unit" => drop(crate::problem::read_record::<hsds::Unit>(
            file, number, value, problems,
        )),
        // A capacity's unit is required nested but given by unit_id in a table: checked once
        // nested.
        _ => {}
    }
    problems.total == before
}

/// Rows found by a column's value, per object type.
struct Index<'r> {
    rows: &'r Rows,
    by: HashMap<(&'static str, &'static str), HashMap<&'r str, Vec<usize>>>,
    /// The rows nested somewhere, by object type and position.
    used: std::cell::RefCell<std::collections::HashSet<(&'static str, usize)>>,
    /// Objects made by nesting so far (a row nested in many parents counts each time).
    made: std::cell::Cell<usize>,
}

/// The most objects nesting may make from one package: a row that many parents name is copied
/// into each, so a small package could otherwise make a very large directory.
pub const MAX_NESTED_OBJECTS: usize = 2_000_000;

/// How deep nesting may go: deeper than HSDS's own (a service's organization's location's
/// contact's phone's language is six), so a table that links in a circle stops here.
const MAX_NESTING: usize = 12;

impl<'r> Index<'r> {
    fn new(rows: &'r Rows) -> Self {
        let mut by: HashMap<(&'static str, &'static str), HashMap<&'r str, Vec<usize>>> =
            HashMap::new();
        for table in &TABLES {
            for (_, kind, link) in nested(table.kind) {
                let column = match link {
                    Link::Many(column) => *column,
                    Link::One(_) => "id",
                };
                by.entry((kind, column)).or_insert_with(|| {
                    let mut found: HashMap<&str, Vec<usize>> = HashMap::new();
                    for (i, (_, row)) in rows.get(kind).into_iter().flatten().enumerate() {
                        if let Some(key) = row.get(column).and_then(Value::as_str) {
                            found.entry(key).or_default().push(i);
                        }
                    }
                    found
                });
            }
        }
        Index {
            rows,
            by,
            used: Default::default(),
            made: Default::default(),
        }
    }

    /// The rows that nest in nothing read (services, taxonomies and terms stand alone), each
    /// named with the ids it links by.
    fn unused(&self) -> Vec<Problem> {
        let used = self.used.borrow();
        let mut notes = Vec::new();
        for table in &TABLES {
            if matches!(table.kind, "service" | "taxonomy" | "taxonomy_term") {
                continue;
            }
            for (i, (number, row)) in self.rows.get(table.kind).into_iter().flatten().enumerate() {
                if used.contains(&(table.kind, i)) {
                    continue;
                }
                let links: Vec<String> = row
                    .iter()
                    .filter(|(column, _)| column.ends_with("_id") || *column == "link_id")
                    .filter_map(|(column, v)| v.as_str().map(|v| format!("{column} {v}")))
                    .collect();
                notes.push(Problem::field(
                    table.file,
                    *number,
                    row.get("id").and_then(Value::as_str),
                    "",
                    format!(
                        "passed over: it belongs to nothing in the package ({})",
                        if links.is_empty() {
                            "it names no other record".to_string()
                        } else {
                            links.join(", ")
                        }
                    ),
                ));
            }
        }
        notes
    }

    fn found(&self, kind: &'static str, column: &'static str, key: &str) -> &[usize] {
        self.by
            .get(&(kind, column))
            .and_then(|m| m.get(key))
            .map_or(&[], Vec::as_slice)
    }

    /// `row` of `kind` with everything that nests in it.
    fn nest(&self, kind: &str, row: &Map<String, Value>, depth: usize) -> Value {
        let mut object = row.clone();
        self.made.set(self.made.get() + 1);
        if depth < MAX_NESTING && self.made.get() <= MAX_NESTED_OBJECTS {
            let id = row.get("id").and_then(Value::as_str).unwrap_or_default();
            for (field, child, link) in nested(kind) {
                let rows = self.rows.get(child).map_or(&[][..], Vec::as_slice);
                match link {
                    Link::Many(column) => {
                        let children: Vec<Value> = self
                            .found(child, column, id)
                            .iter()
                            .map(|&i| {
                                self.used.borrow_mut().insert((child, i));
                                self.nest(child, &rows[i].1, depth + 1)
                            })
                            .collect();
                        if !children.is_empty() {
                            object.insert((*field).to_string(), Value::Array(children));
                        }
                    }
                    Link::One(column) => {
                        let Some(key) = row.get(*column).and_then(Value::as_str) else {
                            continue;
                        };
                        if let Some(&i) = self.found(child, "id", key).first() {
                            self.used.borrow_mut().insert((child, i));
                            object.insert(
                                (*field).to_string(),
                                self.nest(child, &rows[i].1, depth + 1),
                            );
                        }
                    }
                }
            }
        }
        Value::Object(object)
    }
}

/// The directory as a CSV data package: (file name, contents) for each table with rows, and a
/// `datapackage.json` listing them. Every object is written once, to its table, with the ids
/// that link it to what it was nested in.
pub fn write_package(directory: &Directory) -> Vec<(String, String)> {
    let mut tables: HashMap<&'static str, Vec<Map<String, Value>>> = HashMap::new();
    let mut seen: HashMap<&'static str, std::collections::HashSet<String>> = HashMap::new();
    let mut emit = |kind: &'static str, row: Map<String, Value>| {
        let id = row
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if seen.entry(kind).or_default().insert(id) {
            tables.entry(kind).or_default().push(row);
        }
    };
    for service in &directory.services {
        let value = serde_json::to_value(service).expect("HSDS objects always serialise");
        flatten("service", value, &mut emit);
    }
    for taxonomy in &directory.taxonomies {
        let value = serde_json::to_value(taxonomy).expect("HSDS objects always serialise");
        flatten("taxonomy", value, &mut emit);
    }
    for term in &directory.taxonomy_terms {
        let value = serde_json::to_value(term).expect("HSDS objects always serialise");
        flatten("taxonomy_term", value, &mut emit);
    }
    let mut files = Vec::new();
    for table in &TABLES {
        let Some(rows) = tables.get(table.kind) else {
            continue;
        };
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer
            .write_record(table.columns)
            .expect("writing to memory");
        for row in rows {
            let cells = table.columns.iter().map(|c| match row.get(*c) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => String::new(),
            });
            writer.write_record(cells).expect("writing to memory");
        }
        let bytes = writer.into_inner().expect("writing to memory");
        files.push((
            table.file.to_string(),
            String::from_utf8(bytes).expect("CSV of UTF-8 text"),
        ));
    }
    let resources: Vec<Value> = files
        .iter()
        .map(|(file, _)| {
            serde_json::json!({
                "name": file.trim_end_matches(".csv"),
                "path": file,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
            })
        })
        .collect();
    let package = serde_json::json!({
        "profile": "tabular-data-package",
        "resources": resources,
    });
    files.push((
        "datapackage.json".to_string(),
        serde_json::to_string_pretty(&package).expect("JSON"),
    ));
    files
}

/// Emits the object `value` of `kind` and everything nested in it, each as a flat row carrying
/// the ids that link it.
fn flatten(
    kind: &'static str,
    value: Value,
    emit: &mut impl FnMut(&'static str, Map<String, Value>),
) {
    let Value::Object(mut object) = value else {
        return;
    };
    let id = object
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    for (field, child, link) in nested(kind) {
        let Some(inner) = object.remove(*field) else {
            continue;
        };
        match link {
            Link::Many(column) => {
                for mut item in inner.as_array().cloned().unwrap_or_default() {
                    if let Value::Object(fields) = &mut item {
                        fields
                            .entry(column.to_string())
                            .or_insert_with(|| Value::String(id.clone()));
                    }
                    flatten(child, item, emit);
                }
            }
            Link::One(column) => {
                if let Some(child_id) = inner.get("id").and_then(Value::as_str) {
                    object
                        .entry(column.to_string())
                        .or_insert_with(|| Value::String(child_id.to_string()));
                }
                flatten(child, inner, emit);
            }
        }
    }
    // Anything else nested (a full record's extras, such as an organization's services) is
    // not part of this object's row.
    object.retain(|_, v| !v.is_array() && !v.is_object());
    emit(kind, object);
}
