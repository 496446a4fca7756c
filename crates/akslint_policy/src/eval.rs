//! Reviewing a run's objects as Gatekeeper's admission webhook would.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use akslint_diagnostics::{Diagnostic, ObjectRef};
use akslint_model::k8s::{Object, WorkloadKinds, objects};
use akslint_syntax::{NodeRef, ParsedFile};
use akslint_text::SourceFile;
use rayon::prelude::*;
use regorus::Value;

use crate::locate::locate;
use crate::matching::{NamespaceLabels, Target};
use crate::value::to_value;
use crate::{PolicySet, Problem};

/// One parsed file of the run.
#[derive(Clone, Copy)]
pub struct Input<'a> {
    /// The source.
    pub file: &'a Arc<SourceFile>,
    /// Its syntax tree.
    pub parsed: &'a ParsedFile<'a>,
}

/// What evaluating a run gave.
#[derive(Debug, Default)]
pub struct Evaluation {
    /// One per violation, on the object in its source file.
    pub diagnostics: Vec<Diagnostic>,
    /// Rego that failed while evaluating, in the template (once per template and message).
    pub problems: Vec<Problem>,
}

/// Kinds of the core and common groups that have no namespace.
const CLUSTER_SCOPED: [&str; 17] = [
    "Namespace",
    "Node",
    "PersistentVolume",
    "ClusterRole",
    "ClusterRoleBinding",
    "StorageClass",
    "CustomResourceDefinition",
    "PriorityClass",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "IngressClass",
    "RuntimeClass",
    "CSIDriver",
    "APIService",
    "PodSecurityPolicy",
];

/// An object (or the Pod a workload creates) ready for review.
struct Review<'a> {
    /// The object in its source: findings are reported there.
    object: Object<'a>,
    file: &'a Arc<SourceFile>,
    /// The pod spec in the source, to find containers in.
    pod_spec: Option<NodeRef<'a>>,
    group: String,
    kind: String,
    name: String,
    namespace: Option<String>,
    labels: BTreeMap<String, String>,
    /// `input.review`.
    value: Value,
}

impl Review<'_> {
    fn target(&self) -> Target<'_> {
        Target {
            group: &self.group,
            kind: &self.kind,
            name: &self.name,
            namespace: self.namespace.as_deref(),
            labels: &self.labels,
        }
    }
}

impl PolicySet {
    /// Reviews every object of `inputs`, and the Pod each workload creates (`workload_kinds`
    /// says which kinds carry a pod template), with each constraint whose match selects it.
    /// `data.inventory` holds the objects of `inputs`.
    #[must_use]
    pub fn evaluate(&self, inputs: &[Input<'_>], workload_kinds: &WorkloadKinds) -> Evaluation {
        if self.constraints.is_empty() {
            return Evaluation::default();
        }
        let mut reviews = Vec::new();
        let mut inventory = Inventory::default();
        let mut namespaces = NamespaceLabels::new();
        for input in inputs {
            for object in objects(input.parsed) {
                let value = to_value(object.node);
                let review = review(object, input.file, value, workload_kinds);
                if review.group.is_empty() && review.kind == "Namespace" {
                    namespaces.insert(review.name.clone(), review.labels.clone());
                }
                inventory.add(&review);
                if let Some(pod) = expand(&review, workload_kinds) {
                    reviews.push(pod);
                }
                reviews.push(review);
            }
        }
        let data = inventory.into_data();
        let per_template: Vec<Evaluation> = (0..self.templates.len())
            .into_par_iter()
            .map(|index| self.evaluate_template(index, &reviews, &namespaces, &data))
            .collect();
        let mut evaluation = Evaluation::default();
        for part in per_template {
            evaluation.diagnostics.extend(part.diagnostics);
            evaluation.problems.extend(part.problems);
        }
        evaluation.diagnostics.sort_by(Diagnostic::output_order);
        evaluation.diagnostics.dedup_by(|a, b| {
            a.code == b.code
                && a.span == b.span
                && a.message == b.message
                && a.file.path() == b.file.path()
        });
        evaluation
    }

    fn evaluate_template(
        &self,
        index: usize,
        reviews: &[Review<'_>],
        namespaces: &NamespaceLabels,
        data: &Value,
    ) -> Evaluation {
        let mut evaluation = Evaluation::default();
        let constraints: Vec<_> = self
            .constraints
            .iter()
            .filter(|(template, _)| *template == index)
            .map(|(_, constraint)| constraint)
            .collect();
        if constraints.is_empty() {
            return evaluation;
        }
        let template = &self.templates[index];
        // One engine per template and run: analysed once, then given one input after another.
        let mut engine = template.engine.clone();
        if let Err(error) = engine.add_data(data.clone()) {
            evaluation
                .problems
                .push(template.rego_problem(&error.to_string()));
            return evaluation;
        }
        let mut reported = HashSet::new();
        for constraint in constraints {
            for review in reviews {
                if !constraint.matcher.matches(&review.target(), namespaces) {
                    continue;
                }
                let mut input = BTreeMap::new();
                input.insert(Value::from("review"), review.value.clone());
                input.insert(Value::from("parameters"), constraint.parameters.clone());
                engine.set_input(Value::from(input));
                let violations = match engine.eval_rule(template.rule.clone()) {
                    Ok(violations) => violations,
                    Err(error) => {
                        let problem = template.rego_problem(&error.to_string());
                        if reported.insert(problem.message.clone()) {
                            evaluation.problems.push(problem);
                        }
                        continue;
                    }
                };
                for violation in elements(&violations) {
                    let message = match &violation["msg"] {
                        Value::String(text) => text.to_string(),
                        Value::Undefined => continue,
                        other => crate::placeholder::as_text(other),
                    };
                    let span = locate(
                        &review.object,
                        review.pod_spec,
                        &message,
                        &violation["details"],
                    );
                    let identity = review.object.identity();
                    evaluation.diagnostics.push(Diagnostic {
                        code: Cow::Owned(constraint.kind.clone()),
                        name: Cow::Owned(constraint.name.clone()),
                        severity: constraint.severity,
                        message,
                        help: None,
                        file: Arc::clone(review.file),
                        span,
                        object: Some(Arc::new(ObjectRef {
                            kind: identity.kind,
                            name: identity.name,
                            namespace: identity.namespace,
                        })),
                        source_template: review.object.document.helm_source.clone(),
                        related: Vec::new(),
                        // Policies have no page in akslint's rule documentation.
                        url: None,
                        fix: None,
                        rendered_range: None,
                    });
                }
            }
        }
        evaluation
    }
}

/// The members of a partial set rule's value (a set; an array from some engines).
fn elements(value: &Value) -> Vec<&Value> {
    match value {
        Value::Set(items) => items.iter().collect(),
        Value::Array(items) => items.iter().collect(),
        _ => Vec::new(),
    }
}

/// The review of `object` as written.
fn review<'a>(
    object: Object<'a>,
    file: &'a Arc<SourceFile>,
    value: Value,
    workload_kinds: &WorkloadKinds,
) -> Review<'a> {
    let kind = object.kind.unwrap_or_default().to_owned();
    let group = object.api_group().to_owned();
    let version = object
        .api_version
        .map_or("", |v| v.rsplit_once('/').map_or(v, |(_, version)| version))
        .to_owned();
    let name = object.name.unwrap_or_default().to_owned();
    // Applied without a namespace, a namespaced object lands in `default`.
    let namespace = match object.namespace {
        Some(namespace) => Some(namespace.to_owned()),
        None if CLUSTER_SCOPED.contains(&kind.as_str()) => None,
        None => Some("default".to_owned()),
    };
    let labels = labels(&value["metadata"]);
    let review_value = review_value(&group, &version, &kind, &name, namespace.as_deref(), value);
    Review {
        object,
        file,
        pod_spec: workload_kinds.workload(object).map(|w| w.pod_spec),
        group,
        kind,
        name,
        namespace,
        labels,
        value: review_value,
    }
}

/// `input.review` for an object.
fn review_value(
    group: &str,
    version: &str,
    kind: &str,
    name: &str,
    namespace: Option<&str>,
    object: Value,
) -> Value {
    let mut gvk = BTreeMap::new();
    gvk.insert(Value::from("group"), Value::from(group));
    gvk.insert(Value::from("version"), Value::from(version));
    gvk.insert(Value::from("kind"), Value::from(kind));
    let mut review = BTreeMap::new();
    review.insert(Value::from("kind"), Value::from(gvk));
    review.insert(Value::from("object"), object);
    review.insert(Value::from("name"), Value::from(name));
    review.insert(
        Value::from("namespace"),
        Value::from(namespace.unwrap_or_default()),
    );
    review.insert(Value::from("operation"), Value::from("CREATE"));
    Value::from(review)
}

/// The Pod a workload creates, as Gatekeeper's expansion makes it: the pod template's
/// metadata and spec, in the workload's namespace.
fn expand<'a>(review: &Review<'a>, workload_kinds: &WorkloadKinds) -> Option<Review<'a>> {
    if review.group.is_empty() && matches!(review.kind.as_str(), "Pod" | "PodTemplate") {
        return None;
    }
    let workload = workload_kinds.workload(review.object)?;
    let mut metadata = match workload.pod_metadata.map(to_value) {
        Some(Value::Object(fields)) => Value::Object(fields),
        _ => Value::new_object(),
    };
    if let Ok(fields) = metadata.as_object_mut() {
        // The pods are named after their workload, which is what the messages should name.
        if !fields.contains_key(&Value::from("name")) {
            fields.insert(Value::from("name"), Value::from(review.name.as_str()));
        }
        if let Some(namespace) = review.object.namespace {
            fields.insert(Value::from("namespace"), Value::from(namespace));
        }
    }
    let labels = labels(&metadata);
    let mut pod = BTreeMap::new();
    pod.insert(Value::from("apiVersion"), Value::from("v1"));
    pod.insert(Value::from("kind"), Value::from("Pod"));
    pod.insert(Value::from("metadata"), metadata);
    pod.insert(Value::from("spec"), to_value(workload.pod_spec));
    let value = review_value(
        "",
        "v1",
        "Pod",
        &review.name,
        review.namespace.as_deref(),
        Value::from(pod),
    );
    Some(Review {
        object: review.object,
        file: review.file,
        pod_spec: Some(workload.pod_spec),
        group: String::new(),
        kind: "Pod".to_owned(),
        name: review.name.clone(),
        namespace: review.namespace.clone(),
        labels,
        value,
    })
}

/// `metadata.labels` as strings.
fn labels(metadata: &Value) -> BTreeMap<String, String> {
    crate::matching::text_pairs(&metadata["labels"]).collect()
}

/// `data.inventory` as Gatekeeper's sync builds it: `namespace[ns][apiVersion][kind][name]`
/// and `cluster[apiVersion][kind][name]`.
#[derive(Default)]
struct Inventory {
    namespaced: BTreeMap<String, ByApiVersion>,
    cluster: ByApiVersion,
}

/// apiVersion -> kind -> name -> object.
type ByApiVersion = BTreeMap<String, BTreeMap<String, BTreeMap<String, Value>>>;

impl Inventory {
    fn add(&mut self, review: &Review<'_>) {
        let api_version = review.object.api_version.unwrap_or_default().to_owned();
        let object = review.value["object"].clone();
        let by_kind = match &review.namespace {
            Some(namespace) => self
                .namespaced
                .entry(namespace.clone())
                .or_default()
                .entry(api_version)
                .or_default(),
            None => self.cluster.entry(api_version).or_default(),
        };
        by_kind
            .entry(review.kind.clone())
            .or_default()
            .insert(review.name.clone(), object);
    }

    fn into_data(self) -> Value {
        fn level<T>(map: BTreeMap<String, T>, inner: impl Fn(T) -> Value) -> Value {
            Value::from(
                map.into_iter()
                    .map(|(key, value)| (Value::from(key), inner(value)))
                    .collect::<BTreeMap<_, _>>(),
            )
        }
        let kinds = |kinds: BTreeMap<String, BTreeMap<String, Value>>| {
            level(kinds, |names| level(names, |v| v))
        };
        let namespaced = level(self.namespaced, |versions| level(versions, kinds));
        let cluster = level(self.cluster, kinds);
        let mut inventory = BTreeMap::new();
        inventory.insert(Value::from("namespace"), namespaced);
        inventory.insert(Value::from("cluster"), cluster);
        let mut data = BTreeMap::new();
        data.insert(Value::from("inventory"), Value::from(inventory));
        Value::from(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use akslint_syntax::{Limits, yaml};

    const TEMPLATE: &str = r#"apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8sshared}
spec:
  crd: {spec: {names: {kind: K8sShared}}}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8sshared
        import data.lib.names
        violation[{"msg": msg, "details": {"container": "app"}}] {
          names.shared(input.review.object.metadata.name)
          namespaces := data.inventory.cluster["v1"]["Namespace"]
          web := data.inventory.namespace["a"]["apps/v1"]["Deployment"]["shared-web"]
          k := input.review.kind
          msg := sprintf("%v %v %v/%v in %v (%v namespaces, %v replicas)", [input.review.operation, k.kind, k.group, k.version, input.review.namespace, count(namespaces), web.spec.replicas])
        }
      libs:
        - |
          package lib.names
          shared(name) { startswith(name, "shared-") }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sShared
metadata: {name: shared}
spec:
  match:
    kinds: [{apiGroups: [""], kinds: [Pod]}]
"#;

    const MANIFESTS: &str = "apiVersion: v1
kind: Namespace
metadata: {name: a}
---
apiVersion: v1
kind: Namespace
metadata: {name: b}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: shared-web, namespace: a}
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: app
          image: app
---
apiVersion: v1
kind: Pod
metadata: {name: other, namespace: a}
spec: {containers: [{name: app, image: app}]}
";

    /// The review shape, the template's libs and `data.inventory` all reach the Rego; the Pod
    /// that the Deployment creates is reviewed, and the finding is on the Deployment's
    /// container that `details` names.
    #[test]
    fn libs_inventory_and_the_review_reach_the_rego() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("policy.yaml"), TEMPLATE).expect("write");
        let set = PolicySet::load(&[dir.path().to_owned()], None).expect("loads");
        assert!(set.problems().is_empty(), "{:?}", set.problems());
        let file = SourceFile::new("app.yaml", MANIFESTS);
        let parsed = yaml::parse(file.text(), &Limits::default());
        let inputs = [Input {
            file: &file,
            parsed: &parsed,
        }];
        let evaluation = set.evaluate(&inputs, &WorkloadKinds::default());
        assert!(evaluation.problems.is_empty(), "{:?}", evaluation.problems);
        let found: Vec<(String, &str)> = evaluation
            .diagnostics
            .iter()
            .map(|d| (d.message.clone(), file.slice(d.span)))
            .collect();
        assert_eq!(
            found,
            [(
                "CREATE Pod /v1 in a (2 namespaces, 3 replicas)".to_owned(),
                "name: app"
            )]
        );
        assert_eq!(evaluation.diagnostics[0].code, "K8sShared");
        assert_eq!(evaluation.diagnostics[0].name, "shared");
    }
}
