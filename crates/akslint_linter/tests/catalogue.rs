//! The registry matches the rule catalogue (`../shared/rules/CATALOGUE.md`): for every code prefix
//! that is implemented, every catalogue row exists with its name, severity and default, and no
//! rule exists that the catalogue does not list.

use std::collections::BTreeMap;
use std::path::Path;

use akslint_linter::all_rules;

struct Row {
    name: String,
    severity: String,
    on: bool,
}

fn catalogue() -> Option<BTreeMap<String, Row>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/rules/CATALOGUE.md");
    let Ok(text) = std::fs::read_to_string(&path) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is missing on CI",
            path.display()
        );
        return None;
    };
    let mut rows = BTreeMap::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | code | name | sev | on | ... |
        let [_, code, name, severity, on, ..] = cells[..] else {
            continue;
        };
        let is_code = code.len() == 6 && code[3..].bytes().all(|b| b.is_ascii_digit());
        if !is_code {
            continue;
        }
        rows.insert(
            code.to_owned(),
            Row {
                name: name.to_owned(),
                severity: severity.to_owned(),
                on: on == "y",
            },
        );
    }
    Some(rows)
}

#[test]
fn every_catalogue_rule_of_an_implemented_prefix_is_registered_as_catalogued() {
    let Some(rows) = catalogue() else { return };
    let rules: BTreeMap<&str, _> = all_rules()
        .iter()
        .map(|rule| (rule.meta().code, rule.meta()))
        .collect();
    let mut problems = Vec::new();
    for (code, meta) in &rules {
        let Some(row) = rows.get(*code) else {
            problems.push(format!("{code} is not in the catalogue"));
            continue;
        };
        if row.name != meta.name {
            problems.push(format!(
                "{code}: name `{}`, catalogue `{}`",
                meta.name, row.name
            ));
        }
        let severity = &meta.severity.as_str()[..1].to_ascii_uppercase();
        if &row.severity != severity {
            problems.push(format!(
                "{code}: severity {severity}, catalogue {}",
                row.severity
            ));
        }
        if !meta.is_engine_rule() && row.on != meta.default_enabled {
            problems.push(format!(
                "{code}: default {}, catalogue {}",
                meta.default_enabled, row.on
            ));
        }
    }
    // Every prefix with at least one non-engine rule must be complete.
    for (code, row) in &rows {
        let prefix = &code[..3];
        let implemented = rules.keys().any(|c| c.starts_with(prefix));
        if prefix != "AKL" && implemented && !rules.contains_key(code.as_str()) {
            problems.push(format!(
                "{code} {} is catalogued but not implemented",
                row.name
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
