//! `{{ .Values.name }}` in constraints: Azure Policy fills them from the assignment's
//! parameters; akslint from `--policy-values`, else the parameter's declared default, else an
//! empty value of its type.
//!
//! A placeholder is replaced, before the YAML is parsed, by a marker of the same length (so
//! that spans in the constraint stay right) that parses as a plain string. Once the constraint
//! is a value, each marker is replaced by the value it stands for: where it is all of an
//! unquoted scalar, by the value itself (a list stays a list); inside a quoted string, by its
//! text.

use regorus::Value;

/// A placeholder found in a constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// `name` of `{{ .Values.name }}`.
    pub name: String,
    /// Whether it is written inside a quoted string (its value becomes text).
    pub quoted: bool,
}

/// A constraint's text with its placeholders replaced by markers, and the placeholders.
#[derive(Debug)]
pub struct Marked {
    /// The text to parse.
    pub text: String,
    /// The placeholders, indexed by the number in their marker.
    pub placeholders: Vec<Placeholder>,
}

/// Where a value for a placeholder came from, for the note that says which values were used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `--policy-values`.
    ValuesFile,
    /// The `default` of the parameter's schema in the template.
    Default,
    /// Neither: an empty value of the parameter's type.
    Empty,
}

impl Origin {
    /// How the note names it.
    #[must_use]
    pub const fn describe(self) -> &'static str {
        match self {
            Self::ValuesFile => "from the values file",
            Self::Default => "the parameter's default",
            Self::Empty => "empty: no value given and no default",
        }
    }
}

/// Markers are `__akp`, the placeholder's index padded with leading zeros to the length of the
/// placeholder, and `_`.
const MARKER: &str = "__akp";

/// Replaces every `{{ .Values.name }}` of `text` by a marker. Other `{{ ... }}` are left as
/// they are (Rego may hold sets of objects; akslint does not run Go templates).
///
/// # Errors
/// When a file holds so many placeholders that an index no longer fits in a marker.
pub fn mark(text: &str) -> Result<Marked, (std::ops::Range<usize>, String)> {
    let mut out = String::with_capacity(text.len());
    let mut placeholders = Vec::new();
    let mut rest = 0;
    let mut search = 0;
    while let Some(found) = text[search..].find("{{") {
        let start = search + found;
        let Some(length) = text[start..].find("}}") else {
            break;
        };
        let end = start + length + 2;
        let inner = text[start + 2..end - 2].trim_matches(|c: char| c == '-' || c.is_whitespace());
        let Some(name) = inner.strip_prefix(".Values.").filter(|name| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        }) else {
            search = start + 2;
            continue;
        };
        let line_start = text[..start].rfind('\n').map_or(0, |at| at + 1);
        let index = placeholders.len().to_string();
        // `{{.Values.x}}` is 13 bytes: room for `__akp`, `_` and 7 digits.
        let digits = (end - start)
            .checked_sub(MARKER.len() + 1)
            .filter(|&digits| digits >= index.len())
            .ok_or_else(|| (start..end, "too many placeholders in one file".to_owned()))?;
        placeholders.push(Placeholder {
            name: name.to_owned(),
            quoted: in_quotes(&text[line_start..start]),
        });
        out.push_str(&text[rest..start]);
        out.push_str(MARKER);
        out.push_str(&format!("{index:0>digits$}_"));
        rest = end;
        search = end;
    }
    out.push_str(&text[rest..]);
    Ok(Marked {
        text: out,
        placeholders,
    })
}

/// Whether the end of `line` is inside a quoted string (an odd number of unescaped quotes).
fn in_quotes(line: &str) -> bool {
    let mut double = false;
    let mut single = false;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if double => escaped = !escaped,
            '"' if !single && !escaped => double = !double,
            '\'' if !double => single = !single,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    double || single
}

/// The placeholder indexes a string holds: `Some(Ok(index))` when the string is a marker and
/// nothing else, `Some(Err(()))` when markers are embedded in other text, `None` when there
/// are none.
fn markers_in(text: &str) -> Option<Result<usize, ()>> {
    if !text.contains(MARKER) {
        return None;
    }
    let whole = text
        .strip_prefix(MARKER)
        .and_then(|rest| rest.strip_suffix('_'))
        .and_then(|digits| digits.parse::<usize>().ok());
    Some(whole.ok_or(()))
}

/// Replaces the markers in `value`; `resolve(index, path)` gives the value of placeholder
/// `index` found at `path` (the keys from the constraint's root).
pub fn fill(
    value: &mut Value,
    path: &mut Vec<String>,
    resolve: &mut impl FnMut(usize, &[String]) -> Value,
) {
    match value {
        Value::String(text) => match markers_in(text) {
            Some(Ok(index)) => *value = resolve(index, path),
            Some(Err(())) => {
                let text = text.to_string();
                *value = Value::from(interpolate(&text, &mut |index| resolve(index, path)));
            }
            None => {}
        },
        Value::Array(_) => {
            if let Ok(items) = value.as_array_mut() {
                for item in items.iter_mut() {
                    fill(item, path, resolve);
                }
            }
        }
        Value::Object(_) => {
            if let Ok(object) = value.as_object_mut() {
                for (key, item) in object.iter_mut() {
                    path.push(match key {
                        Value::String(key) => key.to_string(),
                        other => other.to_string(),
                    });
                    fill(item, path, resolve);
                    path.pop();
                }
            }
        }
        _ => {}
    }
}

/// `text` with each marker replaced by the text of its value.
fn interpolate(text: &str, resolve: &mut impl FnMut(usize) -> Value) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(MARKER) {
        out.push_str(&rest[..at]);
        let after = &rest[at + MARKER.len()..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let index = after[..digits].parse::<usize>().unwrap_or(usize::MAX);
        out.push_str(&as_text(&resolve(index)));
        rest = after[digits..]
            .strip_prefix('_')
            .unwrap_or(&after[digits..]);
    }
    out.push_str(rest);
    out
}

/// A value as text in a string: a string as it is, anything else as JSON.
#[must_use]
pub fn as_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.to_string(),
        Value::Null | Value::Undefined => String::new(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_marked_with_the_same_length() {
        let text = "a: {{ .Values.names }}\nb: \"{{ .Values.cpu }}\"\nc: 'x-{{.Values.y}}'\n";
        let marked = mark(text).expect("marks");
        assert_eq!(marked.text.len(), text.len());
        assert_eq!(
            marked.placeholders,
            [
                Placeholder {
                    name: "names".into(),
                    quoted: false
                },
                Placeholder {
                    name: "cpu".into(),
                    quoted: true
                },
                Placeholder {
                    name: "y".into(),
                    quoted: true
                },
            ]
        );
        assert_eq!(marked.text.lines().next(), Some("a: __akp0000000000000_"));
    }

    #[test]
    fn other_braces_are_left_alone() {
        for text in [
            "a: {{ toYaml .Values.x }}\n",
            "s := {{\"a\": 1}}\n",
            "a: {{ .Values.x\n",
        ] {
            let marked = mark(text).expect("marks");
            assert_eq!(marked.text, text);
            assert!(marked.placeholders.is_empty());
        }
    }

    #[test]
    fn markers_become_values_or_text() {
        let mut value = Value::from_json_str(r#"{"list": "__akp000_", "text": "cpu-__akp01_5m"}"#)
            .expect("json");
        let mut seen = Vec::new();
        fill(
            &mut value,
            &mut Vec::new(),
            &mut |index, path: &[String]| {
                seen.push((index, path.join(".")));
                if index == 0 {
                    Value::from(vec![Value::from("a")])
                } else {
                    Value::from(200_i64)
                }
            },
        );
        assert_eq!(value["list"][0], Value::from("a"));
        assert_eq!(value["text"], Value::from("cpu-2005m"));
        seen.sort();
        assert_eq!(seen, [(0, "list".to_owned()), (1, "text".to_owned())]);
    }
}
