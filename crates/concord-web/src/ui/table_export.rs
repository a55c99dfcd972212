//! CSV export of every table a person can see, one mechanism for all of them.
//!
//! A page's tables are drawn in labelled scroll boxes (`concord-table-scroll`). For a page
//! answered as HTML, [`export_tables`] adds under each box a link to the same address with
//! `csv=N`; asked with `csv=N`, it runs the page as usual (so the same person, the same rule and
//! the same audit), then answers the page's Nth table as CSV instead of the page. Cells are made
//! safe against formula injection ([`concord_domain::export::csv_cell`]); form controls and
//! visually hidden text are left out.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The largest page this reads to add links or take a table from.
const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;

/// The start of a table's box, as the templates draw it.
const BOX: &str = "<div class=\"concord-table-scroll\"";

/// Marks a table box whose page has its own export (a worklist), so no generic link is added.
const NO_EXPORT: &str = "data-export=\"own\"";

fn opening_tag(from: &str) -> &str {
    &from[..from.find('>').unwrap_or(from.len())]
}

/// Middleware: adds "Download this table (CSV)" under each table of an HTML page, and answers
/// `?csv=N` with the page's Nth table (from 1) as CSV.
pub async fn export_tables(req: Request, next: Next) -> Response {
    if req.method() != Method::GET || crate::auth::is_api_path(req.uri().path()) {
        return next.run(req).await;
    }
    let (wanted, rest) = split_query(req.uri().query().unwrap_or(""));
    let here = match &rest {
        Some(q) => format!("{}?{q}", req.uri().path()),
        None => req.uri().path().to_string(),
    };
    let mut req = req;
    if wanted.is_some() {
        if let Ok(uri) = here.parse::<Uri>() {
            *req.uri_mut() = uri;
        }
    }
    let response = next.run(req).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if response.status() != StatusCode::OK || !is_html {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_PAGE_BYTES).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "The page was too large").into_response();
    };
    let html = String::from_utf8_lossy(&bytes);
    match wanted {
        Some(n) => match nth_table(&html, n) {
            Some(table) => csv_response(&html, n, table),
            None => (
                StatusCode::NOT_FOUND,
                format!("This page has no table {n} to download."),
            )
                .into_response(),
        },
        None => {
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(with_links(&html, &here)))
        }
    }
}

/// Takes `csv=N` out of a query string: (N, the rest).
fn split_query(query: &str) -> (Option<usize>, Option<String>) {
    let mut wanted = None;
    let rest: Vec<&str> = query
        .split('&')
        .filter(|pair| match pair.strip_prefix("csv=") {
            Some(n) => {
                wanted = n.parse().ok().filter(|n| *n >= 1);
                false
            }
            None => !pair.is_empty(),
        })
        .collect();
    (wanted, (!rest.is_empty()).then(|| rest.join("&")))
}

/// The page with a download link after each table box.
fn with_links(html: &str, here: &str) -> String {
    let joiner = if here.contains('?') { "&amp;" } else { "?" };
    // The address comes from the request: escaped for an attribute, whatever it holds.
    let here = here
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let mut out = String::with_capacity(html.len() + 1024);
    let mut rest = html;
    let mut n = 0;
    while let Some(start) = rest.find(BOX) {
        let Some(end) = rest[start..]
            .find("</table>")
            .map(|e| start + e + "</table>".len())
        else {
            break;
        };
        let close = rest[end..]
            .find("</div>")
            .map_or(end, |c| end + c + "</div>".len());
        n += 1;
        out.push_str(&rest[..close]);
        if !opening_tag(&rest[start..]).contains(NO_EXPORT) {
            out.push_str(&format!(
                "<p class=\"nhsuk-body-s concord-export\"><a href=\"{here}{joiner}csv={n}\" download>Download this table (CSV)</a></p>"
            ));
        }
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

/// The rows of the page's Nth boxed table (from 1), each a list of cell texts.
fn nth_table(html: &str, n: usize) -> Option<Vec<Vec<String>>> {
    let start = html.match_indices(BOX).nth(n - 1)?.0;
    if opening_tag(&html[start..]).contains(NO_EXPORT) {
        return None;
    }
    let table_start = start + html[start..].find("<table")?;
    let table_end = table_start + html[table_start..].find("</table>")?;
    let table = &html[table_start..table_end];
    let mut rows = Vec::new();
    for row in table.split("<tr").skip(1) {
        let row = row.split("</tr>").next().unwrap_or("");
        let cells: Vec<String> = split_cells(row)
            .into_iter()
            .map(|c| cell_text(&c))
            .collect();
        if !cells.is_empty() {
            rows.push(cells);
        }
    }
    Some(rows)
}

/// The inner HTML of each `<th>` or `<td>` in a row.
fn split_cells(row: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut rest = row;
    while let Some(open) = rest.find("<t") {
        let after = &rest[open + 2..];
        if !(after.starts_with('d') || after.starts_with('h')) || after[1..].starts_with("ead") {
            rest = &rest[open + 2..];
            continue;
        }
        let Some(gt) = rest[open..].find('>') else {
            break;
        };
        let body_start = open + gt + 1;
        let close = ["</td>", "</th>"]
            .iter()
            .filter_map(|c| rest[body_start..].find(c))
            .min()
            .map_or(rest.len(), |c| body_start + c);
        cells.push(rest[body_start..close].to_string());
        rest = &rest[(close + 5).min(rest.len())..];
    }
    cells
}

/// A cell's text: forms and visually hidden text dropped, tags removed, line breaks as spaces,
/// entities decoded, whitespace collapsed.
fn cell_text(html: &str) -> String {
    let mut text = drop_between(html, "<form", "</form>");
    text = drop_between(&text, "<span class=\"nhsuk-u-visually-hidden\">", "</span>");
    let text = text.replace("<br>", " ");
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn drop_between(text: &str, open: &str, close: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        out.push_str(&rest[..start]);
        match rest[start..].find(close) {
            Some(end) => rest = &rest[start + end + close.len()..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

fn csv_response(html: &str, n: usize, rows: Vec<Vec<String>>) -> Response {
    let title = html
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split(['–', '<']).next())
        .unwrap_or("table");
    crate::ui::csv_download(
        &crate::ui::file_name(&format!("{title} table {n}"), "csv"),
        rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<title>System finance – Riverside</title><main><div class=\"concord-table-scroll\" tabindex=\"0\"><table class=\"nhsuk-table\"><caption>Each body</caption><thead><tr><th scope=\"col\">Body</th><th>Plan</th></tr></thead><tbody><tr><th scope=\"row\"><a href=\"/x\">Riverside &amp; Vale</a><br><span class=\"nhsuk-body-s\">Not reported</span></th><td>=1+2</td></tr><tr><td>A, B</td><td>3<form method=\"post\"><button>Mark done<span class=\"nhsuk-u-visually-hidden\">: it</span></button></form></td></tr></tbody></table></div><p>after</p><div class=\"concord-table-scroll\"><table><tr><td>second</td></tr></table></div></main>";

    #[test]
    fn each_table_gets_a_link_keeping_the_query() {
        let linked = with_links(PAGE, "/finance/2026-27?as_at=2026-09");
        assert!(linked.contains("href=\"/finance/2026-27?as_at=2026-09&amp;csv=1\""));
        assert!(linked.contains("href=\"/finance/2026-27?as_at=2026-09&amp;csv=2\""));
        assert!(linked.find("csv=1").unwrap() < linked.find("<p>after</p>").unwrap());
    }

    #[test]
    fn an_address_cannot_break_out_of_the_link() {
        let linked = with_links(PAGE, "/finance?x=\"><script>alert(1)</script>");
        assert!(!linked.contains("<script>"));
        assert!(linked.contains("&quot;&gt;&lt;script&gt;"));
    }

    fn body_of(response: Response) -> String {
        let bytes = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(to_bytes(response.into_body(), usize::MAX))
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[test]
    fn a_table_becomes_safe_csv_rows() {
        let rows = nth_table(PAGE, 1).unwrap();
        assert_eq!(rows[0], vec!["Body", "Plan"]);
        assert_eq!(rows[1], vec!["Riverside & Vale Not reported", "=1+2"]);
        assert_eq!(rows[2], vec!["A, B", "3"]);
        let body = body_of(csv_response(PAGE, 1, rows));
        let csv: Vec<&str> = body.lines().collect();
        assert_eq!(csv[1], "Riverside & Vale Not reported,'=1+2");
        assert_eq!(csv[2], "\"A, B\",3");
        assert_eq!(
            nth_table(PAGE, 2).unwrap(),
            vec![vec!["second".to_string()]]
        );
        assert!(nth_table(PAGE, 3).is_none());
    }

    #[test]
    fn the_csv_parameter_is_taken_out_of_the_query() {
        assert_eq!(
            split_query("as_at=2026-09&csv=2"),
            (Some(2), Some("as_at=2026-09".into()))
        );
        assert_eq!(split_query("csv=1"), (Some(1), None));
        assert_eq!(split_query("csv=0"), (None, None));
        assert_eq!(split_query(""), (None, None));
    }
}
