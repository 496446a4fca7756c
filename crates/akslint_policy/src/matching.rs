//! A constraint's `spec.match`: which objects it applies to, as Gatekeeper decides it.

use std::collections::{BTreeMap, HashMap};

use regorus::Value;

/// What a constraint's match looks at in an object under review.
#[derive(Debug, Clone)]
pub struct Target<'a> {
    /// API group (`""` for the core group).
    pub group: &'a str,
    /// Kind.
    pub kind: &'a str,
    /// `metadata.name`.
    pub name: &'a str,
    /// The namespace it goes to; `None` for a cluster-scoped object.
    pub namespace: Option<&'a str>,
    /// `metadata.labels`.
    pub labels: &'a BTreeMap<String, String>,
}

/// The labels of each Namespace object of the run, by name.
pub type NamespaceLabels = HashMap<String, BTreeMap<String, String>>;

/// `spec.match`.
#[derive(Debug, Clone, Default)]
pub struct Match {
    /// `kinds`: (apiGroups, kinds) pairs; any object when empty.
    kinds: Vec<(Vec<String>, Vec<String>)>,
    /// `namespaces`: when set, only these (`prefix*` and `*suffix` globs allowed).
    namespaces: Option<Vec<String>>,
    /// `excludedNamespaces`.
    excluded_namespaces: Vec<String>,
    /// `labelSelector`.
    label_selector: Option<LabelSelector>,
    /// `namespaceSelector`.
    namespace_selector: Option<LabelSelector>,
    /// `scope`: `*`, `Cluster` or `Namespaced`.
    scope: Option<String>,
    /// `name`: when set, only objects of this name (a `prefix*` or `*suffix` glob).
    name: Option<String>,
}

impl Match {
    /// Reads `spec.match` (a missing one matches everything).
    #[must_use]
    pub fn from_value(value: &Value) -> Self {
        let kinds = match &value["kinds"] {
            Value::Array(items) => items
                .iter()
                .map(|item| (strings(&item["apiGroups"]), strings(&item["kinds"])))
                .collect(),
            _ => Vec::new(),
        };
        let namespaces = match &value["namespaces"] {
            Value::Array(_) => Some(strings(&value["namespaces"])),
            _ => None,
        };
        let selector = |key: &str| match &value[key] {
            Value::Object(_) => Some(LabelSelector::from_value(&value[key])),
            _ => None,
        };
        Self {
            kinds,
            namespaces,
            excluded_namespaces: strings(&value["excludedNamespaces"]),
            label_selector: selector("labelSelector"),
            namespace_selector: selector("namespaceSelector"),
            scope: crate::value::str_at(value, "scope").map(str::to_owned),
            name: crate::value::str_at(value, "name").map(str::to_owned),
        }
    }

    /// Whether the constraint applies to `target`. A namespace selector needs the Namespace
    /// object among `namespaces`: without it, the labels are unknown and the object does not
    /// match.
    #[must_use]
    pub fn matches(&self, target: &Target<'_>, namespaces: &NamespaceLabels) -> bool {
        let kind_matches = self.kinds.is_empty()
            || self.kinds.iter().any(|(groups, kinds)| {
                groups.iter().any(|g| g == "*" || g == target.group)
                    && kinds.iter().any(|k| k == "*" || k == target.kind)
            });
        if !kind_matches {
            return false;
        }
        let is_namespace = target.group.is_empty() && target.kind == "Namespace";
        match self.scope.as_deref() {
            Some("Cluster") if target.namespace.is_some() => return false,
            Some("Namespaced") if target.namespace.is_none() => return false,
            _ => {}
        }
        if let Some(name) = &self.name
            && !glob_matches(name, target.name)
        {
            return false;
        }
        if let Some(selector) = &self.label_selector
            && !selector.matches(target.labels)
        {
            return false;
        }
        // A Namespace is matched by its own name and labels; other cluster-scoped objects are
        // not affected by the namespace criteria (as in Gatekeeper).
        let namespace = if is_namespace {
            Some(target.name)
        } else {
            target.namespace
        };
        let Some(namespace) = namespace else {
            return true;
        };
        if let Some(allowed) = &self.namespaces
            && !allowed.iter().any(|glob| glob_matches(glob, namespace))
        {
            return false;
        }
        if self
            .excluded_namespaces
            .iter()
            .any(|glob| glob_matches(glob, namespace))
        {
            return false;
        }
        if let Some(selector) = &self.namespace_selector {
            let labels = if is_namespace {
                Some(target.labels)
            } else {
                namespaces.get(namespace)
            };
            return labels.is_some_and(|labels| selector.matches(labels));
        }
        true
    }
}

/// Gatekeeper's name globs: `prefix*`, `*suffix`, or an exact name.
fn glob_matches(glob: &str, name: &str) -> bool {
    if let Some(prefix) = glob.strip_suffix('*') {
        name.starts_with(prefix)
    } else if let Some(suffix) = glob.strip_prefix('*') {
        name.ends_with(suffix)
    } else {
        glob == name
    }
}

/// The strings of an array value (others are skipped).
pub fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                Value::String(text) => Some(text.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A Kubernetes label selector.
#[derive(Debug, Clone, Default)]
struct LabelSelector {
    match_labels: Vec<(String, String)>,
    /// (key, operator, values).
    expressions: Vec<(String, String, Vec<String>)>,
}

impl LabelSelector {
    fn from_value(value: &Value) -> Self {
        let match_labels = text_pairs(&value["matchLabels"]).collect();
        let expressions = match &value["matchExpressions"] {
            Value::Array(items) => items
                .iter()
                .map(|item| {
                    (
                        crate::value::str_at(item, "key")
                            .unwrap_or_default()
                            .to_owned(),
                        crate::value::str_at(item, "operator")
                            .unwrap_or_default()
                            .to_owned(),
                        strings(&item["values"]),
                    )
                })
                .collect(),
            _ => Vec::new(),
        };
        Self {
            match_labels,
            expressions,
        }
    }

    fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.match_labels
            .iter()
            .all(|(key, value)| labels.get(key) == Some(value))
            && self.expressions.iter().all(|(key, operator, values)| {
                let label = labels.get(key);
                match operator.as_str() {
                    "In" => label.is_some_and(|l| values.contains(l)),
                    "NotIn" => label.is_none_or(|l| !values.contains(l)),
                    "Exists" => label.is_some(),
                    "DoesNotExist" => label.is_none(),
                    // An unknown operator selects nothing, as the API server rejects it.
                    _ => false,
                }
            })
    }
}

/// The entries of a mapping of labels (`matchLabels`, `metadata.labels`) as text; nothing when
/// it is not a mapping.
pub(crate) fn text_pairs(value: &Value) -> impl Iterator<Item = (String, String)> + '_ {
    let entries = match value {
        Value::Object(entries) => Some(entries.iter()),
        _ => None,
    };
    entries.into_iter().flatten().map(|(key, value)| {
        (
            crate::placeholder::as_text(key),
            crate::placeholder::as_text(value),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(json: &str) -> Match {
        Match::from_value(&Value::from_json_str(json).expect("json"))
    }

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn pod<'a>(namespace: Option<&'a str>, labels: &'a BTreeMap<String, String>) -> Target<'a> {
        Target {
            group: "",
            kind: "Pod",
            name: "web",
            namespace,
            labels,
        }
    }

    #[test]
    fn kinds_namespaces_and_label_selectors() {
        let none = BTreeMap::new();
        let app = labels(&[("app", "web"), ("tier", "front")]);
        let namespaces = NamespaceLabels::new();
        let m = matcher(
            r#"{"kinds": [{"apiGroups": [""], "kinds": ["Pod"]}], "excludedNamespaces": ["kube-*"],
                "labelSelector": {"matchLabels": {"app": "web"},
                  "matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["back"]}]}}"#,
        );
        assert!(m.matches(&pod(Some("prod"), &app), &namespaces));
        assert!(!m.matches(&pod(Some("kube-system"), &app), &namespaces));
        assert!(!m.matches(&pod(Some("prod"), &none), &namespaces));
        let deployment = Target {
            group: "apps",
            kind: "Deployment",
            ..pod(Some("prod"), &app)
        };
        assert!(!m.matches(&deployment, &namespaces));
        let only = matcher(r#"{"namespaces": ["prod"]}"#);
        assert!(only.matches(&pod(Some("prod"), &none), &namespaces));
        assert!(!only.matches(&pod(Some("dev"), &none), &namespaces));
        // Cluster-scoped objects are not filtered by namespace.
        assert!(only.matches(&pod(None, &none), &namespaces));
    }

    #[test]
    fn namespace_selectors_read_the_namespace_objects() {
        let none = BTreeMap::new();
        let mut namespaces = NamespaceLabels::new();
        namespaces.insert("prod".to_owned(), labels(&[("env", "prod")]));
        namespaces.insert("dev".to_owned(), labels(&[("env", "dev")]));
        let m = matcher(r#"{"namespaceSelector": {"matchLabels": {"env": "prod"}}}"#);
        assert!(m.matches(&pod(Some("prod"), &none), &namespaces));
        assert!(!m.matches(&pod(Some("dev"), &none), &namespaces));
        assert!(!m.matches(&pod(Some("unknown"), &none), &namespaces));
        let prod = labels(&[("env", "prod")]);
        let namespace = Target {
            kind: "Namespace",
            name: "prod",
            ..pod(None, &prod)
        };
        assert!(m.matches(&namespace, &namespaces));
    }
}
