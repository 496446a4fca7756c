//! Constraints: instances of a template's kind, with their match, parameters and the values
//! their placeholders were given.

use std::collections::BTreeMap;
use std::sync::Arc;

use akslint_diagnostics::Severity;
use akslint_syntax::NodeRef;
use akslint_text::{SourceFile, Span};
use regorus::Value;

use crate::matching::Match;
use crate::placeholder::{self, Origin, Placeholder};
use crate::value::{str_at, to_value};

/// A constraint ready to evaluate.
#[derive(Debug, Clone)]
pub struct Constraint {
    /// Its kind: the template it instantiates.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// The file it is written in.
    pub file: Arc<SourceFile>,
    /// Its `kind` value, where a problem with it is reported.
    pub kind_span: Span,
    /// `spec.match`.
    pub matcher: Match,
    /// `spec.parameters` (an empty object when absent).
    pub parameters: Value,
    /// From `spec.enforcementAction`: `deny` (the default) is an error, `warn` a warning,
    /// `dryrun` a note.
    pub severity: Severity,
    /// Each placeholder with the value it was given and where that came from.
    pub values: Vec<(String, Value, Origin)>,
}

/// A constraint as read, before its placeholders are filled.
pub struct RawConstraint {
    /// Its kind.
    pub kind: String,
    /// The file.
    pub file: Arc<SourceFile>,
    /// The `kind` value.
    pub kind_span: Span,
    /// The whole document as a value, with placeholder markers.
    pub value: Value,
}

impl RawConstraint {
    /// Reads the constraint at `node`.
    #[must_use]
    pub fn read(file: &Arc<SourceFile>, node: NodeRef<'_>, kind: &str) -> Self {
        Self {
            kind: kind.to_owned(),
            file: Arc::clone(file),
            kind_span: node.get("kind").map_or(node.span(), NodeRef::span),
            value: to_value(node),
        }
    }

    /// Fills the placeholders: from `values` (the `--policy-values` file), else the default in
    /// the template's parameter `schema`, else an empty value of the declared type.
    #[must_use]
    pub fn fill(
        mut self,
        placeholders: &[Placeholder],
        values: &BTreeMap<String, Value>,
        schema: &Value,
    ) -> Constraint {
        let mut used: Vec<(String, Value, Origin)> = Vec::new();
        placeholder::fill(&mut self.value, &mut Vec::new(), &mut |index, path| {
            let Some(placeholder) = placeholders.get(index) else {
                return Value::Null;
            };
            let (value, origin) = match values.get(&placeholder.name) {
                Some(value) => (value.clone(), Origin::ValuesFile),
                None => default_for(path, schema),
            };
            if !used.iter().any(|(name, _, _)| *name == placeholder.name) {
                used.push((placeholder.name.clone(), value.clone(), origin));
            }
            if placeholder.quoted {
                Value::from(placeholder::as_text(&value))
            } else {
                value
            }
        });
        let spec = &self.value["spec"];
        let severity = match str_at(spec, "enforcementAction") {
            Some("warn") => Severity::Warning,
            Some("dryrun") => Severity::Note,
            _ => Severity::Error,
        };
        let parameters = match &spec["parameters"] {
            Value::Object(_) => spec["parameters"].clone(),
            _ => Value::new_object(),
        };
        Constraint {
            name: str_at(&self.value["metadata"], "name")
                .unwrap_or_default()
                .to_owned(),
            matcher: Match::from_value(&spec["match"]),
            parameters,
            severity,
            values: used,
            kind: self.kind,
            file: self.file,
            kind_span: self.kind_span,
        }
    }
}

/// The value of a placeholder nobody gave a value: the declared default of the parameter at
/// `path` (`spec.parameters.x.y`), else an empty value of its type (of the match field's type
/// for `spec.match.*`): `[]`, `{}`, or null for a scalar.
fn default_for(path: &[String], schema: &Value) -> (Value, Origin) {
    let declared = match path {
        [spec, parameters, rest @ ..] if spec == "spec" && parameters == "parameters" => {
            let mut node = schema;
            for key in rest {
                node = &node["properties"][key.as_str()];
            }
            node.clone()
        }
        [spec, matching, field, ..] if spec == "spec" && matching == "match" => {
            let kind = match field.as_str() {
                "namespaces" | "excludedNamespaces" | "kinds" => "array",
                "labelSelector" | "namespaceSelector" => "object",
                _ => "string",
            };
            Value::from_json_str(&format!(r#"{{"type": "{kind}"}}"#)).unwrap_or(Value::Null)
        }
        _ => Value::Null,
    };
    match &declared["default"] {
        Value::Undefined => {}
        default => return (default.clone(), Origin::Default),
    }
    // A scalar is left null, as YAML reads an empty value: `""` or `0` would be a value
    // (templates test `not input.parameters.x` for "not given", and null passes that too).
    let empty = match str_at(&declared, "type") {
        Some("array") => Value::new_array(),
        Some("object") => Value::new_object(),
        _ => Value::Null,
    };
    (empty, Origin::Empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_come_from_the_schema_or_the_type() {
        let schema = Value::from_json_str(
            r#"{"properties": {"ports": {"type": "array"}, "cpu": {"type": "string", "default": "1"},
                "users": {"type": "object", "properties": {"rule": {"type": "string"}}}}}"#,
        )
        .expect("json");
        let path = |keys: &[&str]| keys.iter().map(|k| (*k).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            default_for(&path(&["spec", "parameters", "ports"]), &schema),
            (Value::new_array(), Origin::Empty)
        );
        assert_eq!(
            default_for(&path(&["spec", "parameters", "cpu"]), &schema),
            (Value::from("1"), Origin::Default)
        );
        assert_eq!(
            default_for(&path(&["spec", "parameters", "users", "rule"]), &schema),
            (Value::Null, Origin::Empty)
        );
        assert_eq!(
            default_for(&path(&["spec", "match", "excludedNamespaces"]), &schema),
            (Value::new_array(), Origin::Empty)
        );
    }
}
