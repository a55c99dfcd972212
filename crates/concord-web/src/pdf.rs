//! PDF documents printed by headless Chromium from Concord's own print templates.
//!
//! Concord renders a standalone HTML document (inline styles, no scripts, no external assets, and a
//! content security policy that forbids both),
//! writes it to a private temporary directory and asks Chromium to print it. Chromium is found from
//! `CONCORD_CHROMIUM`, else `chromium`, `chromium-browser` or `google-chrome` on the `PATH`. Without
//! it, PDF routes answer 503 with a message saying what to install; the printable pages still work.
//!
//! Printing is bounded: at most [`MAX_CONCURRENT_PRINTS`] Chromiums run at once; up to
//! [`MAX_QUEUED_PRINTS`] more requests wait their turn for at most [`QUEUE_WAIT`], and beyond that a
//! request is answered at once with 503 and `Retry-After`. Chromium's error output is read to at most
//! [`MAX_STDERR_BYTES`].

use crate::error::Problem;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::path::PathBuf;
use std::time::Duration;

/// How long Chromium may take to print one document.
const PRINT_TIMEOUT: Duration = Duration::from_secs(60);
/// Chromiums printing at once (each is several processes and 100-200 MB).
pub const MAX_CONCURRENT_PRINTS: usize = 2;
/// Requests that may wait for a printer; more are turned away at once.
pub const MAX_QUEUED_PRINTS: usize = 8;
/// How long a queued request waits for a printer before it is turned away.
pub const QUEUE_WAIT: Duration = Duration::from_secs(30);
/// How much of Chromium's error output is kept, for the message when printing fails.
const MAX_STDERR_BYTES: u64 = 64 * 1024;

/// The printers: permits to run Chromium, and a count of requests holding or awaiting one.
struct Printers {
    running: tokio::sync::Semaphore,
    waiting_or_running: std::sync::atomic::AtomicUsize,
}

fn printers() -> &'static Printers {
    static PRINTERS: std::sync::OnceLock<Printers> = std::sync::OnceLock::new();
    PRINTERS.get_or_init(|| Printers {
        running: tokio::sync::Semaphore::new(MAX_CONCURRENT_PRINTS),
        waiting_or_running: std::sync::atomic::AtomicUsize::new(0),
    })
}

/// Holds a place in the print queue; gives it back when dropped.
struct QueuePlace;

impl Drop for QueuePlace {
    fn drop(&mut self) {
        printers()
            .waiting_or_running
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Waits for a printer: `Busy` when the queue is full or the wait is too long.
async fn take_printer() -> Result<(QueuePlace, tokio::sync::SemaphorePermit<'static>), PdfError> {
    let printers = printers();
    let before = printers
        .waiting_or_running
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let place = QueuePlace;
    if before >= MAX_CONCURRENT_PRINTS + MAX_QUEUED_PRINTS {
        return Err(PdfError::Busy);
    }
    match tokio::time::timeout(QUEUE_WAIT, printers.running.acquire()).await {
        Ok(Ok(permit)) => Ok((place, permit)),
        _ => Err(PdfError::Busy),
    }
}

/// How many prints are running now (for tests and monitoring).
pub fn prints_running() -> usize {
    MAX_CONCURRENT_PRINTS - printers().running.available_permits()
}

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// No Chromium was found.
    #[error("PDF export needs Chromium: install the chromium package or set CONCORD_CHROMIUM")]
    NoChromium,
    /// Chromium ran but did not produce a PDF.
    #[error("Chromium could not print the document: {0}")]
    Print(String),
    /// Every printer is busy and the queue is full (or the wait ran out).
    #[error("Too many documents are being printed just now: try again in a minute")]
    Busy,
}

/// The Chromium binary to print with, if one is installed.
pub fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CONCORD_CHROMIUM").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Prints a standalone HTML document to PDF bytes.
pub async fn print(html: String) -> Result<Vec<u8>, PdfError> {
    let binary = chromium().ok_or(PdfError::NoChromium)?;
    let _printer = take_printer().await?;
    let dir = std::env::temp_dir().join(format!("concord-pdf-{}", concord_store::new_id()));
    let io = |e: std::io::Error| PdfError::Print(e.to_string());
    // Owner-only (a board pack may hold confidential items), and removed however the request ends.
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(&dir).map_err(io)?;
    let _cleanup = RemoveOnDrop(dir.clone());
    let result = async {
        let input = dir.join("document.html");
        let output = dir.join("document.pdf");
        tokio::fs::write(&input, html).await.map_err(io)?;
        let mut command = tokio::process::Command::new(&binary);
        command
            .arg("--headless")
            .arg("--disable-gpu")
            .arg("--no-sandbox")
            .arg("--no-pdf-header-footer")
            .arg(format!("--user-data-dir={}", dir.join("profile").display()))
            .arg(format!("--print-to-pdf={}", output.display()))
            .arg(format!("file://{}", input.display()))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().map_err(io)?;
        let stderr = child.stderr.take();
        let run = async {
            let mut errors = Vec::new();
            if let Some(stderr) = stderr {
                use tokio::io::AsyncReadExt;
                // Keep the first 64 KB; drain the rest so Chromium never blocks on a full pipe.
                let mut stderr = stderr;
                (&mut stderr)
                    .take(MAX_STDERR_BYTES)
                    .read_to_end(&mut errors)
                    .await?;
                tokio::io::copy(&mut stderr, &mut tokio::io::sink()).await?;
            }
            child.wait().await?;
            Ok::<_, std::io::Error>(errors)
        };
        let stderr = tokio::time::timeout(PRINT_TIMEOUT, run)
            .await
            .map_err(|_| PdfError::Print("timed out".into()))?
            .map_err(io)?;
        match tokio::fs::read(&output).await {
            Ok(bytes) if bytes.starts_with(b"%PDF") => Ok(bytes),
            _ => Err(PdfError::Print(
                String::from_utf8_lossy(&stderr)
                    .lines()
                    .last()
                    .unwrap_or("no output")
                    .to_string(),
            )),
        }
    }
    .await;
    result
}

/// Removes a print's private directory when the print ends, even if the request is dropped.
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A PDF response named `filename`, or a problem page saying why there is none.
pub fn respond(result: Result<Vec<u8>, PdfError>, filename: &str) -> Response {
    match result {
        Ok(bytes) => {
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            );
            if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{filename}\"")) {
                headers.insert(header::CONTENT_DISPOSITION, v);
            }
            response
        }
        Err(err) => {
            tracing::warn!(error = %err, "PDF export failed");
            let mut response = crate::ui::error_page(&Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "pdf-unavailable",
                "The PDF could not be made",
                err.to_string(),
            ));
            if matches!(err, PdfError::Busy) {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
            }
            response
        }
    }
}

/// A PDF's file name made from a title ([`crate::ui::file_name`]).
pub fn filename(title: &str) -> String {
    crate::ui::file_name(title, "pdf")
}
