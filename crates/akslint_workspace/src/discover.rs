use std::fmt;
use std::fs::FileType;
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
    /// Why a walked entry cannot be read (a symlink loop, a FIFO, an unreadable directory):
    /// it is reported as `AKL001` at this path instead of being linted, so that nothing is
    /// silently left out and the run still goes on.
    pub problem: Option<String>,
}

impl Candidate {
    fn walked(path: PathBuf, format: FileFormat) -> Self {
        Self {
            path,
            format: Some(format),
            explicit: false,
            problem: None,
        }
    }

    fn problem(path: PathBuf, problem: String) -> Self {
        Self {
            format: FileFormat::from_path(&path),
            path,
            explicit: false,
            problem: Some(problem),
        }
    }
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
/// Only regular files are read. Below a directory, symlinks to files are followed but symlinks
/// to directories are not (as git does not), so a walk cannot loop or visit a tree twice;
/// entries named like inputs that cannot be read (a symlink loop, a dangling symlink, a FIFO,
/// a socket, a device, an unreadable directory) become candidates with a
/// `problem`, reported in the output. A FIFO is never opened: opening
/// one blocks until something writes to it.
///
/// # Errors
/// When a named path does not exist, cannot be read, or is not a regular file or a directory
/// (a FIFO, socket or device: pipe it to `akslint check -` instead). These are usage errors.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<Candidate>, Vec<DiscoveryError>> {
    let mut candidates = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Err(error) => errors.push(DiscoveryError {
                path: path.clone(),
                message: error.to_string(),
            }),
            Ok(meta) if meta.is_dir() => walk(path, &mut candidates),
            Ok(meta) if meta.is_file() => candidates.push(Candidate {
                path: path.clone(),
                format: FileFormat::from_path(path),
                explicit: true,
                problem: None,
            }),
            Ok(meta) => errors.push(DiscoveryError {
                path: path.clone(),
                message: format!(
                    "{} is not a regular file; to lint what it produces, pipe it to `akslint check -`",
                    special_kind(meta.file_type())
                ),
            }),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    candidates.sort_by(|a, b| akslint_text::compare_paths(&a.path, &b.path));
    candidates.dedup_by(|a, b| a.path == b.path);
    Ok(candidates)
}

fn walk(root: &Path, candidates: &mut Vec<Candidate>) {
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
                let (path, message) = walk_problem(&error);
                let path = path.unwrap_or(root).to_path_buf();
                candidates.push(Candidate::problem(path, message));
                continue;
            }
        };
        let path = entry.path();
        let Some(format) = FileFormat::from_path(path) else {
            continue;
        };
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            continue;
        }
        if file_type.is_symlink() {
            match std::fs::metadata(path) {
                Ok(target) if target.is_file() => {}
                // A linked directory is not walked; see `discover`.
                Ok(target) if target.is_dir() => continue,
                Ok(target) => {
                    let kind = special_kind(target.file_type());
                    let message = format!("this symlink points to {kind}, which is not read");
                    candidates.push(Candidate::problem(path.to_path_buf(), message));
                    continue;
                }
                Err(error) => {
                    let message = format!("cannot follow this symlink: {error}");
                    candidates.push(Candidate::problem(path.to_path_buf(), message));
                    continue;
                }
            }
        } else if !file_type.is_file() {
            let kind = special_kind(file_type);
            let message = format!("this is {kind}, not a regular file: it is not read");
            candidates.push(Candidate::problem(path.to_path_buf(), message));
            continue;
        }
        if format == FileFormat::Yaml && is_helm_template(path) {
            continue;
        }
        candidates.push(Candidate::walked(path.to_path_buf(), format));
    }
}

/// The path an error of the walk is about, when it says, and the error without it.
fn walk_problem(error: &ignore::Error) -> (Option<&Path>, String) {
    match error {
        ignore::Error::WithPath { path, err } => {
            let (inner, message) = walk_problem(err);
            (Some(inner.unwrap_or(path)), message)
        }
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_problem(err)
        }
        ignore::Error::Loop { ancestor, child } => (
            Some(child),
            format!("a symlink loop back to {}", ancestor.display()),
        ),
        ignore::Error::Io(error) => (None, format!("cannot read: {error}")),
        other => (None, other.to_string()),
    }
}

/// What a file that is neither a regular file nor a directory is.
fn special_kind(file_type: FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    let _ = file_type;
    "a special file"
}

/// A file under a chart's `templates/` is Go template source, not YAML: it is linted once
/// rendered, never as it is (it would only produce false syntax errors on `{{ }}`).
fn is_helm_template(path: &Path) -> bool {
    crate::render::chart_of_template(path).is_some()
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

    #[cfg(unix)]
    #[test]
    fn special_files_and_symlinks_are_reported_or_skipped_never_opened() {
        use std::os::unix::fs::symlink;
        use std::process::Command;

        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::write(root.join("real.yaml"), "kind: Pod\n").expect("write");
        symlink("real.yaml", root.join("alias.yaml")).expect("symlink");
        symlink("loop.yaml", root.join("loop.yaml")).expect("symlink");
        symlink("missing.yaml", root.join("dangling.yaml")).expect("symlink");
        std::fs::create_dir(root.join("sub")).expect("mkdir");
        symlink("..", root.join("sub/up")).expect("symlink");
        let fifo = Command::new("mkfifo").arg(root.join("fifo.yaml")).status();
        let has_fifo = fifo.is_ok_and(|status| status.success());

        let found = discover(&[root.to_path_buf()]).expect("discovers");
        let named = |name: &str| found.iter().find(|c| c.path == root.join(name));
        // A symlink to a file is linted under its own name; the directory link is not walked.
        assert!(named("real.yaml").is_some_and(|c| c.problem.is_none()));
        assert!(named("alias.yaml").is_some_and(|c| c.problem.is_none()));
        assert!(!found.iter().any(|c| c.path.starts_with(root.join("sub"))));
        let problem = |name: &str| named(name).and_then(|c| c.problem.clone());
        let looped = problem("loop.yaml").expect("loop reported");
        assert!(looped.contains("symbolic links"), "{looped}");
        assert!(problem("dangling.yaml").is_some());
        if has_fifo {
            let fifo = problem("fifo.yaml").expect("FIFO reported");
            assert!(fifo.contains("FIFO"), "{fifo}");
            // Named on the command line, a FIFO is a usage error, not a hang.
            let errors = discover(&[root.join("fifo.yaml")]).expect_err("FIFO");
            assert!(errors[0].message.contains("FIFO"), "{}", errors[0]);
        }
        let errors = discover(&[root.join("loop.yaml")]).expect_err("loop");
        assert_eq!(errors.len(), 1);
    }

    #[test]
    fn a_missing_path_is_an_error() {
        let errors = discover(&[PathBuf::from("/no/such/path/akslint")]).expect_err("missing");
        assert_eq!(errors.len(), 1);
    }
}
