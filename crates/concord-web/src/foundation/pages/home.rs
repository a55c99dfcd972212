//! The home page: for visitors, what Concord is; for a signed-in person, their own work (what
//! needs them today, then what they follow), from [`concord_app::work`]. `/my-work` is the same
//! page.

use crate::error::PageError;
use crate::extract::Context;
use crate::ui::filters;
use crate::ui::{render, Layout};
use askama::Template;
use axum::response::Response;
use concord_app::work::{self, Work, MEETINGS_AHEAD_DAYS, REPORT_EVERY_DAYS};

#[derive(Template)]
#[template(path = "foundation/home.html")]
struct WelcomePage {
    layout: Layout,
}

#[derive(Template)]
#[template(path = "foundation/your_work.html")]
struct WorkPage {
    layout: Layout,
    work: Work,
    report_every_days: i64,
    meetings_ahead_days: i64,
}

/// `GET /` and `GET /my-work`.
pub async fn home(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let Some(principal) = &permit.principal else {
        let layout = Layout::new(&state, &visitor, &permit, "Home", "home");
        return Ok(render(&WelcomePage { layout }));
    };
    let work = work::of(&state.store, principal, chrono::Utc::now()).await?;
    Ok(render(&WorkPage {
        layout: Layout::new(&state, &visitor, &permit, "Your work", "home"),
        work,
        report_every_days: REPORT_EVERY_DAYS,
        meetings_ahead_days: MEETINGS_AHEAD_DAYS,
    }))
}
