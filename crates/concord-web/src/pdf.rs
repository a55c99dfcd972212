//! PDF documents printed by headless Chromium from Concord's own print templates.
//!
//! Concord renders a standalone HTML document (inline styles, no scripts, no external assets, and a
//! content security policy that forbids both),
//! writes it to a private temporary directory and asks Chromium to print it. Chromium is found from
//! `CONCORD_CHROMIUM`, else `chromium`, `chromium-browser` or `google-chrome` on the `PATH`. Without
//! it, PDF routes answer 503 with a message saying what to install; the printable pages still work.

use crate::error::Problem;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::path::PathBuf;
use std::time::Duration;

/// How long Chromium may take to print one document.
const PRINT_TIMEOUT: Duration = Duration::from_secs(60);

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// No Chromium was found.
    #[error("PDF export needs Chromium: install the chromium package or set CONCORD_CHROMIUM")]
    NoChromium,
    /// Chromium ran but did not produce a PDF.
    #[error("Chromium could not print the document: {0}")]
    Print(String),
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
    let dir = std::env::temp_dir().join(format!("concord-pdf-{}", concord_store::new_id()));
    let io = |e: std::io::Error| PdfError::Print(e.to_string());
    tokio::fs::create_dir_all(&dir).await.map_err(io)?;
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
        let run = tokio::time::timeout(PRINT_TIMEOUT, command.output())
            .await
            .map_err(|_| PdfError::Print("timed out".into()))?
            .map_err(io)?;
        match tokio::fs::read(&output).await {
            Ok(bytes) if bytes.starts_with(b"%PDF") => Ok(bytes),
            _ => Err(PdfError::Print(
                String::from_utf8_lossy(&run.stderr)
                    .lines()
                    .last()
                    .unwrap_or("no output")
                    .to_string(),
            )),
        }
    }
    .await;
    let _ = tokio::fs::remove_dir_all(&dir).await;
    result
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
            crate::pages::error_page(&Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "pdf-unavailable",
                "The PDF could not be made",
                err.to_string(),
            ))
        }
    }
}

/// A file name made from a title: letters, digits and hyphens only.
pub fn filename(title: &str) -> String {
    let slug: String = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    format!("{slug}.pdf")
}
