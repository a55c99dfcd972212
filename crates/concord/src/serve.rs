//! Serving: the settings `concord serve` and `concord demo` share, the listening socket, the
//! background workers and the web service until Ctrl-C.

use anyhow::{Context, Result};
use clap::Args;
use concord_store::Store;
use std::net::SocketAddr;

/// Where and how to serve, with the settings the running system needs.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1", env = "CONCORD_BIND")]
    bind: String,
    /// The port to listen on.
    #[arg(long, default_value_t = 8080, env = "CONCORD_PORT")]
    port: u16,
    /// The system's name, shown in every page header.
    #[arg(
        long,
        default_value = "Riverside and Vale ICS",
        env = "CONCORD_SYSTEM_NAME"
    )]
    system_name: String,
    /// The population store (pseudonymised Parquet batches).
    #[arg(long, env = "CONCORD_POPULATION_STORE")]
    population_store: Option<std::path::PathBuf>,
    /// The pseudonym key file, kept apart from the store and the database.
    #[arg(long, env = "CONCORD_PSEUDONYM_KEY_FILE")]
    key_file: Option<std::path::PathBuf>,
    #[command(flatten)]
    disclosure: crate::population::DisclosureArgs,
    /// The address of a reverse proxy in front of Concord (repeat for several, or separate with
    /// commas). Only requests from these addresses have their client taken from
    /// `X-Forwarded-For`, for sign-in throttling and the audit log; from anywhere else the header is
    /// ignored.
    #[arg(
        long = "trusted-proxy",
        env = "CONCORD_TRUSTED_PROXY",
        value_delimiter = ','
    )]
    trusted_proxies: Vec<std::net::IpAddr>,
    #[command(flatten)]
    notify: crate::notify::NotifyArgs,
    /// The reference of this system's SWEMWBS licence, from its licence-holders. With
    /// --swemwbs-conversion it switches SWEMWBS on for referrals' outcomes; without both it stays
    /// off (its wording and conversion table are not Concord's to ship).
    #[arg(long, env = "CONCORD_SWEMWBS_LICENCE")]
    swemwbs_licence: Option<String>,
    /// The SWEMWBS conversion table the licence came with: a CSV with the header raw,metric and
    /// a line for each raw score from 7 to 35.
    #[arg(long, env = "CONCORD_SWEMWBS_CONVERSION")]
    swemwbs_conversion: Option<std::path::PathBuf>,
    /// The system's Ed25519 key for signing what it publishes to other Concord systems, in its own
    /// owner-only file (a private JWK), made there on first start if the file does not exist.
    /// Without it the system publishes nothing (it can still learn from others).
    #[arg(long, env = "CONCORD_EXCHANGE_KEY")]
    exchange_key: Option<std::path::PathBuf>,
    /// A postcode lookup (a CSV with the columns postcode and lsoa, such as the ONS's), for the
    /// deprivation of the area a consultation's respondent gives their postcode for (the
    /// postcode itself is never kept). Without it, respondents' deprivation is not known.
    #[arg(long, env = "CONCORD_POSTCODES")]
    postcodes: Option<std::path::PathBuf>,
}

impl ServeArgs {
    /// Refer's settings: SWEMWBS when both its licence and conversion table are given.
    pub(crate) fn refer(&self) -> Result<concord_app::refer::settings::ReferSettings> {
        concord_app::refer::settings::ReferSettings::load(
            self.swemwbs_licence.as_deref(),
            self.swemwbs_conversion.as_deref(),
        )
        .context("SWEMWBS cannot be switched on")
    }

    /// The exchange settings: the signing key from `--exchange-key` (or `fallback`, the demo's),
    /// the system's name and its public address.
    pub(crate) fn exchange(
        &self,
        fallback: Option<&std::path::Path>,
    ) -> Result<concord_app::listen::exchange::ExchangeSettings> {
        let address = format!("{}:{}", self.bind, self.port);
        let public_url = self.notify.public_url(&address);
        match self.exchange_key.as_deref().or(fallback) {
            Some(path) => concord_app::listen::exchange::ExchangeSettings::load_or_create(
                path,
                &self.system_name,
                &public_url,
            )
            .context("the exchange signing key cannot be used"),
            None => Ok(
                concord_app::listen::exchange::ExchangeSettings::without_key(
                    &self.system_name,
                    &public_url,
                ),
            ),
        }
    }

    /// The population configuration, with these defaults for what was not given.
    pub(crate) fn population(
        &self,
        store: &str,
        key: &str,
    ) -> concord_app::population::PopulationConfig {
        concord_app::population::PopulationConfig {
            store: self
                .population_store
                .clone()
                .unwrap_or_else(|| store.into()),
            key_file: self.key_file.clone().unwrap_or_else(|| key.into()),
            lsoas: None,
            postcodes: self.postcodes.clone(),
            disclosure: concord_population::disclosure::DisclosureRule {
                suppress_below: self.disclosure.suppress_below,
                round_to: self.disclosure.round_to.max(1),
            },
        }
    }

    /// Takes the address and port to serve on; fails at once, naming them, if they are in use.
    pub(crate) async fn listen(&self) -> Result<tokio::net::TcpListener> {
        let address = format!("{}:{}", self.bind, self.port);
        tokio::net::TcpListener::bind(&address)
            .await
            .with_context(|| {
                format!(
                    "could not listen on {address}: is another program (or another Concord) using \
                 port {}? Choose another with --port",
                    self.port
                )
            })
    }
}

/// Says what the demo holds and how to sign in to it.
pub(crate) fn print_demo(summary: &concord_demo::DemoSummary, serve: &ServeArgs) {
    println!();
    if summary.already_present {
        println!("The demo system was already loaded; nothing was added.");
    }
    println!(
        "Riverside and Vale ICS: {} organisations, {} places and neighbourhoods, {} people, {} boards.",
        summary.organisations, summary.places, summary.people, summary.boards
    );
    println!();
    println!(
        "Sign in at http://{}:{}/login as any of these (password: {}):",
        serve.bind,
        serve.port,
        concord_demo::DEMO_PASSWORD
    );
    for login in &summary.logins {
        println!(
            "  {:<12} {:<24} {} ({})",
            login.username,
            login.role.label(),
            login.person_name,
            login.organisation_name
        );
    }
    println!(
        "Members of the public need no sign-in: the published plans are at http://{}:{}/public",
        serve.bind, serve.port
    );
    println!();
}

/// Serves the pages and API, with the background workers, until Ctrl-C.
pub(crate) async fn serve_until_stopped(
    store: Store,
    args: &ServeArgs,
    population: concord_app::population::PopulationConfig,
    exchange: concord_app::listen::exchange::ExchangeSettings,
    listener: tokio::net::TcpListener,
) -> Result<()> {
    let address = format!("{}:{}", args.bind, args.port);
    let mailer = args.notify.mailer(&address, &args.system_name)?;
    let population_rule = population.disclosure;
    let mut state =
        concord_web::AppState::with_population(store.clone(), args.system_name.clone(), population);
    state.trusted_proxies = std::sync::Arc::new(args.trusted_proxies.clone());
    state.mail_configured = mailer.is_some();
    state.refer = std::sync::Arc::new(args.refer()?);
    state.exchange = std::sync::Arc::new(exchange);
    let app = concord_web::router(state);
    tokio::spawn(concord_app::design::worker::run(
        store.clone(),
        std::time::Duration::from_secs(1),
    ));
    tokio::spawn(concord_app::refer::measures::run(
        store.clone(),
        population_rule,
        std::time::Duration::from_secs(3600),
    ));
    tokio::spawn(concord_app::notify::mail::run(
        store,
        mailer,
        args.notify.cadence(),
    ));
    tracing::info!("Concord is serving on http://{address}/");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
