//! A real SMTP server for tests: Python's `aiosmtpd` from PyPI, in its own virtual environment
//! under `target/smtp-venv` (made on first use), writing what it receives to a Maildir that the
//! tests read. It can be stopped and started again on the same port.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The aiosmtpd release the tests use.
const AIOSMTPD: &str = "aiosmtpd==1.4.6";

/// The virtual environment's Python, made once per test binary.
fn python() -> PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    static MAKING: Mutex<()> = Mutex::new(());
    PYTHON
        .get_or_init(|| {
            let _one = MAKING.lock().unwrap();
            let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/smtp-venv");
            let python = venv.join("bin/python");
            let ready = Command::new(&python)
                .args(["-c", "import aiosmtpd"])
                .status()
                .is_ok_and(|s| s.success());
            if !ready {
                let made = Command::new("python3")
                    .args(["-m", "venv"])
                    .arg(&venv)
                    .status()
                    .expect("python3 is needed for the SMTP sink");
                assert!(made.success(), "could not make {}", venv.display());
                let installed = Command::new(venv.join("bin/pip"))
                    .args([
                        "install",
                        "--quiet",
                        "--disable-pip-version-check",
                        AIOSMTPD,
                    ])
                    .status()
                    .expect("pip");
                assert!(
                    installed.success(),
                    "could not install {AIOSMTPD} from PyPI"
                );
            }
            python
        })
        .clone()
}

/// A running (or stopped) SMTP sink.
pub struct SmtpSink {
    /// The port it listens on.
    pub port: u16,
    maildir: tempfile::TempDir,
    child: Option<Child>,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl SmtpSink {
    /// Starts a sink on a free port.
    pub fn start() -> SmtpSink {
        let mut sink = SmtpSink {
            port: free_port(),
            maildir: tempfile::tempdir().unwrap(),
            child: None,
        };
        sink.resume();
        sink
    }

    /// The server's URL for Concord.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Starts it again on the same port, keeping what it received.
    pub fn resume(&mut self) {
        assert!(self.child.is_none(), "already running");
        let child = Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(self.maildir.path().join("mail"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts");
        self.child = Some(child);
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the SMTP sink did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops it (its port then refuses connections).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let stopped = Instant::now();
        while TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
            assert!(
                stopped.elapsed() < Duration::from_secs(10),
                "still listening"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Every message received so far, as raw text.
    pub fn messages(&self) -> Vec<String> {
        let mut found = Vec::new();
        for sub in ["new", "cur"] {
            let dir = self.maildir.path().join("mail").join(sub);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                found.push(std::fs::read_to_string(path).unwrap());
            }
        }
        found
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The value of header `name` in a raw message (first occurrence, unfolded).
pub fn header(message: &str, name: &str) -> Option<String> {
    let head = message
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .replace("\r\n", "\n");
    let unfolded = head.replace("\n ", " ").replace("\n\t", " ");
    unfolded.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name)
            .then(|| value.trim().to_string())
    })
}
