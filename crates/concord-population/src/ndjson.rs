//! Reading NDJSON (one JSON document per line, as FHIR bulk data is written) in constant memory,
//! whatever the file or line size.
//!
//! [`Lines`] yields each line with its number, or why it cannot be used: longer than the limit
//! (skipped to the next newline without being held in memory), not UTF-8 (with the byte offset), or
//! blank. A byte-order mark at the start of the file and a carriage return before a newline are
//! removed, so files written on Windows read the same. A last line without a newline is read; a
//! file cut off mid-line reports that line as it is, for the parser to refuse.

use std::io::{self, BufRead};

/// The longest line read by default: 16 MiB. A FHIR resource is rarely more than a few kilobytes.
pub const DEFAULT_MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// One line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// A line of text (without its line ending).
    Text {
        /// Its number, from 1.
        number: u64,
        /// The text.
        text: String,
    },
    /// A line that cannot be read as text.
    Bad {
        /// Its number, from 1.
        number: u64,
        /// Why, in words.
        reason: String,
    },
    /// An empty line (or only whitespace), which NDJSON allows to be ignored.
    Blank {
        /// Its number, from 1.
        number: u64,
    },
}

/// The lines of an NDJSON stream.
pub struct Lines<R> {
    reader: R,
    number: u64,
    max_line_bytes: usize,
    buffer: Vec<u8>,
    done: bool,
}

impl<R: BufRead> Lines<R> {
    /// Lines of `reader`, refusing any longer than `max_line_bytes`.
    pub fn new(reader: R, max_line_bytes: usize) -> Lines<R> {
        Lines {
            reader,
            number: 0,
            max_line_bytes,
            buffer: Vec::new(),
            done: false,
        }
    }

    /// The reader underneath.
    pub fn get_ref(&self) -> &R {
        &self.reader
    }

    /// Reads up to and including the next newline into the buffer, keeping at most
    /// `max_line_bytes + 1` bytes; returns whether the line was too long and whether anything was read.
    fn read_line(&mut self) -> io::Result<(bool, bool)> {
        self.buffer.clear();
        let mut too_long = false;
        let mut read_any = false;
        loop {
            let available = self.reader.fill_buf()?;
            if available.is_empty() {
                return Ok((too_long, read_any));
            }
            read_any = true;
            let (chunk, found) = match available.iter().position(|b| *b == b'\n') {
                Some(at) => (&available[..at], Some(at)),
                None => (available, None),
            };
            if !too_long {
                if self.buffer.len() + chunk.len() > self.max_line_bytes + 1 {
                    too_long = true;
                    self.buffer.clear();
                    self.buffer.shrink_to(64 * 1024);
                } else {
                    self.buffer.extend_from_slice(chunk);
                }
            }
            let used = found.map_or(chunk.len(), |at| at + 1);
            self.reader.consume(used);
            if found.is_some() {
                return Ok((too_long, read_any));
            }
        }
    }
}

impl<R: BufRead> Iterator for Lines<R> {
    type Item = io::Result<Line>;

    fn next(&mut self) -> Option<io::Result<Line>> {
        if self.done {
            return None;
        }
        let (too_long, read_any) = match self.read_line() {
            Ok(r) => r,
            Err(e) => {
                self.done = true;
                return Some(Err(e));
            }
        };
        if !read_any {
            self.done = true;
            return None;
        }
        self.number += 1;
        let number = self.number;
        if too_long {
            return Some(Ok(Line::Bad {
                number,
                reason: format!(
                    "the line is longer than {} bytes and was skipped",
                    self.max_line_bytes
                ),
            }));
        }
        let mut bytes: &[u8] = &self.buffer;
        if number == 1 {
            bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
        }
        bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        match std::str::from_utf8(bytes) {
            Ok(text) if text.trim().is_empty() => Some(Ok(Line::Blank { number })),
            Ok(text) => Some(Ok(Line::Text {
                number,
                text: text.to_string(),
            })),
            Err(e) => Some(Ok(Line::Bad {
                number,
                reason: format!("not valid UTF-8 at byte {}", e.valid_up_to() + 1),
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8], max: usize) -> Vec<Line> {
        // A small buffer makes lines cross buffer boundaries, as they do in large files.
        let reader = io::BufReader::with_capacity(7, bytes);
        Lines::new(reader, max).map(Result::unwrap).collect()
    }

    fn text(number: u64, t: &str) -> Line {
        Line::Text {
            number,
            text: t.into(),
        }
    }

    #[test]
    fn a_bom_crlf_endings_blank_lines_and_a_last_line_without_newline_are_read() {
        let lines = read(b"\xEF\xBB\xBF{\"a\":1}\r\n\r\n  \n{\"b\":2}", 1024);
        assert_eq!(
            lines,
            vec![
                text(1, "{\"a\":1}"),
                Line::Blank { number: 2 },
                Line::Blank { number: 3 },
                text(4, "{\"b\":2}"),
            ]
        );
        assert!(read(b"", 1024).is_empty());
        assert_eq!(read(b"\n", 1024), vec![Line::Blank { number: 1 }]);
    }

    #[test]
    fn invalid_utf8_is_reported_with_its_position_and_the_next_line_still_read() {
        let lines = read(b"{\"a\":\"caf\xE9\"}\n{\"b\":2}\n", 1024);
        assert_eq!(
            lines[0],
            Line::Bad {
                number: 1,
                reason: "not valid UTF-8 at byte 10".into()
            }
        );
        assert_eq!(lines[1], text(2, "{\"b\":2}"));
    }

    #[test]
    fn an_overlong_line_is_skipped_without_being_held_and_reading_goes_on() {
        let mut bytes = b"{\"a\":1}\n".to_vec();
        bytes.extend(std::iter::repeat_n(b'x', 5000));
        bytes.extend(b"\n{\"c\":3}\n");
        let lines = read(&bytes, 100);
        assert_eq!(lines.len(), 3);
        assert!(
            matches!(&lines[1], Line::Bad { number: 2, reason } if reason.contains("longer than 100 bytes"))
        );
        assert_eq!(lines[2], text(3, "{\"c\":3}"));
        // Exactly at the limit is fine.
        let at_limit = format!("{}\n", "y".repeat(100));
        assert_eq!(
            read(at_limit.as_bytes(), 100),
            vec![text(1, &"y".repeat(100))]
        );
    }

    #[test]
    fn a_64_mib_line_is_refused_in_constant_memory() {
        // A reader that produces 64 MiB of one line without it ever existing in memory at once.
        struct Endless {
            left: usize,
            chunk: Vec<u8>,
        }
        impl io::Read for Endless {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                let n = out.len().min(self.left).min(self.chunk.len());
                out[..n].copy_from_slice(&self.chunk[..n]);
                self.left -= n;
                Ok(n)
            }
        }
        let source = Endless {
            left: 64 * 1024 * 1024,
            chunk: vec![b'z'; 64 * 1024],
        };
        let chained = io::Read::chain(source, &b"\n{\"ok\":true}\n"[..]);
        let mut lines = Lines::new(io::BufReader::new(chained), 1024 * 1024);
        assert!(matches!(
            lines.next().unwrap().unwrap(),
            Line::Bad { number: 1, .. }
        ));
        assert!(
            lines.buffer.capacity() <= 2 * 1024 * 1024,
            "the long line was not kept"
        );
        assert_eq!(lines.next().unwrap().unwrap(), text(2, "{\"ok\":true}"));
        assert!(lines.next().is_none());
    }
}
