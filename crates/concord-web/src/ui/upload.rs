//! The page for loading a file (metric values, finance returns, a registered list, a service
//! directory): one template, a file field (CSV or JSON, one file or several), up to two choices
//! (what the file holds, whose it is), and the outcome (what was loaded, or every problem by
//! line and field, nothing having been loaded).

use super::{render, Choice, Layout};
use crate::error::{PageError, Problem};
use crate::security::{multipart_boundary, read_multipart, MultipartForm, MAX_UPLOAD_BYTES};
use crate::ui::filters;
use askama::Template;
use axum::body::{to_bytes, Body};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// What the upload page shows.
pub struct UploadDef {
    /// The heading.
    pub heading: String,
    /// Where the form posts.
    pub action: String,
    /// What the file must hold, one paragraph per entry.
    pub help: Vec<String>,
    /// A choice of what the file holds (field `dataset`), or none.
    pub datasets: Vec<Choice>,
    /// The chosen dataset.
    pub chosen: String,
    /// The label of the choice.
    pub choice_label: String,
    /// Where to go back to: (href, text).
    pub back: (String, String),
    /// A second choice, shown before the first (such as whose data the file is).
    pub second: Option<SecondChoice>,
    /// The file field.
    pub file: FileField,
}

/// A second choice on the upload page.
pub struct SecondChoice {
    /// Its field name.
    pub name: String,
    /// Its label.
    pub label: String,
    /// Its options: (value, label).
    pub options: Vec<Choice>,
    /// The chosen value.
    pub chosen: String,
}

/// What the file field takes.
pub struct FileField {
    /// Its label.
    pub label: String,
    /// Its hint.
    pub hint: String,
    /// The file types offered (`accept`).
    pub accept: String,
    /// Whether several files may be chosen at once.
    pub multiple: bool,
}

impl FileField {
    /// One CSV file with a header row.
    pub fn csv() -> FileField {
        FileField {
            label: "CSV file".into(),
            hint: "A file with a header row. All of it is loaded, or none of it.".into(),
            accept: ".csv,text/csv".into(),
            multiple: false,
        }
    }
}

/// The outcome of a post.
pub enum Outcome {
    /// Nothing posted yet.
    Blank,
    /// Loaded: a sentence saying what changed.
    Loaded(String),
    /// Refused: each problem (by line and field), with the id of the form control it concerns.
    Refused(Vec<(String, String)>),
}

#[derive(Template)]
#[template(path = "upload.html")]
struct UploadPage {
    layout: Layout,
    def: UploadDef,
    outcome: Outcome,
}

/// Renders the upload page with an outcome.
pub fn upload_page(mut layout: Layout, def: UploadDef, outcome: Outcome) -> Response {
    layout.has_errors = matches!(outcome, Outcome::Refused(_));
    let status = match outcome {
        Outcome::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::OK,
    };
    (
        status,
        render(&UploadPage {
            layout,
            def,
            outcome,
        }),
    )
        .into_response()
}

/// Reads a posted upload form (the CSRF layer has already checked its token).
pub async fn read_upload(headers: &HeaderMap, body: Body) -> Result<MultipartForm, PageError> {
    let bad = |detail: String| {
        PageError(Problem::new(
            StatusCode::BAD_REQUEST,
            "upload",
            "The upload could not be read",
            detail,
        ))
    };
    let boundary = multipart_boundary(headers)
        .ok_or_else(|| bad("Send the file as a multipart form".into()))?;
    let bytes = to_bytes(body, MAX_UPLOAD_BYTES)
        .await
        .map_err(|_| bad("The file is larger than 20 MB".into()))?;
    read_multipart(bytes, &boundary).await.map_err(bad)
}

impl UploadPage {
    fn file_refused(&self) -> bool {
        matches!(&self.outcome, Outcome::Refused(p) if p.iter().any(|(at, _)| at == "file"))
    }
}

/// Problems with the file itself, each linked to the file field.
pub fn file_problems(messages: impl IntoIterator<Item = String>) -> Outcome {
    Outcome::Refused(
        messages
            .into_iter()
            .map(|m| ("file".to_string(), m))
            .collect(),
    )
}

impl MultipartForm {
    /// The uploaded file's name and content, or the problem to show when none was chosen.
    pub fn chosen_file(&self) -> Result<(&str, &[u8]), Outcome> {
        self.files
            .first()
            .filter(|(_, bytes)| !bytes.is_empty())
            .map(|(name, bytes)| (name.as_str(), bytes.as_slice()))
            .ok_or_else(|| file_problems(["Choose a CSV file to load".to_string()]))
    }

    /// A text field's value, or empty.
    pub fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}
