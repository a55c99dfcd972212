//! The server's notification settings: the mail server, the sender, Concord's public address
//! for links in e-mails, and how often notifications are worked out and sent.

use anyhow::{Context, Result};
use clap::Args;
use concord_app::notify::mail::{Cadence, MailSettings, Mailer};

/// Notification and e-mail settings of `concord serve` and `concord demo`.
#[derive(Debug, Args)]
pub struct NotifyArgs {
    /// The mail server for notification e-mails: smtp://HOST:PORT (plain, a relay on the same
    /// network), smtp://HOST:587?tls=required (STARTTLS) or smtps://USER:PASSWORD@HOST:465 (TLS).
    /// Without it people are told in Concord only.
    #[arg(long, env = "CONCORD_SMTP_URL")]
    smtp_url: Option<String>,
    /// The sender of notification e-mails.
    #[arg(
        long,
        default_value = "Concord <concord@localhost>",
        env = "CONCORD_MAIL_FROM"
    )]
    mail_from: String,
    /// Concord's address as people reach it, for the links in e-mails (default: the address it
    /// listens on).
    #[arg(long, env = "CONCORD_PUBLIC_URL")]
    public_url: Option<String>,
    /// Seconds between two sweeps for new notifications.
    #[arg(long, default_value_t = 300, env = "CONCORD_NOTIFY_EVERY")]
    notify_every: u64,
    /// Seconds between two rounds of sending e-mails (failed ones wait longer: 1, 2, 4 ...
    /// minutes, at most 6 hours).
    #[arg(long, default_value_t = 30, env = "CONCORD_SEND_EVERY")]
    send_every: u64,
}

impl NotifyArgs {
    /// The mailer, if a mail server is set; a bad setting stops the server from starting.
    pub fn mailer(&self, listening_on: &str, system_name: &str) -> Result<Option<Mailer>> {
        let Some(server) = &self.smtp_url else {
            return Ok(None);
        };
        let settings = MailSettings {
            server: server.clone(),
            from: self.mail_from.clone(),
            public_url: self.public_url(listening_on),
            system_name: system_name.to_string(),
        };
        Mailer::new(&settings)
            .map(Some)
            .context("the notification e-mail settings are not usable")
    }

    /// Concord's address as people (and other systems) reach it: `--public-url`, else the
    /// address it listens on.
    pub fn public_url(&self, listening_on: &str) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{listening_on}"))
    }

    /// How often to sweep and send.
    pub fn cadence(&self) -> Cadence {
        Cadence {
            sweep_every: std::time::Duration::from_secs(self.notify_every.max(1)),
            send_every: std::time::Duration::from_secs(self.send_every.max(1)),
        }
    }
}

/// One sweep and one round of sending, reported on standard output with how long each took.
pub async fn once(
    store: &concord_store::Store,
    args: &NotifyArgs,
    system_name: &str,
) -> Result<()> {
    let mailer = args.mailer("127.0.0.1:8080", system_name)?;
    let started = std::time::Instant::now();
    let swept = concord_app::notify::sweep(store, chrono::Utc::now(), mailer.is_some())
        .await
        .context("could not work out the notifications")?;
    println!(
        "Worked out notifications for {} people in {} ms: {} new, {} e-mails queued.",
        swept.people,
        started.elapsed().as_millis(),
        swept.notifications,
        swept.emails
    );
    match &mailer {
        Some(mailer) => {
            let started = std::time::Instant::now();
            let sent =
                concord_app::notify::mail::deliver_due(store, mailer, chrono::Utc::now()).await?;
            println!(
                "Sent {} e-mails in {} ms; {} failed and will be tried again.",
                sent.sent,
                started.elapsed().as_millis(),
                sent.failed
            );
        }
        None => println!("No mail server is set (--smtp-url): people are told in Concord only."),
    }
    Ok(())
}
