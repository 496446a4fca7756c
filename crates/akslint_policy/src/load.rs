//! Reading policy folders: templates and constraints from any YAML file, placeholders filled.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use akslint_syntax::{Limits, NodeRef, yaml};
use akslint_text::{SourceFile, Span};
use regorus::Value;

use crate::constraint::RawConstraint;
use crate::placeholder::{self, as_text};
use crate::value::to_value;
use crate::{PolicySet, Problem, Template};

/// A policy folder or values file that cannot be read (a usage error, unlike a problem
/// inside a policy file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError(pub String);

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

/// A document kind in a policy folder.
enum Found {
    Template(Box<Template>),
    Constraint(RawConstraint, Vec<placeholder::Placeholder>),
}

impl PolicySet {
    /// Loads every `ConstraintTemplate` and constraint (`constraints.gatekeeper.sh`) in the YAML
    /// files below `paths` (folders, walked in name order, or files), filling placeholders from
    /// the `values` file (a YAML mapping of placeholder names to values).
    ///
    /// # Errors
    /// When a path or the values file cannot be read, or the values file is not a mapping.
    /// Problems inside policy files are not errors: see [`PolicySet::problems`].
    pub fn load(paths: &[PathBuf], values: Option<&Path>) -> Result<Self, LoadError> {
        let values = values.map(read_values).transpose()?.unwrap_or_default();
        let mut files = Vec::new();
        for path in paths {
            collect_files(path, &mut files)?;
        }
        let mut set = Self::default();
        let mut raw = Vec::new();
        for path in files {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| LoadError(format!("cannot read {}: {e}", path.display())))?;
            let file = SourceFile::new(&path, text);
            for found in read_file(&file, &mut set.problems) {
                match found {
                    Found::Template(template) => {
                        if set.templates.iter().any(|t| t.kind == template.kind) {
                            set.problems.push(Problem {
                                file: Arc::clone(&template.file),
                                span: Span::empty(0),
                                message: format!(
                                    "a second ConstraintTemplate for kind `{}`: this one is not used",
                                    template.kind
                                ),
                            });
                        } else {
                            set.templates.push(*template);
                        }
                    }
                    Found::Constraint(constraint, placeholders) => {
                        raw.push((constraint, placeholders));
                    }
                }
            }
        }
        let by_kind: HashMap<&str, usize> = set
            .templates
            .iter()
            .enumerate()
            .map(|(index, template)| (template.kind.as_str(), index))
            .collect();
        let mut constraints = Vec::new();
        // (placeholder, value shown, origin) -> the constraints that used it.
        let mut used: BTreeMap<(String, String, &str), Vec<String>> = BTreeMap::new();
        for (constraint, placeholders) in raw {
            let Some(&index) = by_kind.get(constraint.kind.as_str()) else {
                set.problems.push(Problem {
                    file: Arc::clone(&constraint.file),
                    span: constraint.kind_span,
                    message: format!(
                        "no ConstraintTemplate in the policy folders defines the kind `{}`",
                        constraint.kind
                    ),
                });
                continue;
            };
            let constraint = constraint.fill(&placeholders, &values, &set.templates[index].schema);
            for (name, value, origin) in &constraint.values {
                let shown = match value {
                    Value::String(_) => format!("{:?}", as_text(value)),
                    _ => as_text(value),
                };
                used.entry((name.clone(), shown, origin.describe()))
                    .or_default()
                    .push(constraint.name.clone());
            }
            constraints.push((index, constraint));
        }
        set.constraints = constraints;
        set.notes = used
            .into_iter()
            .map(|((name, shown, origin), users)| {
                let by = if users.len() <= 3 {
                    let names: Vec<String> = users.iter().map(|u| format!("`{u}`")).collect();
                    format!("constraint {}", names.join(", "))
                } else {
                    format!("{} constraints", users.len())
                };
                format!("policy placeholder `{name}` = {shown} ({origin}) in {by}")
            })
            .collect();
        Ok(set)
    }
}

/// The YAML files at `path`: the file itself, or those below the folder in name order.
fn collect_files(path: &Path, files: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let cannot =
        |e: std::io::Error| LoadError(format!("cannot read policy path {}: {e}", path.display()));
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if meta.is_file() {
        files.push(path.to_owned());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(cannot)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    entries.sort();
    for entry in entries {
        // Symlinked folders are not followed, so a walk cannot loop.
        let Ok(meta) = std::fs::symlink_metadata(&entry) else {
            continue;
        };
        if meta.is_dir() {
            collect_files(&entry, files)?;
        } else if entry
            .extension()
            .is_some_and(|ext| ext == "yaml" || ext == "yml")
            && std::fs::metadata(&entry).is_ok_and(|m| m.is_file())
        {
            files.push(entry);
        }
    }
    Ok(())
}

/// The values file: placeholder name -> value.
fn read_values(path: &Path) -> Result<BTreeMap<String, Value>, LoadError> {
    let problem = |why: String| LoadError(format!("policy values {}: {why}", path.display()));
    let text = std::fs::read_to_string(path).map_err(|e| problem(e.to_string()))?;
    let parsed = yaml::parse(&text, &Limits::default());
    if let Some(error) = parsed.errors.first() {
        return Err(problem(format!("invalid YAML: {}", error.message)));
    }
    let Some(root) = parsed.documents.first().and_then(|d| parsed.root(d)) else {
        return Ok(BTreeMap::new());
    };
    if !root.is_mapping() {
        return Err(problem(
            "must be a mapping of placeholder names to values".to_owned(),
        ));
    }
    Ok(root
        .entries()
        .filter_map(|(key, value)| Some((key.as_str()?.to_owned(), to_value(value))))
        .collect())
}

/// The templates and constraints of one file; problems go to `problems`.
fn read_file(file: &Arc<SourceFile>, problems: &mut Vec<Problem>) -> Vec<Found> {
    let marked = match placeholder::mark(file.text()) {
        Ok(marked) => marked,
        Err((range, message)) => {
            problems.push(Problem {
                file: Arc::clone(file),
                span: Span::from_range(range),
                message,
            });
            return Vec::new();
        }
    };
    let parsed = yaml::parse(&marked.text, &Limits::default());
    if let Some(error) = parsed.errors.first() {
        problems.push(Problem {
            file: Arc::clone(file),
            span: error.span,
            message: format!("invalid YAML in a policy file: {}", error.message),
        });
        return Vec::new();
    }
    let mut found = Vec::new();
    for document in &parsed.documents {
        let Some(root) = parsed.root(document) else {
            continue;
        };
        let api_version = root
            .get("apiVersion")
            .and_then(NodeRef::as_str)
            .unwrap_or_default();
        let kind = root
            .get("kind")
            .and_then(NodeRef::as_str)
            .unwrap_or_default();
        let group = api_version.split_once('/').map_or("", |(group, _)| group);
        if group == "templates.gatekeeper.sh" && kind == "ConstraintTemplate" {
            match Template::compile(file, root) {
                Ok(template) => found.push(Found::Template(Box::new(template))),
                Err(problem) => problems.push(problem),
            }
        } else if group == "constraints.gatekeeper.sh" && !kind.is_empty() {
            found.push(Found::Constraint(
                RawConstraint::read(file, root, kind),
                marked.placeholders.clone(),
            ));
        }
    }
    found
}
