//! Chart templates (Go templates, not YAML): left alone, or linted by rendering their chart
//! when the client opts in (`renderHelmCharts`).

use std::path::Path;

use akslint_diagnostics::Diagnostic;
use akslint_workspace::render::chart_of_template;
use akslint_workspace::{ConfigError, Configurations, TemplateBuffers, lint_text};

/// Whether a document is Go template source: the client says it is Helm, or it is under a
/// chart's `templates/`. Parsing it as YAML would only report false syntax errors on `{{ }}`.
pub(crate) fn is_go_template(language_id: &str, path: &Path) -> bool {
    language_id == "helm" || chart_of_template(path).is_some()
}

/// The findings of a document. A Go template gets the findings of its chart's rendered output
/// that come from it when `charts` renders them (the client opted in), else none.
pub(crate) fn lint_document(
    path: &Path,
    text: String,
    go_template: bool,
    configurations: &Configurations,
    charts: Option<&TemplateBuffers>,
) -> Result<Vec<Diagnostic>, ConfigError> {
    if !go_template {
        return lint_text(path, text, configurations);
    }
    let Some(charts) = charts else {
        return Ok(Vec::new());
    };
    Ok(charts
        .lint(path, &text, configurations)?
        .map(|findings| findings.as_ref().clone())
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use akslint_workspace::Overrides;

    use super::*;

    #[test]
    fn templates_are_left_alone_unless_rendering_is_asked_for() {
        let dir = tempfile::tempdir().expect("tempdir");
        let chart = dir.path().join("web");
        std::fs::create_dir_all(chart.join("templates")).expect("mkdir");
        std::fs::write(chart.join("Chart.yaml"), "apiVersion: v2\nname: web\n").expect("write");
        let template = chart.join("templates/pod.yaml");
        let text = "kind: Pod\nspec:\n  {{- if .Values.x }}\n  hostPID: true\n  {{- end }}\n";
        assert!(is_go_template("yaml", &template));
        assert!(is_go_template("helm", Path::new("/x/pod.yaml")));
        assert!(!is_go_template("yaml", &chart.join("values.yaml")));
        let configurations =
            Configurations::new(None, Overrides::default()).expect("configurations");
        let left_alone =
            lint_document(&template, text.to_owned(), true, &configurations, None).expect("lints");
        assert!(left_alone.is_empty(), "{left_alone:?}");
        // The same text as plain YAML is a syntax error.
        let as_yaml =
            lint_document(&template, text.to_owned(), false, &configurations, None).expect("lints");
        assert!(as_yaml.iter().any(|d| d.code == "AKL001"), "{as_yaml:?}");
    }
}
