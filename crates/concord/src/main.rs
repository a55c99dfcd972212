//! The `concord` binary: a thin layer that wires the store, the web service and the demo together.

mod align;
mod cli;
mod directory;
mod exchange;
mod notify;
mod population;
mod serve;
mod sim;
mod spc;
mod waitlist;

use anyhow::Result;
use clap::Parser;

/// mimalloc: ingest parses and frees millions of small strings on two threads, where it is
/// measurably faster than the system allocator (bench/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> Result<()> {
    let args = cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_target(false)
        .init();
    if let Err(err) = cli::run(args).await {
        // The cause chain, without a backtrace: what went wrong and where, for the person at the prompt.
        eprintln!("error: {err:#}");
        std::process::exit(1);
    }
    Ok(())
}
