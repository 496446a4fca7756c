//! Rule documentation, generated from the rules' doc comments.
//!
//! The pages under `rules/` at the repository root are this module's output; a test fails when
//! they are stale, and `UPDATE_RULE_DOCS=1 cargo test -p akslint_linter --test docs` rewrites them.

use std::fmt::Write;

use akslint_diagnostics::Applicability;

use crate::{RuleMeta, Scope, all_rules};

/// A doc comment with the one space rustdoc keeps after `///` removed from every line.
#[must_use]
pub fn markdown(docs: &str) -> String {
    let mut out = String::with_capacity(docs.len());
    for line in docs.lines() {
        out.push_str(line.strip_prefix(' ').unwrap_or(line));
        out.push('\n');
    }
    out
}

/// The first sentence of the "What it does" section.
#[must_use]
pub fn summary(docs: &str) -> String {
    let text = markdown(docs);
    let body = text
        .split_once("## What it does")
        .map_or(text.as_str(), |(_, rest)| rest);
    let paragraph: Vec<&str> = body
        .trim_start()
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .map(str::trim)
        .collect();
    let paragraph = paragraph.join(" ");
    match paragraph.find(". ") {
        Some(end) => paragraph[..=end].to_owned(),
        None => paragraph,
    }
}

fn scope_text(scope: Scope) -> String {
    match scope {
        Scope::Workloads => {
            "every object with a pod template (Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController, PodTemplate and configured custom kinds)".to_owned()
        }
        Scope::Kinds(kinds) => kinds.join(", "),
        Scope::Objects => "every Kubernetes object".to_owned(),
        Scope::Project => "all objects of the run together (project-wide)".to_owned(),
        Scope::ManagedClusters => {
            "`Microsoft.ContainerService/managedClusters` resources in ARM templates".to_owned()
        }
        Scope::NodePools => "AKS node pools in ARM templates (`agentPoolProfiles` and `managedClusters/agentPools` resources)".to_owned(),
        Scope::ArmTemplates => "ARM templates".to_owned(),
        Scope::Engine => "every file akslint reads".to_owned(),
    }
}

/// `safe`, `unsafe` or `none`, and which flag applies the fix.
fn fix_text(fix: Option<Applicability>) -> &'static str {
    match fix {
        Some(Applicability::Safe) => "safe (applied by `--fix`)",
        Some(Applicability::Unsafe) => "unsafe (applied by `--fix --unsafe-fixes`)",
        None => "none",
    }
}

/// The Markdown page of one rule.
#[must_use]
pub fn rule_page(meta: &RuleMeta) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {} {}\n", meta.code, meta.name);
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| Code | `{}` |", meta.code);
    let _ = writeln!(out, "| Name | `{}` |", meta.name);
    let _ = writeln!(out, "| Category | {} |", meta.category.as_str());
    let _ = writeln!(out, "| Severity | {} |", meta.severity.as_str());
    let on = if meta.is_engine_rule() {
        "always (cannot be disabled)"
    } else if meta.default_enabled {
        "yes (`recommended`)"
    } else {
        "no (opt-in)"
    };
    let _ = writeln!(out, "| Enabled by default | {on} |");
    let _ = writeln!(out, "| Applies to | {} |", scope_text(meta.scope));
    if let Some(level) = meta.pss {
        let _ = writeln!(
            out,
            "| Pod Security Standards | {} control (profiles `pss-{}`{}) |",
            level.as_str(),
            level.as_str(),
            if level == crate::PssLevel::Baseline {
                ", `pss-restricted`"
            } else {
                ""
            }
        );
    }
    let _ = writeln!(out, "| Fix | {} |", fix_text(meta.fix));
    out.push('\n');
    out.push_str(&markdown(meta.docs));
    if !meta.references.is_empty() {
        let _ = writeln!(out, "\n## Equivalent checks\n\n| source | id |\n|---|---|");
        for reference in meta.references {
            let _ = writeln!(out, "| {} | {} |", reference.source, reference.id);
        }
    }
    out
}

/// The index page listing every rule.
#[must_use]
pub fn index_page() -> String {
    let mut out = String::from(
        "# akslint rules\n\nGenerated from the rules' documentation; do not edit by hand.\n\n| code | name | category | severity | default | fix | summary |\n|---|---|---|---|---|---|---|\n",
    );
    for rule in all_rules() {
        let meta = rule.meta();
        let default = if meta.default_enabled { "on" } else { "off" };
        let fix = meta.fix.map_or("", Applicability::as_str);
        let _ = writeln!(
            out,
            "| [{code}]({code}.md) | `{}` | {} | {} | {default} | {fix} | {} |",
            meta.name,
            meta.category.as_str(),
            meta.severity.as_str(),
            meta.summary().replace('|', "\\|"),
            code = meta.code,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_is_the_first_sentence() {
        let docs =
            " ## What it does\n Flags pods that set `hostPID: true`. More here.\n\n ## Why\n x\n";
        assert_eq!(summary(docs), "Flags pods that set `hostPID: true`.");
    }
}
