//! Concord's web service: server-rendered pages in the NHS.UK design system and a JSON API.
//!
//! A request passes, in order: the security headers layer, [`auth::authenticate`] (who is this: a
//! session cookie for pages, a bearer token for the API), [`security::csrf`] (state-changing page
//! forms must carry the session's token), then the route's own guard from [`routes`], which asks the
//! domain's authorisation policy and records refusals in the audit log. Handlers run only after all
//! of that, and receive the [`authz::Permit`] that names the actor for the audit log.

pub mod agree;
pub mod api;
pub mod assets;
pub mod auth;
pub mod authz;
pub mod deliver;
pub mod design;
pub mod error;
pub mod extract;
pub mod foundation;
pub mod listen;
pub mod measure;
pub mod pdf;
pub mod refer;
pub mod ui;
pub use concord_app::population;
pub mod routes;
pub mod security;
pub mod understand;

use concord_store::Store;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The operational store.
    pub store: Store,
    /// The system's name, shown in the header, for example "Riverside and Vale ICS".
    pub system_name: String,
    /// The population picture and its configuration.
    pub population: std::sync::Arc<population::Population>,
    /// Reverse proxies whose `X-Forwarded-For` names the real client (none by default).
    pub trusted_proxies: std::sync::Arc<Vec<std::net::IpAddr>>,
    /// Whether a mail server is set up, so that notifications can also go by e-mail.
    pub mail_configured: bool,
    /// Refer's settings (SWEMWBS, where licensed).
    pub refer: std::sync::Arc<concord_app::refer::settings::ReferSettings>,
    /// How the system publishes to other Concord systems (its signing key and publisher name).
    pub exchange: std::sync::Arc<concord_app::listen::exchange::ExchangeSettings>,
    /// Consultations' public results, counted at most once a day.
    pub published: std::sync::Arc<concord_app::listen::published::Cache>,
}

impl AppState {
    /// State over `store` for a system called `system_name`.
    pub fn new(store: Store, system_name: impl Into<String>) -> Self {
        AppState::with_population(store, system_name, population::PopulationConfig::default())
    }

    /// State with the population data configured.
    pub fn with_population(
        store: Store,
        system_name: impl Into<String>,
        config: population::PopulationConfig,
    ) -> Self {
        AppState {
            store,
            system_name: system_name.into(),
            population: std::sync::Arc::new(population::Population::new(config)),
            trusted_proxies: Default::default(),
            mail_configured: false,
            refer: Default::default(),
            exchange: Default::default(),
            published: Default::default(),
        }
    }
}

pub use routes::router;
