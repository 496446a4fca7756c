//! The `akslint` command line: a thin layer over `akslint_workspace` and `akslint_linter`.
//!
//! A library too, so that other binaries (the pre-commit hook's) run exactly the same command
//! line through [`run`].

mod check;
mod rules;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Finds AKS security mistakes in Kubernetes YAML, Helm output, ARM templates and Bicep.
#[derive(Debug, Parser)]
#[command(name = "akslint", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Lint files and directories (`-` reads stdin).
    Check(Box<check::CheckArgs>),
    /// List every rule.
    Rules {
        /// `text` (a table) or `json`.
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        output_format: ListFormat,
    },
    /// Run the language server over stdin and stdout (for editors).
    Server,
    /// Print the documentation of one rule, by code or name.
    Rule {
        /// A code (`K8S102`) or name (`privilege-escalation-allowed`).
        rule: String,
    },
}

/// Formats of rule listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ListFormat {
    Text,
    Json,
}

/// Exit codes, as ruff uses them.
pub(crate) mod exit {
    /// No findings.
    pub const CLEAN: u8 = 0;
    /// Findings.
    pub const FINDINGS: u8 = 1;
    /// Usage or I/O error.
    pub const ERROR: u8 = 2;
}

/// Parses the process arguments and runs the command; returns the exit code.
#[must_use]
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Rules { output_format } => rules::list(output_format == ListFormat::Json),
        Command::Rule { rule } => rules::show(&rule),
        Command::Server => match akslint_server::run_stdio() {
            Ok(()) => exit::CLEAN,
            Err(e) => {
                eprintln!("akslint server: {e}");
                exit::ERROR
            }
        },
    };
    ExitCode::from(code)
}
