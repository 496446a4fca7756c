//! Building a kustomization so that each object says which file it came from.
//!
//! `kustomize` writes no comments, but it records each object's origin in the
//! `config.kubernetes.io/origin` annotation when the kustomization asks for it
//! (`buildMetadata: [originAnnotations]`). The directory is not touched: a kustomization in a
//! temporary directory includes it as its one resource and asks for origins; each origin is
//! then written as a `# Source:` comment before its object, as Helm writes them.

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use super::tool::{self, ToolError};

/// The annotation that holds an object's origin.
const ORIGIN_ANNOTATION: &str = "config.kubernetes.io/origin:";

/// Builds the kustomization in `dir` with `kubectl kustomize`, or `kustomize build` when
/// kubectl is not installed. Each object is preceded by `# Source: <path>`, the file it came
/// from as a path that can be opened from the working directory.
pub(crate) fn build(dir: &Path, timeout: Duration, max_bytes: u64) -> Result<String, String> {
    let canonical = dir
        .canonicalize()
        .map_err(|error| format!("cannot read {}: {error}", dir.display()))?;
    let wrapper = tempfile::tempdir()
        .map_err(|error| format!("cannot create a temporary directory: {error}"))?;
    let wrapper_dir = wrapper
        .path()
        .canonicalize()
        .map_err(|error| format!("cannot read the temporary directory: {error}"))?;
    // Kustomize refuses absolute paths to other kustomizations; a relative one works.
    let target = relative_path(&wrapper_dir, &canonical);
    let kustomization = format!(
        "resources:\n  - {}\nbuildMetadata: [originAnnotations]\n",
        yaml_string(&target.to_string_lossy())
    );
    std::fs::write(wrapper_dir.join("kustomization.yaml"), kustomization)
        .map_err(|error| format!("cannot write a temporary kustomization: {error}"))?;
    let output = run_kustomize(&wrapper_dir, timeout, max_bytes).map_err(|message| {
        // Say where the user's directory is, not how the temporary one reaches it.
        let target = target.to_string_lossy();
        message.replace(target.as_ref(), &dir.to_string_lossy())
    })?;
    Ok(with_source_comments(&output, |origin| {
        // Shown the way the user wrote the directory: `./k/overlay` gives `./k/base/x.yaml`.
        let file = normalize(&wrapper_dir.join(origin));
        let from_dir = relative_path(&canonical, &file);
        join_lexically(dir, &from_dir)
            .to_string_lossy()
            .into_owned()
    }))
}

/// `kubectl kustomize DIR`, else `kustomize build DIR`.
fn run_kustomize(dir: &Path, timeout: Duration, max_bytes: u64) -> Result<String, String> {
    let dir = OsString::from(dir);
    let kubectl = tool::run(
        "kubectl",
        &["kustomize".into(), dir.clone()],
        None,
        timeout,
        max_bytes,
    );
    let result = match kubectl {
        Err(ToolError::NotFound) => tool::run(
            "kustomize",
            &["build".into(), dir],
            None,
            timeout,
            max_bytes,
        ),
        other => other,
    };
    result.map_err(|error| match error {
        ToolError::NotFound => "cannot build this kustomization: neither `kubectl` nor \
            `kustomize` is on PATH (akslint builds kustomizations with `kubectl kustomize`); \
            install one, or lint built output with `kubectl kustomize DIR | akslint check -`"
            .to_owned(),
        ToolError::Failed(message) => format!(
            "building this kustomization failed: {}",
            without_log_prefix(&message)
        ),
    })
}

/// kubectl's error without its log-line wrapping (`E1128 18:43:51.95 1962 run.go:72]
/// "command failed" err="…"`): the part the user needs.
fn without_log_prefix(message: &str) -> String {
    let logged = message.starts_with('E') && message.contains("] \"command failed\" err=\"");
    match message.split_once(" err=\"") {
        Some((_, error)) if logged => error
            .strip_suffix('"')
            .unwrap_or(error)
            .replace("\\\"", "\""),
        _ => message.to_owned(),
    }
}

/// The stream with `# Source: <where>` before each object that has an origin annotation.
fn with_source_comments(stream: &str, mut source: impl FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(stream.len());
    let mut document = String::new();
    let mut flush = |document: &mut String, out: &mut String| {
        if let Some(origin) = origin_path(document) {
            out.push_str("# Source: ");
            out.push_str(&source(&origin));
            out.push('\n');
        }
        out.push_str(document);
        document.clear();
    };
    for line in stream.split_inclusive('\n') {
        if line.trim_end() == "---" {
            flush(&mut document, &mut out);
            out.push_str(line);
        } else {
            document.push_str(line);
        }
    }
    flush(&mut document, &mut out);
    out
}

/// The `path:` of the origin annotation in a document, if it has one.
fn origin_path(document: &str) -> Option<String> {
    let mut lines = document.lines();
    lines.find(|line| line.trim_start().starts_with(ORIGIN_ANNOTATION))?;
    // The annotation is a block scalar of `key: value` lines.
    lines
        .next()?
        .trim()
        .strip_prefix("path:")
        .map(|path| path.trim().trim_matches(['"', '\'']).to_owned())
        .filter(|path| !path.is_empty())
}

/// `path` made lexically absolute-free of `.` and `..` components.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `base` joined with `relative`, each `..` of `relative` taking away a name of `base` when
/// there is one to take.
fn join_lexically(base: &Path, relative: &Path) -> PathBuf {
    let mut out = base.to_path_buf();
    for component in relative.components() {
        match component {
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The relative path from directory `from` to `to`, both absolute and canonical.
fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component<'_>> = from.components().collect();
    let to: Vec<Component<'_>> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut path = PathBuf::new();
    for _ in common..from.len() {
        path.push("..");
    }
    for component in &to[common..] {
        path.push(component);
    }
    path
}

/// A YAML double-quoted string.
fn yaml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{text}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_become_source_comments() {
        let stream = "apiVersion: v1\nkind: Service\nmetadata:\n  annotations:\n    config.kubernetes.io/origin: |\n      path: ../base/svc.yaml\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: generated\n";
        let out = with_source_comments(stream, |origin| format!("<{origin}>"));
        assert_eq!(out, format!("# Source: <../base/svc.yaml>\n{stream}"));
    }

    #[test]
    fn kubectl_log_prefixes_are_dropped() {
        let logged = r#"E1128 18:43:51.951797    1962 run.go:72] "command failed" err="accumulating resources: \"x\" missing""#;
        assert_eq!(
            without_log_prefix(logged),
            r#"accumulating resources: "x" missing"#
        );
        assert_eq!(without_log_prefix("error: plain"), "error: plain");
    }

    #[test]
    fn paths_between_directories() {
        assert_eq!(
            relative_path(Path::new("/tmp/x"), Path::new("/work/k/prod")),
            Path::new("../../work/k/prod")
        );
        assert_eq!(
            normalize(Path::new("/tmp/x/../../work/./k/base/d.yaml")),
            Path::new("/work/k/base/d.yaml")
        );
        assert_eq!(
            join_lexically(
                Path::new("./k/overlays/prod"),
                Path::new("../../base/d.yaml")
            ),
            Path::new("./k/base/d.yaml")
        );
        assert_eq!(
            join_lexically(Path::new("prod"), Path::new("../../base/d.yaml")),
            Path::new("../base/d.yaml")
        );
    }
}
