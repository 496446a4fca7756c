//! ARM templates in the engine: which JSON files are templates and which are parameter files,
//! the evaluations of a template (one per parameter file, or one with the defaults), and the
//! facts they add to the project index.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use akslint_model::azure::{
    ArmDocument, EvaluatedTemplate, MANAGED_CLUSTERS, ParameterFile, SettingTarget, Value,
};
use akslint_syntax::{Limits, NodeRef, ParsedFile, bicep, json};
use akslint_text::SourceFile;

use crate::context::resource_ref;
use crate::project::{
    ClusterFacts, DiagnosticSettingFacts, DiagnosticTarget, Location, LogFacts, ProjectIndex,
    ResourceKey,
};

/// The root of a parsed JSON file when it is an ARM document of `kind`.
pub(crate) fn arm_root<'a>(parsed: &'a ParsedFile<'a>, kind: ArmDocument) -> Option<NodeRef<'a>> {
    let document = parsed.documents.first()?;
    let root = parsed.root(document)?;
    (ArmDocument::detect(root) == Some(kind)).then_some(root)
}

/// The template a parameter file belongs to by name: `x.parameters.json` and
/// `x.parameters.<anything>.json` (`azuredeploy.parameters.prod.json`) belong to `x.json`
/// in the same directory.
#[must_use]
pub fn template_path_for_parameters(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let lower = name.to_ascii_lowercase();
    let at = lower.find(".parameters.")?;
    let extension = Path::new(name).extension()?.to_str()?;
    Some(path.with_file_name(format!("{}.{extension}", &name[..at])))
}

/// Parses a Bicep file, following its local modules on disk (each read only when it is a
/// regular file within the size limit).
pub(crate) fn parse_bicep<'a>(file: &'a SourceFile, limits: &Limits) -> ParsedFile<'a> {
    let max_bytes = limits.max_file_bytes;
    let mut loader = |path: &Path| -> Option<String> {
        let metadata = std::fs::metadata(path).ok()?;
        if !metadata.is_file() || metadata.len() > max_bytes {
            return None;
        }
        std::fs::read_to_string(path).ok()
    };
    bicep::parse_with_modules(file.text(), limits, file.path(), &mut loader)
}

/// The template a `.bicepparam` file is for: its `using` path, resolved against its folder.
fn bicepparam_template(file: &SourceFile, root: NodeRef<'_>) -> Option<PathBuf> {
    let using = root.get("using")?.as_str()?;
    let folder = file.path().parent()?;
    Some(lexically_normal(&folder.join(using)))
}

pub(crate) use bicep::lexically_normal;

/// The templates a parameter file belongs to: a `.bicepparam` file's `using` template; a JSON
/// one's template of its name (`x.parameters.json` → `x.json` and `x.bicep`).
pub(crate) fn templates_for_parameters(file: &SourceFile, root: NodeRef<'_>) -> Vec<PathBuf> {
    if is_bicep(file.path()) {
        return bicepparam_template(file, root).into_iter().collect();
    }
    template_path_for_parameters(file.path())
        .map(|json| vec![json.with_extension("bicep"), json])
        .unwrap_or_default()
}

fn is_bicep(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("bicep") || e.eq_ignore_ascii_case("bicepparam"))
}

/// Runs `f` on each evaluation of the template `root`: one per parameter file, or one with the
/// defaults when there is none (or none can be read; a broken parameter file gets its own
/// syntax error).
pub(crate) fn for_each_evaluation(
    root: NodeRef<'_>,
    parameter_files: &[Arc<SourceFile>],
    limits: &Limits,
    mut f: impl FnMut(Option<&Arc<SourceFile>>, &EvaluatedTemplate<'_>),
) {
    let mut evaluated = false;
    for file in parameter_files {
        let parsed = if is_bicep(file.path()) {
            bicep::parse(file.text(), limits)
        } else {
            json::parse(file.text(), limits)
        };
        let Some(parameters) = parsed
            .documents
            .first()
            .and_then(|document| parsed.root(document))
            .and_then(ParameterFile::from_root)
        else {
            continue;
        };
        let template = EvaluatedTemplate::evaluate(root, Some(parameters));
        f(Some(file), &template);
        evaluated = true;
    }
    if !evaluated {
        let template = EvaluatedTemplate::evaluate(root, None);
        f(None, &template);
    }
}

/// Where a resource of `file` is, for the project index.
fn location(file: &Arc<SourceFile>, resource: &akslint_model::azure::Resource<'_>) -> Location {
    Location {
        file: Arc::clone(file),
        span: resource.anchor().anchor_span(),
        object: Some(Arc::new(resource_ref(resource))),
    }
}

/// Adds the managed clusters and their diagnostic settings of one evaluation to `project`.
pub(crate) fn collect_facts(
    file: &Arc<SourceFile>,
    template: &EvaluatedTemplate<'_>,
    project: &mut ProjectIndex,
) {
    let key = |index: usize| ResourceKey {
        path: file.path().to_path_buf(),
        offset: template.resources[index].node.span().start,
    };
    // The cluster resources alone: their node pools, which `managed_clusters()` would match
    // to each, are no facts.
    for (index, cluster) in template.deployed_of_type(MANAGED_CLUSTERS) {
        project.managed_clusters.push(ClusterFacts {
            key: key(index),
            name: cluster.name.as_str().map(str::to_owned),
            api_version: cluster.api_version.as_deref().map(str::to_owned),
            location: location(file, cluster),
        });
    }
    for setting in template.cluster_diagnostic_settings() {
        let target = match &setting.target {
            SettingTarget::Cluster(index) => DiagnosticTarget::Cluster(key(*index)),
            SettingTarget::ClusterNamed(name) => DiagnosticTarget::ClusterNamed(name.clone()),
            SettingTarget::Unknown => DiagnosticTarget::Unknown,
        };
        let logs = setting
            .logs()
            .known()
            .and_then(Value::as_array)
            .map(|logs| {
                logs.iter()
                    .map(|log| LogFacts {
                        category: log
                            .member("category")
                            .and_then(Value::as_str)
                            .map(str::to_owned),
                        category_group: log
                            .member("categoryGroup")
                            .and_then(Value::as_str)
                            .map(str::to_owned),
                        enabled: log.member("enabled").and_then(Value::as_bool),
                    })
                    .collect()
            });
        project.diagnostic_settings.push(DiagnosticSettingFacts {
            target,
            logs,
            location: location(file, setting.resource),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_files_belong_to_the_template_of_their_name() {
        let cases = [
            ("a/azuredeploy.parameters.json", Some("a/azuredeploy.json")),
            ("main.parameters.prod.json", Some("main.json")),
            ("Main.Parameters.JSON", Some("Main.JSON")),
            ("main.json", None),
            ("parameters.json", None),
        ];
        for (path, expected) in cases {
            assert_eq!(
                template_path_for_parameters(Path::new(path)),
                expected.map(PathBuf::from),
                "{path}"
            );
        }
    }
}
