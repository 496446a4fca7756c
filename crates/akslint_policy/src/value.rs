//! Syntax trees as Rego values, read the way the Kubernetes API server reads YAML.

use std::collections::BTreeMap;

use akslint_syntax::{K8sScalar, NodeKind, NodeRef};
use regorus::Value;

/// The value of `node` as the API server would store it: YAML 1.1 scalars (`yes` is true,
/// `0755` is 493), mapping keys as strings.
#[must_use]
pub fn to_value(node: NodeRef<'_>) -> Value {
    match node.kind() {
        NodeKind::Scalar { .. } => match node.k8s_value() {
            Some(K8sScalar::Bool(flag)) => Value::from(flag),
            Some(K8sScalar::Int(int)) => Value::from(int),
            // JSON has no infinities nor NaN: the API server refuses them, so do we.
            Some(K8sScalar::Float(float)) if float.is_finite() => Value::from(float),
            Some(K8sScalar::Str(text)) => Value::from(text),
            Some(K8sScalar::Float(_) | K8sScalar::Null) | None => Value::Null,
        },
        NodeKind::Mapping { .. } => {
            let mut map = BTreeMap::new();
            for (key, value) in node.entries() {
                map.insert(key_value(key), to_value(value));
            }
            Value::from(map)
        }
        NodeKind::Sequence { .. } => Value::from(node.items().map(to_value).collect::<Vec<_>>()),
    }
}

/// A mapping key: its text, as JSON object keys are strings.
fn key_value(key: NodeRef<'_>) -> Value {
    match key.scalar() {
        Some((text, _)) => Value::from(text),
        // A collection as a key cannot come from JSON; keep it as the value it is.
        None => to_value(key),
    }
}

/// The string at `key` of an object value.
#[must_use]
pub fn str_at<'v>(value: &'v Value, key: &str) -> Option<&'v str> {
    match &value[key] {
        Value::String(text) => Some(text),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use akslint_syntax::{Limits, yaml};

    #[test]
    fn scalars_are_read_as_kubernetes_reads_them() {
        let parsed = yaml::parse(
            "a: yes\nb: 0755\nc: '0755'\nd: ~\ne: [1.5, x]\n1: one\n",
            &Limits::default(),
        );
        let root = parsed.root(&parsed.documents[0]).expect("root");
        let value = to_value(root);
        assert_eq!(value["a"], Value::from(true));
        assert_eq!(value["b"], Value::from(493_i64));
        assert_eq!(value["c"], Value::from("0755"));
        assert_eq!(value["d"], Value::Null);
        assert_eq!(value["e"][1], Value::from("x"));
        assert_eq!(value["1"], Value::from("one"));
    }
}
