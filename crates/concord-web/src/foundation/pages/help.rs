//! Help for people: a page per capability, a glossary of the terms Concord uses (linked from where
//! they appear), and the accessibility statement, privacy notice and contact page every NHS
//! service publishes. All are public: a resident reading the plans may need them too.

use crate::error::PageError;
use crate::extract::Context;
use crate::ui::{render, Layout};
use askama::Template;
use axum::response::Response;
use concord_domain::Role;
use concord_store::people::{self, Membership};

/// One term of the glossary: its anchor, its name and what it means.
pub struct Term {
    /// The anchor (`/help/glossary#{id}`).
    pub id: &'static str,
    /// The term.
    pub name: &'static str,
    /// What it means, in plain English.
    pub meaning: &'static str,
}

/// The glossary, alphabetically.
pub const GLOSSARY: &[Term] = &[
    Term { id: "bcf", name: "Better Care Fund (BCF) and section 75", meaning: "Pooled budgets: money the NHS and a council put into one pot under an agreement (section 75 of the NHS Act 2006). Concord shows each partner's contribution, spend and share." },
    Term { id: "break-glass", name: "Break glass", meaning: "Seeing, for a patient's direct care, the worklist of a practice you do not work in. You must give a reason; it is recorded before anything is shown and an administrator reviews it." },
    Term { id: "bridges-to-health", name: "Bridges to Health segments", meaning: "A way of grouping a population by health need, from healthy through long-term conditions and frailty to end of life, so services can be planned for each group. Each person is in one segment, the highest that applies." },
    Term { id: "confidence-interval", name: "Confidence interval (95%)", meaning: "The range a figure's true value most likely lies in, given the chance variation between simulated replications: if the simulation were repeated many times, 95 in 100 such ranges would contain it. A narrow range means the figure is known precisely; more replications narrow it." },
    Term { id: "consent", name: "Consent decision-making", meaning: "A proposal is adopted when enough partner organisations (the quorum) have responded and none objects. A concern is recorded but does not block; an objection blocks until it is withdrawn or the proposal is amended." },
    Term { id: "disclosure", name: "Disclosure control", meaning: "Counts of people are published so that nobody can be identified: counts from 1 to 9 are shown as \"<10\", others are rounded to the nearest 5, and where a hidden count could be worked out from the totals, more cells are withheld and shown as \"x\"." },
    Term { id: "efi", name: "Electronic frailty index (eFI)", meaning: "A score from a person's GP record: the share of 36 deficits (conditions, symptoms, disabilities) they have. Over 0.12 is mild frailty, over 0.24 moderate, over 0.36 severe (Clegg and others, Age and Ageing, 2016)." },
    Term { id: "imd", name: "Index of Multiple Deprivation (IMD)", meaning: "The official measure of relative deprivation for small areas (LSOAs) in England. Decile 1 is the most deprived tenth of areas." },
    Term { id: "lsoa", name: "Lower layer super output area (LSOA)", meaning: "A small area of about 1,500 residents used for official statistics. Concord keeps a person's LSOA, never their address." },
    Term { id: "pdsa", name: "Plan, do, study, act (PDSA)", meaning: "A cycle for testing a change on a small scale: plan it with a prediction, try it, study what happened against the prediction, then adopt, adapt or abandon it." },
    Term { id: "raid", name: "RAID log", meaning: "A programme's risks, assumptions, issues and dependencies. A risk is scored by likelihood times impact (each 1 to 5), so from 1 to 25." },
    Term { id: "schulze", name: "Schulze method", meaning: "A way of combining every partner's ranking of priorities into one order. It compares each pair of areas by how many partners rank one above the other, and follows the strongest chains of such wins. Where the rankings do not decide an order, Concord says the areas are tied rather than invent one." },
    Term { id: "spc", name: "Statistical process control (SPC) and XmR charts", meaning: "Charts that separate normal variation from a real change. An XmR chart plots each value with its mean and process limits worked out from the moving ranges; points outside the limits, runs of points on one side of the mean and trends are signals. Concord follows NHS England's Making Data Count guidance." },
    Term { id: "spread", name: "Spread", meaning: "How much partners disagree about an area's priority: the standard deviation of the ranks they gave it. A larger spread means the area is more contested." },
    Term { id: "tau-b", name: "Kendall's tau-b", meaning: "How alike two partners' rankings are, from −1 (exactly opposite orders) through 0 (unrelated) to +1 (the same order), allowing for ties." },
];

#[derive(Template)]
#[template(path = "foundation/help/index.html")]
struct HelpPage {
    layout: Layout,
}

#[derive(Template)]
#[template(path = "foundation/help/glossary.html")]
struct GlossaryPage {
    layout: Layout,
    terms: &'static [Term],
}

#[derive(Template)]
#[template(path = "foundation/help/accessibility.html")]
struct AccessibilityPage {
    layout: Layout,
}

#[derive(Template)]
#[template(path = "foundation/help/privacy.html")]
struct PrivacyPage {
    layout: Layout,
}

#[derive(Template)]
#[template(path = "foundation/help/contact.html")]
struct ContactPage {
    layout: Layout,
    /// The administrators, by name: shown only to people signed in.
    administrators: Vec<Membership>,
    /// The organisations they work for, each once: what the public sees.
    organisations: Vec<String>,
}

/// `GET /help`: how to do the main job of each capability.
pub async fn help(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let layout = Layout::new(&state, &visitor, &permit, "Help", "help");
    Ok(render(&HelpPage { layout }))
}

/// `GET /help/glossary`.
pub async fn glossary(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let layout = Layout::new(&state, &visitor, &permit, "Glossary", "help");
    Ok(render(&GlossaryPage {
        layout,
        terms: GLOSSARY,
    }))
}

/// `GET /accessibility`: the accessibility statement.
pub async fn accessibility(
    Context(state, visitor, permit): Context,
) -> Result<Response, PageError> {
    let layout = Layout::new(&state, &visitor, &permit, "Accessibility statement", "help");
    Ok(render(&AccessibilityPage { layout }))
}

/// `GET /privacy`: the privacy notice.
pub async fn privacy(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let layout = Layout::new(&state, &visitor, &permit, "Privacy notice", "help");
    Ok(render(&PrivacyPage { layout }))
}

/// `GET /contact`: who runs Concord for the partnership. Administrators' names and organisations
/// are shown to everyone; nothing else about them.
pub async fn contact(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let layout = Layout::new(&state, &visitor, &permit, "Contact", "help");
    let mut administrators =
        people::memberships_with_role(&state.store, Role::SystemAdministrator).await?;
    let mut organisations: Vec<String> = administrators
        .iter()
        .map(|a| a.organisation_name.clone())
        .collect();
    organisations.sort();
    organisations.dedup();
    // Staff names are for colleagues: a member of the public is told the organisation only.
    if permit.principal.is_none() {
        administrators.clear();
    }
    Ok(render(&ContactPage {
        layout,
        administrators,
        organisations,
    }))
}
