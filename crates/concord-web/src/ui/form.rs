//! One form page for the many small forms of governing delivery (risks, milestones, decisions...).
//!
//! A form is described as data: a list of [`Field`]s whose values come from the draft being edited
//! (any `Serialize` draft), rendered by one template in the NHS.UK style with an error summary and
//! per-field messages. Posted fields are turned back into the draft with [`parse`], which knows
//! repeated fields (`partner_ids`) and indexed ones (`impacts[0].effect`).

use super::notice::{confirmed, Next};
use super::{render, Choice, Layout};
use crate::auth::Visitor;
use crate::authz::Permit;
use crate::error::PageError;
use crate::error::Problem;
use crate::AppState;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use concord_domain::ValidationErrors;
use concord_store::StoreError;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use std::future::Future;

/// How a field is entered.
#[derive(Debug, Clone)]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// A number.
    Number,
    /// An e-mail address (a keyboard with @ on phones).
    Email,
    /// A telephone number (a number pad on phones).
    Telephone,
    /// A web address.
    Url,
    /// A password (never shown).
    Password,
    /// A search box.
    Search,
    /// Several lines.
    Textarea,
    /// Text in a language of its own (a cohort definition): monospaced, many lines, no spell-check.
    Code,
    /// A date (YYYY-MM-DD).
    Date,
    /// A time (HH:MM).
    Time,
    /// One of a list; the string is the blank option's text (empty: no blank option).
    Select(Vec<Choice>, String),
    /// A yes/no box.
    Checkbox,
    /// Any of a list: (value, label, ticked).
    Checkboxes(Vec<(String, String, bool)>),
}

/// One field of a form.
#[derive(Debug, Clone)]
pub struct Field {
    /// The posted name.
    pub name: String,
    /// The label.
    pub label: String,
    /// Help text (may be empty).
    pub hint: String,
    /// How it is entered.
    pub kind: FieldKind,
    /// The current value.
    pub value: String,
    /// The browser's autocomplete token (`given-name`, `tel`...), empty for none.
    pub autocomplete: &'static str,
}

impl Field {
    /// The HTML id: the name with brackets and dots made safe.
    pub fn html_id(&self) -> String {
        self.name.replace(['[', ']', '.'], "_")
    }

    /// The input type for text-like kinds.
    pub fn input_type(&self) -> &'static str {
        match self.kind {
            FieldKind::Date => "date",
            FieldKind::Time => "time",
            FieldKind::Email => "email",
            FieldKind::Telephone => "tel",
            FieldKind::Url => "url",
            FieldKind::Password => "password",
            FieldKind::Search => "search",
            FieldKind::Number => "text",
            _ => "text",
        }
    }

    /// True for text-like kinds rendered as `<input>`.
    pub fn is_input(&self) -> bool {
        matches!(
            self.kind,
            FieldKind::Text
                | FieldKind::Number
                | FieldKind::Date
                | FieldKind::Time
                | FieldKind::Email
                | FieldKind::Telephone
                | FieldKind::Url
                | FieldKind::Password
                | FieldKind::Search
        )
    }

    /// A one-line field of an inline form on a content page; `input_type` is the HTML type
    /// (`text`, `email`, `password`, `search`, `date`, `url`).
    pub fn input(name: &str, label: &str, hint: &str, input_type: &str, value: &str) -> Field {
        let kind = match input_type {
            "email" => FieldKind::Email,
            "password" => FieldKind::Password,
            "search" => FieldKind::Search,
            "date" => FieldKind::Date,
            "url" => FieldKind::Url,
            "tel" => FieldKind::Telephone,
            _ => FieldKind::Text,
        };
        Field::of(name, label, hint, kind, value)
    }

    /// A several-line field of an inline form.
    pub fn textarea(name: &str, label: &str, value: &str) -> Field {
        Field::of(name, label, "", FieldKind::Textarea, value)
    }

    /// A choice from a list, in an inline form; `blank` is the empty option's text (empty: none).
    pub fn select(
        name: &str,
        label: &str,
        choices: impl AsRef<[Choice]>,
        selected: &str,
        blank: &str,
    ) -> Field {
        let kind = FieldKind::Select(choices.as_ref().to_vec(), blank.to_string());
        Field::of(name, label, "", kind, selected)
    }

    /// A yes/no box of an inline form.
    pub fn of_checkbox(name: &str, label: &str, ticked: bool) -> Field {
        let value = if ticked { "true" } else { "" };
        Field::of(name, label, "", FieldKind::Checkbox, value)
    }

    fn of(name: &str, label: &str, hint: &str, kind: FieldKind, value: &str) -> Field {
        Field {
            name: name.to_string(),
            label: label.to_string(),
            hint: hint.to_string(),
            kind,
            value: value.to_string(),
            autocomplete: "",
        }
    }

    /// True when a checkbox should be ticked.
    pub fn is_checked(&self) -> bool {
        self.value == "true"
    }
}

/// Builds a form's fields from a draft's current values.
pub struct Fields {
    values: Value,
    list: Vec<Field>,
}

fn lookup<'v>(values: &'v Value, name: &str) -> Option<&'v Value> {
    let mut current = values;
    for part in name.split('.') {
        current = match part.split_once('[') {
            Some((key, rest)) => {
                let index: usize = rest.trim_end_matches(']').parse().ok()?;
                current.get(key)?.get(index)?
            }
            None => current.get(part)?,
        };
    }
    Some(current)
}

fn as_text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

impl Fields {
    /// Fields filled from `draft`.
    pub fn new<T: Serialize>(draft: &T) -> Fields {
        Fields {
            values: serde_json::to_value(draft).unwrap_or(Value::Null),
            list: Vec::new(),
        }
    }

    fn push(mut self, name: &str, label: &str, hint: &str, kind: FieldKind) -> Fields {
        let value = as_text(lookup(&self.values, name));
        self.list.push(Field {
            name: name.into(),
            label: label.into(),
            hint: hint.into(),
            kind,
            value,
            autocomplete: "",
        });
        self
    }

    /// Gives the field added last the browser's autocomplete token (WCAG 1.3.5: fields about
    /// the person filling the form in).
    pub fn autocomplete(mut self, token: &'static str) -> Fields {
        if let Some(last) = self.list.last_mut() {
            last.autocomplete = token;
        }
        self
    }

    /// A one-line text field.
    pub fn text(self, name: &str, label: &str, hint: &str) -> Fields {
        self.push(name, label, hint, FieldKind::Text)
    }

    /// An e-mail address field.
    pub fn email(self, name: &str, label: &str, hint: &str) -> Fields {
        self.push(name, label, hint, FieldKind::Email)
    }

    /// A telephone number field.
    pub fn telephone(self, name: &str, label: &str, hint: &str) -> Fields {
        self.push(name, label, hint, FieldKind::Telephone)
    }

    /// A web address field.
    pub fn url(self, name: &str, label: &str, hint: &str) -> Fields {
        self.push(name, label, hint, FieldKind::Url)
    }

    /// A number field.
    pub fn number(self, name: &str, label: &str, hint: &str) -> Fields {
        self.push(name, label, hint, FieldKind::Number)
    }

    /// A several-line text field.
    pub fn textarea(self, name: &str, label: &str, hint: &str) -> Fields {
        self.push(name, label, hint, FieldKind::Textarea)
    }

    /// Text in a language of its own, such as a cohort definition.
    pub fn code(self, name: &str, label: &str, hint: &str) -> Fields {
        self.push(name, label, hint, FieldKind::Code)
    }

    /// A date field.
    pub fn date(self, name: &str, label: &str, hint: &str) -> Fields {
        self.push(name, label, hint, FieldKind::Date)
    }

    /// A time field.
    pub fn time(self, name: &str, label: &str, hint: &str) -> Fields {
        self.push(name, label, hint, FieldKind::Time)
    }

    /// A choice of one.
    pub fn select(
        self,
        name: &str,
        label: &str,
        choices: Vec<Choice>,
        blank: &'static str,
    ) -> Fields {
        self.push(
            name,
            label,
            "",
            FieldKind::Select(choices, blank.to_string()),
        )
    }

    /// A choice from a list, with help text.
    pub fn select_with_hint(
        self,
        name: &str,
        label: &str,
        hint: &str,
        choices: Vec<Choice>,
        blank: &'static str,
    ) -> Fields {
        self.push(
            name,
            label,
            hint,
            FieldKind::Select(choices, blank.to_string()),
        )
    }

    /// A yes/no box.
    pub fn checkbox(self, name: &str, label: &str, hint: &str) -> Fields {
        self.push(name, label, hint, FieldKind::Checkbox)
    }

    /// A choice of any number, from a list field of the draft.
    pub fn checkboxes(self, name: &str, label: &str, hint: &str, choices: Vec<Choice>) -> Fields {
        let ticked: Vec<String> = lookup(&self.values, name)
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|v| as_text(Some(v))).collect())
            .unwrap_or_default();
        let options = choices
            .into_iter()
            .map(|(value, text)| {
                let on = ticked.contains(&value);
                (value, text, on)
            })
            .collect();
        self.push(name, label, hint, FieldKind::Checkboxes(options))
    }

    /// The fields built.
    pub fn build(self) -> Vec<Field> {
        self.list
    }
}

/// What a form page shows around its fields.
pub struct FormDef {
    /// The heading.
    pub heading: String,
    /// The caption above it (what the form belongs to).
    pub caption: String,
    /// A paragraph under the heading saying what the form does (empty: none).
    pub intro: String,
    /// For a consequential action: a warning callout (its label, its text) above the fields, and
    /// a warning-coloured button.
    pub warning: Option<(String, String)>,
    /// Where "Back" goes, and its text.
    pub back: (String, String),
    /// Where the form posts.
    pub action: String,
    /// The button's text.
    pub submit: String,
    /// The fields.
    pub fields: Vec<Field>,
}

#[derive(Template)]
#[template(path = "generic_form.html")]
struct FormPage {
    layout: Layout,
    def: FormDef,
    errors: ValidationErrors,
}

impl FormPage {
    fn error_for(&self, field: &Field) -> Option<&str> {
        self.errors.for_field(&field.name)
    }
}

/// Renders a form page; with errors, as 422 so tests and clients see the refusal.
pub fn form_page(mut layout: Layout, def: FormDef, errors: ValidationErrors) -> Response {
    layout.has_errors = !errors.is_empty();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (
        status,
        render(&FormPage {
            layout,
            def,
            errors,
        }),
    )
        .into_response()
}

/// Turns posted fields into a draft. Repeated names become lists when `lists` names them, and
/// `name[i].field` becomes a list of objects. The CSRF token is dropped.
pub fn parse<T: DeserializeOwned>(
    fields: &[(String, String)],
    lists: &[&str],
) -> Result<T, PageError> {
    let mut object = Map::new();
    for (key, value) in fields {
        if key == "csrf_token" {
            continue;
        }
        if let Some((name, rest)) = key.split_once('[') {
            let Some((index, field)) = rest.split_once("].") else {
                continue;
            };
            let Ok(index) = index.parse::<usize>() else {
                continue;
            };
            if index > 50 {
                continue;
            }
            let list = object
                .entry(name.to_string())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = list {
                while items.len() <= index {
                    items.push(Value::Object(Map::new()));
                }
                if let Value::Object(item) = &mut items[index] {
                    item.insert(field.to_string(), Value::String(value.clone()));
                }
            }
        } else if lists.contains(&key.as_str()) {
            let list = object
                .entry(key.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = list {
                items.push(Value::String(value.clone()));
            }
        } else {
            object.insert(key.clone(), Value::String(value.clone()));
        }
    }
    serde_json::from_value(Value::Object(object)).map_err(|e| {
        PageError(Problem::new(
            StatusCode::BAD_REQUEST,
            "form",
            "The form could not be read",
            e.to_string(),
        ))
    })
}

/// Posted form fields, in order.
pub type Posted = Vec<(String, String)>;

/// A family of small forms about one object (`{id}`, and for some forms an item of it): how to
/// show one, how to save it, and where to go once saved. [`form_handlers!`] turns each member into
/// a GET and a POST handler; a save rejected for its input shows the form again with the errors.
pub trait FormFamily: Copy + Send + Sync {
    /// The values a new form starts with.
    fn blank(
        self,
        _state: &AppState,
        _ids: (&str, &str),
    ) -> impl Future<Output = Result<Posted, PageError>> + Send {
        std::future::ready(Ok(Vec::new()))
    }

    /// The form page, filled with `posted` and showing `errors`.
    fn show(
        self,
        state: &AppState,
        visitor: &Visitor,
        permit: &Permit,
        ids: (&str, &str),
        posted: &Posted,
        errors: ValidationErrors,
    ) -> impl Future<Output = Result<Response, PageError>> + Send;

    /// Saves the form; `Ok(Err(StoreError::Invalid(_)))` shows it again.
    fn save(
        self,
        state: &AppState,
        permit: &Permit,
        ids: (&str, &str),
        posted: &Posted,
    ) -> impl Future<Output = Result<Result<(), StoreError>, PageError>> + Send;

    /// Where to go once saved, and what to say there.
    fn done(self, ids: (&str, &str)) -> Next;
}

/// GET: the empty (or prefilled) form.
pub async fn show_form<F: FormFamily>(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    ids: (&str, &str),
    which: F,
) -> Result<Response, PageError> {
    let blank = which.blank(state, ids).await?;
    which
        .show(
            state,
            visitor,
            permit,
            ids,
            &blank,
            ValidationErrors::default(),
        )
        .await
}

/// The one way a posted form ends: saved, go on to the page `next` names and confirm it there
/// (a bare path confirms "Your changes have been saved"); refused for its input,
/// show the form again with what was wrong (`again`, whose page answers 422); any other failure is
/// an error page. Every page that saves a form ends through here.
pub async fn settle<T, N, Again>(
    saved: Result<T, StoreError>,
    next: impl FnOnce(T) -> N,
    again: impl FnOnce(ValidationErrors) -> Again,
) -> Result<Response, PageError>
where
    N: Into<Next>,
    Again: Future<Output = Result<Response, PageError>>,
{
    match saved {
        Ok(value) => Ok(confirmed(next(value))),
        Err(StoreError::Invalid(errors)) => again(errors).await,
        Err(err) => Err(err.into()),
    }
}

/// POST: save, then go on; or show the form again with what was wrong.
pub async fn post_form<F: FormFamily>(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    ids: (&str, &str),
    which: F,
    posted: &Posted,
) -> Result<Response, PageError> {
    let saved = which.save(state, permit, ids, posted).await?;
    settle(
        saved,
        |()| which.done(ids),
        |errors| which.show(state, visitor, permit, ids, posted, errors),
    )
    .await
}

/// Declares the GET and POST handlers of members of a [`FormFamily`]: for each, the two handler
/// names, the member, the path's type, and a function from the path to `(id, item)`.
macro_rules! form_handlers {
    ($($new:ident, $post:ident => $which:expr, $path:ty, $ids:expr;)+) => {$(
        /// Shows this form.
        pub async fn $new(
            $crate::extract::Context(state, visitor, permit): $crate::extract::Context,
            axum::extract::Path(path): axum::extract::Path<$path>,
        ) -> Result<axum::response::Response, $crate::error::PageError> {
            let ids: (String, String) = $ids(path);
            $crate::ui::form::show_form(&state, &visitor, &permit, (&ids.0, &ids.1), $which).await
        }

        /// Saves this form.
        pub async fn $post(
            $crate::extract::Context(state, visitor, permit): $crate::extract::Context,
            axum::extract::Path(path): axum::extract::Path<$path>,
            $crate::extract::PageForm(form): $crate::extract::PageForm<$crate::ui::form::Posted>,
        ) -> Result<axum::response::Response, $crate::error::PageError> {
            let ids: (String, String) = $ids(path);
            $crate::ui::form::post_form(&state, &visitor, &permit, (&ids.0, &ids.1), $which, &form).await
        }
    )+};
}
pub(crate) use form_handlers;

/// `(id, "")` for forms about the object alone.
pub fn id_only(id: String) -> (String, String) {
    (id, String::new())
}

/// `(id, item_id)` for forms about an item of the object.
pub fn id_and_item(ids: (String, String)) -> (String, String) {
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use concord_domain::programme::BenefitDraft;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn posted_fields_become_a_draft_with_lists_and_indexed_rows() {
        let draft: BenefitDraft = parse(
            &pairs(&[
                ("csrf_token", "x"),
                ("title", "Fewer GP MSK appointments"),
                ("baseline", "420"),
                ("impacts[1].organisation_id", "trust"),
                ("impacts[0].organisation_id", "practice"),
                ("impacts[0].effect", "demand_falls"),
            ]),
            &[],
        )
        .unwrap();
        assert_eq!(draft.title, "Fewer GP MSK appointments");
        assert_eq!(draft.baseline, "420");
        assert_eq!(draft.impacts.len(), 2);
        assert_eq!(draft.impacts[0].effect, "demand_falls");
        assert_eq!(draft.impacts[1].organisation_id, "trust");
    }

    #[test]
    fn fields_take_their_values_from_the_draft_including_indexed_rows() {
        let draft: BenefitDraft = parse(&pairs(&[("impacts[0].note", "40 a week")]), &[]).unwrap();
        let fields = Fields::new(&draft)
            .text("impacts[0].note", "Note", "")
            .text("impacts[1].note", "Note", "")
            .build();
        assert_eq!(fields[0].value, "40 a week");
        assert_eq!(fields[0].html_id(), "impacts_0__note");
        assert_eq!(fields[1].value, "");
    }
}
