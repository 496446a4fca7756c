use std::fmt;
use std::path::{Path, PathBuf};

use akslint_linter::FileFormat;

/// A file to lint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The path as it will be displayed.
    pub path: PathBuf,
    /// Its format, when the name tells it (otherwise it is sniffed from the content).
    pub format: Option<FileFormat>,
    /// Whether the user named it (a walked JSON file that is neither Kubernetes nor ARM is skipped).
    pub explicit: bool,
}

/// A path the user named that cannot be linted.
#[derive(Debug)]
pub struct DiscoveryError {
    /// The path.
    pub path: PathBuf,
    /// Why.
    pub message: String,
}

impl fmt::Display for DiscoveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// The files under `paths`, sorted and without duplicates.
///
/// # Errors
/// When a named path does not exist or cannot be read; walking problems below a directory are
/// errors too, so that nothing is silently left out.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<Candidate>, Vec<DiscoveryError>> {
    let mut candidates = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Err(error) => errors.push(DiscoveryError {
                path: path.clone(),
                message: error.to_string(),
            }),
            Ok(meta) if meta.is_dir() => walk(path, &mut candidates, &mut errors),
            Ok(_) => candidates.push(Candidate {
                path: path.clone(),
                format: FileFormat::from_path(path),
                explicit: true,
            }),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    candidates.sort_by(|a, b| a.path.cmp(&b.path));
    candidates.dedup_by(|a, b| a.path == b.path);
    Ok(candidates)
}

fn walk(root: &Path, candidates: &mut Vec<Candidate>, errors: &mut Vec<DiscoveryError>) {
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                errors.push(DiscoveryError {
                    path: root.to_path_buf(),
                    message: error.to_string(),
                });
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let Some(format) = FileFormat::from_path(path) else {
            continue;
        };
        if format == FileFormat::Yaml && is_helm_template(path) {
            continue;
        }
        candidates.push(Candidate {
            path: path.to_path_buf(),
            format: Some(format),
            explicit: false,
        });
    }
}

/// A file under a chart's `templates/` is Go template source, not YAML: it is linted once
/// rendered, never as it is (it would only produce false syntax errors on `{{ }}`).
fn is_helm_template(path: &Path) -> bool {
    path.ancestors().skip(1).any(|dir| {
        dir.file_name().is_some_and(|name| name == "templates")
            && dir
                .parent()
                .is_some_and(|chart| chart.join("Chart.yaml").is_file())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_by_extension_respects_gitignore_and_skips_chart_templates() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let write = |rel: &str, text: &str| {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        };
        write("app/deploy.yaml", "kind: Pod\n");
        write("app/svc.yml", "kind: Service\n");
        write("infra/main.bicep", "param x string\n");
        write("infra/main.json", "{}\n");
        write("README.md", "# hi\n");
        write("ignored/x.yaml", "kind: Pod\n");
        write(".gitignore", "ignored/\n");
        write("chart/Chart.yaml", "name: web\n");
        write("chart/values.yaml", "replicas: 1\n");
        write("chart/templates/deploy.yaml", "{{ .Values.x }}\n");
        let found = discover(&[root.to_path_buf()]).expect("discovers");
        let mut names: Vec<String> = found
            .iter()
            .map(|c| {
                c.path
                    .strip_prefix(root)
                    .expect("under root")
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "app/deploy.yaml",
                "app/svc.yml",
                "chart/Chart.yaml",
                "chart/values.yaml",
                "infra/main.bicep",
                "infra/main.json"
            ]
        );
    }

    #[test]
    fn a_missing_path_is_an_error() {
        let errors = discover(&[PathBuf::from("/no/such/path/akslint")]).expect_err("missing");
        assert_eq!(errors.len(), 1);
    }
}
