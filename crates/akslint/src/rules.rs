use std::io::Write;

use akslint_linter::{all_rules, docs, find_rule};
use serde::Serialize;

use crate::exit;

#[derive(Serialize)]
struct RuleRow {
    code: &'static str,
    name: &'static str,
    category: &'static str,
    severity: &'static str,
    default_enabled: bool,
    /// The Pod Security Standards level of the control, for K8S1xx rules.
    pss_level: Option<&'static str>,
    /// `safe` or `unsafe` when the rule's findings come with a fix, else null.
    fix: Option<&'static str>,
    summary: String,
    url: String,
    /// Equivalent checks elsewhere: `{source: id}` pairs.
    references: Vec<Reference>,
}

#[derive(Serialize)]
struct Reference {
    source: &'static str,
    id: &'static str,
}

/// `akslint rules`.
pub fn list(json: bool) -> u8 {
    let rows: Vec<RuleRow> = all_rules()
        .iter()
        .map(|rule| {
            let meta = rule.meta();
            RuleRow {
                code: meta.code,
                name: meta.name,
                category: meta.category.as_str(),
                severity: meta.severity.as_str(),
                default_enabled: meta.default_enabled,
                pss_level: meta.pss.map(|level| level.as_str()),
                fix: meta.fix.map(|applicability| applicability.as_str()),
                summary: meta.summary(),
                url: akslint_diagnostics::rule_url(meta.code),
                references: meta
                    .references
                    .iter()
                    .map(|r| Reference {
                        source: r.source,
                        id: r.id,
                    })
                    .collect(),
            }
        })
        .collect();
    let mut out = std::io::stdout().lock();
    let written = if json {
        serde_json::to_string_pretty(&rows)
            .map_err(std::io::Error::other)
            .and_then(|text| writeln!(out, "{text}"))
    } else {
        rows.iter().try_for_each(|row| {
            let on = if row.default_enabled { "on " } else { "off" };
            writeln!(
                out,
                "{:<7} {:<30} {:<8} {on} {}",
                row.code, row.name, row.severity, row.summary
            )
        })
    };
    if written.is_err() {
        return exit::ERROR;
    }
    exit::CLEAN
}

/// `akslint rule CODE`.
pub fn show(code_or_name: &str) -> u8 {
    match find_rule(code_or_name) {
        Some(rule) => {
            print!("{}", docs::rule_page(rule.meta()));
            exit::CLEAN
        }
        None => {
            eprintln!("akslint: no rule has the code or name `{code_or_name}`");
            exit::ERROR
        }
    }
}
