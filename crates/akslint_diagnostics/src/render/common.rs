//! What the CI formats share: project-relative paths, stable fingerprints, and the message with
//! its help.

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use crate::Diagnostic;

/// Where the paths of the CI formats are measured from.
///
/// CI systems resolve a finding's path against the repository checkout, which need not be the
/// directory akslint ran in: `akslint check .` inside `deploy/` reports `pod.yaml`, but GitHub and
/// GitLab need `deploy/pod.yaml`. Paths under [`Self::project_root`] are written relative to it,
/// with `/` separators; other paths stay absolute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathBase {
    /// The directory the diagnostics' relative paths are relative to: akslint's working directory.
    pub working_dir: PathBuf,
    /// The directory CI resolves paths against: the repository checkout.
    pub project_root: PathBuf,
}

impl PathBase {
    /// Paths relative to `dir`, which is both the working directory and the project root.
    #[must_use]
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        let dir = dir.into();
        Self {
            working_dir: dir.clone(),
            project_root: dir,
        }
    }

    /// Where `path` (as a diagnostic holds it) lies from the project root.
    pub(crate) fn locate(&self, path: &Path) -> Located {
        let joined = normalize(&self.working_dir.join(path));
        let root = normalize(&self.project_root);
        match joined.strip_prefix(&root) {
            Ok(relative) => Located::Relative(slash_path(relative)),
            Err(_) if joined.has_root() => Located::Absolute(slash_path(&joined)),
            // A relative working directory with a path that climbs out of the root: `..` is the
            // best that can be said without touching the file system.
            Err(_) => Located::Relative(slash_path(&relative_to(&joined, &root))),
        }
    }

    /// The project root itself, normalized, with `/` separators.
    pub(crate) fn root_display(&self) -> String {
        slash_path(&normalize(&self.project_root))
    }

    /// `path` as the CI formats show it: project-relative when possible, always with `/`.
    pub(crate) fn display(&self, path: &Path) -> String {
        match self.locate(path) {
            Located::Relative(path) | Located::Absolute(path) => path,
        }
    }
}

/// A path placed relative to a [`PathBase`], with `/` separators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Located {
    /// Under the project root (or `..`-relative to it), e.g. `deploy/pod.yaml`.
    Relative(String),
    /// Outside the project root, e.g. `/tmp/pod.yaml` or `C:/tmp/pod.yaml`.
    Absolute(String),
}

/// Removes `.` and resolves `..` lexically; symlinks are deliberately not followed, so the
/// output does not depend on the file system of the machine that renders it.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                // `/..` is `/`.
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to `base`, both normalized and relative, climbing with `..` as needed.
fn relative_to(path: &Path, base: &Path) -> PathBuf {
    let path: Vec<Component<'_>> = path.components().collect();
    let base: Vec<Component<'_>> = base.components().collect();
    let common = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..base.len() {
        out.push("..");
    }
    for component in &path[common..] {
        out.push(component);
    }
    out
}

/// The path with `/` between its components, whatever the platform's separator.
fn slash_path(path: &Path) -> String {
    let mut out = String::new();
    for component in path.components() {
        let part: Cow<'_, str> = match component {
            Component::Prefix(prefix) => prefix.as_os_str().to_string_lossy(),
            Component::RootDir => {
                out.push('/');
                continue;
            }
            Component::CurDir => Cow::Borrowed("."),
            Component::ParentDir => Cow::Borrowed(".."),
            Component::Normal(name) => name.to_string_lossy(),
        };
        if !out.is_empty() && !out.ends_with('/') && !out.ends_with(':') {
            out.push('/');
        }
        out.push_str(&part);
    }
    out
}

/// The message, and the finding's help on a line of its own, for formats that have one text.
pub(crate) fn message_with_help(diagnostic: &Diagnostic) -> Cow<'_, str> {
    match &diagnostic.help {
        Some(help) => Cow::Owned(format!("{}\nhelp: {help}", diagnostic.message)),
        None => Cow::Borrowed(&diagnostic.message),
    }
}

/// FNV-1a, 64 bits: small, fast, and stable across Rust versions and platforms, unlike
/// `std`'s `DefaultHasher`, whose output may change between releases. Fingerprints are
/// compared across runs (and across akslint versions), so the hash must never change.
#[derive(Debug, Clone, Copy)]
struct Fnv1a(u64);

impl Fnv1a {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    const fn new() -> Self {
        Self(Self::OFFSET_BASIS)
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }

    /// Hashes a field with its length first, so that `("ab", "c")` and `("a", "bc")` differ.
    fn field(&mut self, text: &str) {
        self.bytes(&(text.len() as u64).to_le_bytes());
        self.bytes(text.as_bytes());
    }
}

/// The identity of a finding, independent of its line number: the rule, the project-relative
/// path, the object (kind, namespace, name) and the trimmed text of the line the finding starts
/// on. Inserting lines above it, or re-indenting, keeps the fingerprint; editing the offending
/// line or renaming the object changes it, which is what a reviewer would call a new finding.
fn identity_hash(diagnostic: &Diagnostic, path: &str) -> u64 {
    let file = &diagnostic.file;
    let index = file.line_index();
    let line = index.line_span(index.line_of(diagnostic.span.start), file.text());
    let mut hash = Fnv1a::new();
    hash.field(&diagnostic.code);
    hash.field(path);
    let object = diagnostic.object.as_ref();
    hash.field(object.map_or("", |o| o.kind.as_str()));
    hash.field(object.and_then(|o| o.namespace.as_deref()).unwrap_or(""));
    hash.field(object.and_then(|o| o.name.as_deref()).unwrap_or(""));
    hash.field(file.slice(line).trim());
    hash.0
}

/// One fingerprint per diagnostic, 16 lowercase hex digits, unique within the list.
///
/// Two findings with the same identity (the same rule on two identical lines of one object)
/// would otherwise share a fingerprint, and GitLab shows only the first of a duplicated one.
/// The second and later get the identity rehashed with their occurrence number; since
/// diagnostics arrive sorted by position, the numbering is stable as long as their order is.
pub(crate) fn fingerprints(diagnostics: &[Diagnostic], base: &PathBase) -> Vec<String> {
    let mut used = HashSet::with_capacity(diagnostics.len());
    diagnostics
        .iter()
        .map(|diagnostic| {
            let identity = identity_hash(diagnostic, &base.display(diagnostic.file.path()));
            let mut value = identity;
            let mut occurrence = 0u64;
            while !used.insert(value) {
                occurrence += 1;
                let mut hash = Fnv1a(identity);
                hash.bytes(&occurrence.to_le_bytes());
                value = hash.0;
            }
            format!("{value:016x}")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        let hash = |text: &str| {
            let mut h = Fnv1a::new();
            h.bytes(text.as_bytes());
            h.0
        };
        assert_eq!(hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(hash("foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn paths_are_made_relative_to_the_project_root() {
        let base = PathBase {
            working_dir: PathBuf::from("/repo/deploy"),
            project_root: PathBuf::from("/repo"),
        };
        let rel = |p: &str| base.locate(Path::new(p));
        assert_eq!(rel("pod.yaml"), Located::Relative("deploy/pod.yaml".into()));
        assert_eq!(
            rel("./a/../b/pod.yaml"),
            Located::Relative("deploy/b/pod.yaml".into())
        );
        assert_eq!(rel("../x.yaml"), Located::Relative("x.yaml".into()));
        assert_eq!(
            rel("/repo/deploy/y.yaml"),
            Located::Relative("deploy/y.yaml".into())
        );
        assert_eq!(rel("/tmp/z.yaml"), Located::Absolute("/tmp/z.yaml".into()));
        assert_eq!(rel("../../../etc"), Located::Absolute("/etc".into()));
    }

    #[test]
    fn relative_working_directories_stay_relative() {
        let base = PathBase::new(".");
        assert_eq!(
            base.locate(Path::new("./deploy/pod.yaml")),
            Located::Relative("deploy/pod.yaml".into())
        );
        assert_eq!(
            base.locate(Path::new("../other/pod.yaml")),
            Located::Relative("../other/pod.yaml".into())
        );
        assert_eq!(base.locate(Path::new("-")), Located::Relative("-".into()));
    }
}
