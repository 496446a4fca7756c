//! Where a violation is shown: the container its message or details name, else the object.

use akslint_model::k8s::Object;
use akslint_syntax::NodeRef;
use akslint_text::Span;
use regorus::Value;

/// The container fields of a pod spec.
const CONTAINER_FIELDS: [&str; 3] = ["containers", "initContainers", "ephemeralContainers"];

/// The span of the container that `message` or `details` names (the longest name that
/// appears as a whole word in a message that speaks of containers, or the value of a `details` field whose key speaks
/// of a container or a name), else of the object's name.
#[must_use]
pub fn locate(
    object: &Object<'_>,
    pod_spec: Option<NodeRef<'_>>,
    message: &str,
    details: &Value,
) -> Span {
    let mut detail_strings = Vec::new();
    collect_strings(details, &mut detail_strings);
    // Only a message about a container is searched for container names: others (missing
    // labels, volumes) may hold a word that happens to be one.
    let about_containers = message.to_ascii_lowercase().contains("container");
    let named = pod_spec
        .into_iter()
        .flat_map(|spec| {
            CONTAINER_FIELDS
                .into_iter()
                .filter_map(move |field| spec.get(field))
        })
        .flat_map(NodeRef::items)
        .filter_map(|container| {
            let name = container.get("name")?;
            let text = name.as_str()?;
            let mentioned = detail_strings.iter().any(|s| s == text)
                || (about_containers && names_word(message, text));
            mentioned.then_some((
                text.len(),
                name.key()
                    .map_or(name.span(), |key| key.span().cover(name.span())),
            ))
        })
        .max_by_key(|(length, _)| *length);
    if let Some((_, span)) = named {
        return span;
    }
    object_span(object)
}

/// The object's `metadata.name` entry, else its `kind` entry, else the whole object.
#[must_use]
pub fn object_span(object: &Object<'_>) -> Span {
    let entry = |node: NodeRef<'_>| {
        node.key()
            .map_or(node.span(), |key| key.span().cover(node.span()))
    };
    object
        .metadata()
        .and_then(|metadata| metadata.get("name"))
        .or_else(|| object.node.get("kind"))
        .map_or(object.node.span(), entry)
}

/// Whether `word` appears in `text` not as part of a longer name.
fn names_word(text: &str, word: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        // A trailing `.` ends a sentence rather than continuing a name.
        let after_ok = match after {
            Some('.') => text[at + word.len() + 1..]
                .chars()
                .next()
                .is_none_or(|c| !is_name_char(c)),
            Some(c) => !is_name_char(c),
            None => true,
        };
        before.is_none_or(|c| !is_name_char(c)) && after_ok
    })
}

/// The strings under the keys of `details` that name a container (`container`,
/// `containerName`, `name`, ...): other values (missing labels, images) may equal a container's
/// name by chance.
fn collect_strings(value: &Value, out: &mut Vec<String>) {
    let Value::Object(fields) = value else {
        return;
    };
    for (key, item) in fields.iter() {
        let names_container = matches!(key, Value::String(key)
            if key.to_ascii_lowercase().contains("container") || key.as_ref() == "name");
        match item {
            Value::String(text) if names_container => out.push(text.to_string()),
            Value::Object(_) => collect_strings(item, out),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_as_whole_words() {
        assert!(names_word("container <app> is privileged", "app"));
        assert!(names_word("container: app.", "app"));
        assert!(!names_word("container <app-sidecar> is privileged", "app"));
        assert!(!names_word("apps are fine", "app"));
    }
}
