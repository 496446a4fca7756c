//! Any bytes as an ARM expression and as an ARM template: the expression parser, the offline
//! evaluator, then the whole lint (loader, model, every rule, renderers) of a template file.
#![no_main]

use akslint_fuzz::lint;
use akslint_linter::FileFormat;
use akslint_model::azure::{EvaluatedTemplate, expr};
use akslint_syntax::{Limits, json};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The text between the brackets of an expression string, as the evaluator hands it over.
    let _ = expr::parse(&text);
    // The same text as an expression everywhere the evaluator reads one: a variable, a
    // resource's name (which rules match clusters and pools by), a cluster property, a
    // `condition` and an output.
    lint(wrapped(&text).as_bytes(), FileFormat::Json);
    // The input as a whole template, when it is JSON.
    let parsed = json::parse(&text, &Limits::default());
    if let Some(root) = parsed.documents.first().and_then(|d| parsed.root(d)) {
        let _ = EvaluatedTemplate::evaluate(root, None);
        lint(data, FileFormat::Json);
    }
});

/// A small AKS template whose expressions are all `[text]`.
fn wrapped(text: &str) -> String {
    let expression = json_string(&format!("[{text}]"));
    format!(
        r#"{{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "parameters": {{"name": {{"type": "string", "defaultValue": "aks"}},
                 "pools": {{"type": "array", "defaultValue": [{{"name": "np1", "count": 3}}]}},
                 "secret": {{"type": "securestring"}}}},
  "variables": {{"v": 1, "o": {{"a": [1, "b"]}}, "e": {expression}}},
  "resources": [{{"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-01-01",
    "name": {expression}, "condition": {expression},
    "properties": {{"enableRBAC": {expression}, "agentPoolProfiles": {expression},
                   "apiServerAccessProfile": {{"authorizedIPRanges": [{expression}]}}}}}}],
  "outputs": {{"o": {{"type": "object", "value": {expression}}}}}}}"#
    )
}

/// `text` as a JSON string literal.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
