//! Which candidates are Helm charts or Kustomize directories, and which files are theirs.

use std::path::{Path, PathBuf};

use crate::Candidate;

/// The file that makes a directory a Helm chart.
pub const CHART_FILE_NAME: &str = "Chart.yaml";

/// The names of the file that makes a directory a kustomization, as `kustomize` accepts them.
pub const KUSTOMIZATION_FILE_NAMES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// The tool that renders a directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RenderKind {
    /// A Helm chart: `helm template`.
    Helm,
    /// A kustomization: `kubectl kustomize` (or `kustomize build`).
    Kustomize,
}

/// A directory that is rendered before it is linted.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RenderRoot {
    /// The chart or kustomization directory, as it was found.
    pub dir: PathBuf,
    /// `Chart.yaml` or `kustomization.yaml`: where rendering errors are reported.
    pub manifest: PathBuf,
    /// How it is rendered.
    pub kind: RenderKind,
}

impl RenderRoot {
    /// The root whose manifest `path` is (`Chart.yaml`, `kustomization.yaml`).
    #[must_use]
    pub fn of_manifest(path: &Path) -> Option<Self> {
        let name = path.file_name()?.to_str()?;
        let kind = if name == CHART_FILE_NAME {
            RenderKind::Helm
        } else if KUSTOMIZATION_FILE_NAMES.contains(&name) {
            RenderKind::Kustomize
        } else {
            return None;
        };
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Some(Self {
            dir,
            manifest: path.to_path_buf(),
            kind,
        })
    }
}

/// The chart whose `templates/` directory holds `path`, if any: such a file is Go template
/// source, not YAML, and is linted only once its chart is rendered.
#[must_use]
pub fn chart_of_template(path: &Path) -> Option<RenderRoot> {
    path.ancestors().skip(1).find_map(|dir| {
        if dir.file_name()? != "templates" {
            return None;
        }
        let chart = dir.parent()?;
        let manifest = chart.join(CHART_FILE_NAME);
        if manifest.is_file() {
            RenderRoot::of_manifest(&manifest)
        } else {
            None
        }
    })
}

/// The candidates split into files linted as they are and directories rendered first.
///
/// A `Chart.yaml` or kustomization file among the candidates makes its directory a root. A
/// chart template named on the command line stands for its chart. A chart inside another
/// chart (a subchart) is rendered with its parent only. The walked files of a kustomization
/// directory are linted as part of its output, not on their own (patches are not whole
/// objects, and resources would be reported twice); the manifests themselves stay candidates.
#[must_use]
pub fn split_rendered(candidates: &[Candidate]) -> (Vec<Candidate>, Vec<RenderRoot>) {
    let mut roots: Vec<RenderRoot> = Vec::new();
    for candidate in candidates.iter().filter(|c| c.problem.is_none()) {
        if let Some(root) = RenderRoot::of_manifest(&candidate.path) {
            if !is_component(&root) {
                roots.push(root);
            }
        } else if candidate.explicit
            && let Some(root) = chart_of_template(&candidate.path)
        {
            roots.push(root);
        }
    }
    roots.sort();
    roots.dedup();
    let charts: Vec<PathBuf> = roots
        .iter()
        .filter(|r| r.kind == RenderKind::Helm)
        .map(|r| r.dir.clone())
        .collect();
    roots.retain(|root| {
        root.kind != RenderKind::Helm
            || !charts
                .iter()
                .any(|chart| chart != &root.dir && root.dir.starts_with(chart))
    });
    let plain = candidates
        .iter()
        .filter(|candidate| {
            let path = &candidate.path;
            let is_template = candidate.explicit && chart_of_template(path).is_some();
            let in_kustomization = !candidate.explicit
                && RenderRoot::of_manifest(path).is_none()
                && roots
                    .iter()
                    .any(|r| r.kind == RenderKind::Kustomize && path.starts_with(&r.dir));
            !is_template && !in_kustomization
        })
        .cloned()
        .collect();
    (plain, roots)
}

/// Whether a kustomization is a `Component`: one that only other kustomizations include
/// (`components:`), which kustomize refuses to build on its own.
fn is_component(root: &RenderRoot) -> bool {
    use std::io::Read;

    if root.kind != RenderKind::Kustomize {
        return false;
    }
    let mut text = String::new();
    // The kind is near the top; a bounded read keeps a huge file cheap.
    let read = std::fs::File::open(&root.manifest)
        .and_then(|file| file.take(64 * 1024).read_to_string(&mut text));
    read.is_ok()
        && text
            .lines()
            .any(|line| line.trim_end() == "kind: Component")
}

#[cfg(test)]
mod tests {
    use akslint_linter::FileFormat;

    use super::*;

    fn candidate(path: &Path, explicit: bool) -> Candidate {
        Candidate {
            path: path.to_path_buf(),
            format: Some(FileFormat::Yaml),
            explicit,
            problem: None,
        }
    }

    #[test]
    fn charts_and_kustomizations_are_rendered_and_their_sources_are_not_linted_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for path in [
            "web/Chart.yaml",
            "web/templates/deploy.yaml",
            "web/charts/db/Chart.yaml",
            "k/base/kustomization.yaml",
            "k/base/deploy.yaml",
            "k/overlay/kustomization.yml",
            "k/overlay/patch.yaml",
            "k/component/kustomization.yaml",
            "plain.yaml",
        ] {
            let path = root.join(path);
            let text = if path.ends_with("component/kustomization.yaml") {
                "kind: Component\n"
            } else {
                "kind: x\n"
            };
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        let candidates = [
            candidate(&root.join("web/Chart.yaml"), false),
            candidate(&root.join("web/charts/db/Chart.yaml"), false),
            candidate(&root.join("web/templates/deploy.yaml"), true),
            candidate(&root.join("k/base/kustomization.yaml"), false),
            candidate(&root.join("k/base/deploy.yaml"), false),
            candidate(&root.join("k/overlay/kustomization.yml"), false),
            candidate(&root.join("k/overlay/patch.yaml"), false),
            candidate(&root.join("k/component/kustomization.yaml"), false),
            candidate(&root.join("plain.yaml"), false),
        ];
        let (plain, roots) = split_rendered(&candidates);
        let plain: Vec<&Path> = plain.iter().map(|c| c.path.as_path()).collect();
        assert_eq!(
            plain,
            [
                root.join("web/Chart.yaml"),
                root.join("web/charts/db/Chart.yaml"),
                root.join("k/base/kustomization.yaml"),
                root.join("k/overlay/kustomization.yml"),
                root.join("k/component/kustomization.yaml"),
                root.join("plain.yaml"),
            ]
        );
        let roots: Vec<(&Path, RenderKind)> =
            roots.iter().map(|r| (r.dir.as_path(), r.kind)).collect();
        assert_eq!(
            roots,
            [
                (root.join("k/base").as_path(), RenderKind::Kustomize),
                (root.join("k/overlay").as_path(), RenderKind::Kustomize),
                (root.join("web").as_path(), RenderKind::Helm),
            ]
        );
    }

    #[test]
    fn a_manifest_in_the_working_directory_has_a_directory() {
        let root = RenderRoot::of_manifest(Path::new("Chart.yaml")).expect("a chart");
        assert_eq!(root.dir, Path::new("."));
        assert!(RenderRoot::of_manifest(Path::new("values.yaml")).is_none());
    }
}
