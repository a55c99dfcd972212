//! `GET /search`: one search over what every signed-in person may read
//! ([`concord_store::search`]).

use crate::error::PageError;
use crate::extract::Context;
use crate::ui::filters;
use crate::ui::{render, Layout};
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use concord_store::search::{self, Hit};
use serde::Deserialize;

/// The search box.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    /// What to look for.
    pub q: String,
}

#[derive(Template)]
#[template(path = "foundation/search.html")]
struct SearchPage {
    layout: Layout,
    q: String,
    hits: Vec<Hit>,
    per_kind: i64,
}

impl SearchPage {
    /// The kinds found, in order, each with its hits.
    fn groups(&self) -> Vec<(&'static str, Vec<&Hit>)> {
        let mut groups: Vec<(&'static str, Vec<&Hit>)> = Vec::new();
        for hit in &self.hits {
            match groups.iter_mut().find(|(k, _)| *k == hit.kind) {
                Some((_, list)) => list.push(hit),
                None => groups.push((hit.kind, vec![hit])),
            }
        }
        groups
    }
}

/// `GET /search?q=`.
pub async fn search(
    Context(state, visitor, permit): Context,
    Query(query): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let q: String = query.q.chars().take(100).collect();
    let hits = search::everything(&state.store, &q).await?;
    let title = if q.trim().is_empty() {
        "Search".to_string()
    } else {
        format!("Search: {}", q.trim())
    };
    Ok(render(&SearchPage {
        layout: Layout::new(&state, &visitor, &permit, title, "search"),
        q,
        hits,
        per_kind: search::PER_KIND,
    }))
}
