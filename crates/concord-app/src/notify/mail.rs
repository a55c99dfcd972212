//! Sending notification e-mails through an SMTP server, and the worker that sweeps and sends.
//!
//! The server is named by one URL: `smtp://host:25` (plain, for a relay on the same network),
//! `smtp://host:587?tls=required` (STARTTLS) or `smtps://user:password@host:465` (TLS). Each
//! e-mail is plain text, names its occasion, links to the page to act on, and carries a link (and
//! a `List-Unsubscribe` header) that stops e-mails of its kind. Its Message-ID is the
//! notification's own, so if a sender stops between the server's acceptance and the queue's
//! record of it, the one retry is recognisably the same message.

use super::sweep;
use chrono::{DateTime, Utc};
use concord_store::mail_queue::{self, Outgoing};
use concord_store::{Store, StoreError};
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// How long one SMTP conversation may take.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a sender holds an e-mail it has claimed before another may take it.
pub const CLAIM_LEASE_MINUTES: i64 = 10;

/// The most e-mails sent in one round.
pub const BATCH: i64 = 100;

/// What is wrong with the mail settings.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The server's URL could not be read.
    #[error("the mail server address {url:?} is not an smtp:// or smtps:// URL: {reason}")]
    BadServer {
        /// The URL given.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// The sender's address could not be read.
    #[error("the sender address {0:?} is not an e-mail address")]
    BadSender(String),
    /// Concord's own address for links is not an http(s) URL.
    #[error("the public address {0:?} must start with http:// or https://")]
    BadPublicUrl(String),
}

/// Where and how notification e-mails are sent.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// The SMTP server's URL.
    pub server: String,
    /// The sender, for example `Concord <concord@riverside.nhs.uk>`.
    pub from: String,
    /// Concord's address as people reach it, for links (`https://concord.example.nhs.uk`).
    pub public_url: String,
    /// The system's name, signed at the foot of each e-mail.
    pub system_name: String,
}

/// A connection to the mail server, ready to send.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: String,
    system_name: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

/// The `List-Unsubscribe` header (RFC 2369): the link that stops e-mails of this kind.
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(
            s.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string(),
        ))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

impl Mailer {
    /// A mailer for `settings` (no connection is made until the first e-mail).
    pub fn new(settings: &MailSettings) -> Result<Mailer, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(settings.server.trim())
            .map_err(|err| MailError::BadServer {
                url: redacted(&settings.server),
                reason: err.to_string(),
            })?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from = settings
            .from
            .trim()
            .parse::<Mailbox>()
            .map_err(|_| MailError::BadSender(settings.from.clone()))?;
        let public_url = settings.public_url.trim().trim_end_matches('/').to_string();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(MailError::BadPublicUrl(settings.public_url.clone()));
        }
        Ok(Mailer {
            transport,
            from,
            public_url,
            system_name: settings.system_name.clone(),
        })
    }

    /// The e-mail for `email`, as it will be sent.
    pub fn message(&self, email: &Outgoing) -> Result<Message, String> {
        let to = Mailbox::new(
            Some(email.to_name.clone()),
            email
                .to_address
                .parse()
                .map_err(|_| format!("{:?} is not an e-mail address", email.to_address))?,
        );
        let unsubscribe = format!(
            "{}/notifications/unsubscribe/{}",
            self.public_url, email.unsubscribe_token
        );
        let body = format!(
            "Dear {name},\n\n{title}\n\n{body}\n\nOpen it in Concord: {base}{link}\n\n\
             -- \n{system}\n\
             You receive this because of your notification settings: {base}/notifications/settings\n\
             To stop e-mails about \"{kind}\": {unsubscribe}\n",
            name = email.to_name,
            title = email.title,
            body = email.body,
            base = self.public_url,
            link = email.link,
            system = self.system_name,
            kind = email.kind.label(),
        );
        let domain = self.from.email.domain().to_string();
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.title.clone())
            .message_id(Some(format!("<{}@{domain}>", email.notification_id)))
            .header(ListUnsubscribe(unsubscribe))
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|err| err.to_string())
    }

    /// Sends one e-mail; the error is the server's answer, in words.
    pub async fn send(&self, email: &Outgoing) -> Result<(), String> {
        let message = self.message(email)?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|err| err.to_string())
    }
}

/// The URL with any password taken out, for messages.
fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://(credentials)@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

/// What one round of sending did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    /// E-mails the server accepted.
    pub sent: usize,
    /// E-mails that failed and wait for another try.
    pub failed: usize,
}

/// Sends every e-mail due at `now`, in rounds of [`BATCH`], recording each outcome.
pub async fn deliver_due(
    store: &Store,
    mailer: &Mailer,
    now: DateTime<Utc>,
) -> Result<DeliveryReport, StoreError> {
    let lease = chrono::Duration::minutes(CLAIM_LEASE_MINUTES);
    let mut report = DeliveryReport::default();
    loop {
        let claimed = mail_queue::claim(store, now, lease, BATCH).await?;
        if claimed.is_empty() {
            return Ok(report);
        }
        for email in &claimed {
            match mailer.send(email).await {
                Ok(()) => {
                    mail_queue::sent(store, &email.notification_id, Utc::now()).await?;
                    report.sent += 1;
                }
                Err(error) => {
                    let next =
                        mail_queue::failed(store, &email.notification_id, &error, now).await?;
                    tracing::warn!(notification = %email.notification_id, %error, next_try = %next, "a notification e-mail was not delivered");
                    report.failed += 1;
                }
            }
        }
    }
}

/// How often the worker works out new notifications and sends e-mails.
#[derive(Debug, Clone, Copy)]
pub struct Cadence {
    /// Between two sweeps for new notifications.
    pub sweep_every: Duration,
    /// Between two rounds of sending.
    pub send_every: Duration,
}

impl Default for Cadence {
    fn default() -> Self {
        Cadence {
            sweep_every: Duration::from_secs(300),
            send_every: Duration::from_secs(30),
        }
    }
}

/// Runs for as long as the server does: sweeps for new notifications and sends what is due
/// (e-mail only with a `mailer`). Failures are logged and tried again next time.
pub async fn run(store: Store, mailer: Option<Mailer>, cadence: Cadence) {
    let mut last_sweep: Option<std::time::Instant> = None;
    let mut ticker = tokio::time::interval(cadence.send_every.min(cadence.sweep_every));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if last_sweep.is_none_or(|at| at.elapsed() >= cadence.sweep_every) {
            last_sweep = Some(std::time::Instant::now());
            match sweep(&store, Utc::now(), mailer.is_some()).await {
                Ok(report) if report.notifications > 0 => tracing::info!(
                    people = report.people,
                    notifications = report.notifications,
                    emails = report.emails,
                    "notifications recorded"
                ),
                Ok(_) => {}
                Err(err) => tracing::error!(error = %err, "working out notifications failed"),
            }
        }
        if let Some(mailer) = &mailer {
            if let Err(err) = deliver_due(&store, mailer, Utc::now()).await {
                tracing::error!(error = %err, "sending notification e-mails failed");
            }
        }
    }
}
