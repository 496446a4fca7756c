//! Kubernetes' reading of YAML scalars.
//!
//! The API server and kubectl decode manifests through `sigs.k8s.io/yaml`, which uses go-yaml v2
//! and so the YAML 1.1 resolution rules: unquoted `yes`, `on` or `Y` are booleans, `0755` is an
//! octal integer and `1_000` is a thousand. Rust YAML parsers resolve YAML 1.2, so akslint never
//! uses a parser's typed values; it applies this table to the raw plain scalar instead.

/// How a scalar was written in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarStyle {
    /// Unquoted (YAML plain, or a JSON number, boolean or null).
    Plain,
    /// `'single quoted'`.
    SingleQuoted,
    /// `"double quoted"` (also every JSON string).
    DoubleQuoted,
    /// A `|` block scalar.
    Literal,
    /// A `>` block scalar.
    Folded,
    /// Tagged `!!str` or the non-specific `!`: always a string, whatever it looks like.
    TaggedString,
}

impl ScalarStyle {
    /// Whether the scalar is resolved by its content (only plain scalars are).
    #[must_use]
    pub const fn is_plain(self) -> bool {
        matches!(self, Self::Plain)
    }
}

/// The value of a scalar as Kubernetes reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum K8sScalar<'a> {
    /// `~`, `null`, `Null`, `NULL` or nothing at all.
    Null,
    /// A boolean, including the YAML 1.1 spellings `yes/no/on/off/y/n`.
    Bool(bool),
    /// An integer (decimal, `0x` hex, `0o` or leading-zero octal, `0b` binary, `_` separators).
    Int(i64),
    /// A floating-point number, including `.inf` and `.nan`.
    Float(f64),
    /// Anything else, and every quoted scalar.
    Str(&'a str),
}

/// Resolves a scalar the way go-yaml v2 (and so the Kubernetes API server) does.
#[must_use]
pub fn resolve_k8s_scalar(value: &str, style: ScalarStyle) -> K8sScalar<'_> {
    if !style.is_plain() {
        return K8sScalar::Str(value);
    }
    match value {
        "" | "~" | "null" | "Null" | "NULL" => return K8sScalar::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return K8sScalar::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return K8sScalar::Bool(false);
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return K8sScalar::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return K8sScalar::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return K8sScalar::Float(f64::NAN),
        _ => {}
    }
    let first = value.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return K8sScalar::Str(value);
    }
    if let Some(int) = parse_go_int(value) {
        return K8sScalar::Int(int);
    }
    if is_yaml11_float(value)
        && let Ok(float) = value.replace('_', "").parse::<f64>()
    {
        return K8sScalar::Float(float);
    }
    K8sScalar::Str(value)
}

/// `strconv.ParseInt(strings.Replace(s, "_", "", -1), 0, 64)` plus go-yaml's `0b` prefix.
fn parse_go_int(value: &str) -> Option<i64> {
    let cleaned: String = value.chars().filter(|&c| c != '_').collect();
    let (negative, digits) = match cleaned.as_bytes().first()? {
        b'-' => (true, &cleaned[1..]),
        b'+' => (false, &cleaned[1..]),
        _ => (false, cleaned.as_str()),
    };
    let (radix, digits) = if let Some(rest) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        (16, rest)
    } else if let Some(rest) = digits
        .strip_prefix("0o")
        .or_else(|| digits.strip_prefix("0O"))
    {
        (8, rest)
    } else if let Some(rest) = digits
        .strip_prefix("0b")
        .or_else(|| digits.strip_prefix("0B"))
    {
        (2, rest)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let magnitude = i128::from_str_radix(digits, radix).ok()?;
    let signed = if negative { -magnitude } else { magnitude };
    i64::try_from(signed).ok()
}

/// go-yaml v2's float pattern: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml11_float(value: &str) -> bool {
    let bytes = value.as_bytes();
    let mut i = usize::from(matches!(bytes.first(), Some(b'-' | b'+')));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < bytes.len() && (bytes[*i].is_ascii_digit() || bytes[*i] == b'_') {
            *i += 1;
        }
        *i - start
    };
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use K8sScalar::{Bool, Float, Int, Null, Str};

    fn plain(value: &str) -> K8sScalar<'_> {
        resolve_k8s_scalar(value, ScalarStyle::Plain)
    }

    #[test]
    fn yaml11_booleans_in_every_spelling_go_yaml_v2_accepts() {
        for word in [
            "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE",
        ] {
            assert_eq!(plain(word), Bool(true), "{word}");
        }
        for word in [
            "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE",
        ] {
            assert_eq!(plain(word), Bool(false), "{word}");
        }
        // Mixed case outside the table is a string, as in go-yaml v2.
        for word in ["yEs", "tRUE", "oN", "nO"] {
            assert_eq!(plain(word), Str(word), "{word}");
        }
    }

    #[test]
    fn quoted_and_tagged_scalars_are_strings() {
        assert_eq!(
            resolve_k8s_scalar("true", ScalarStyle::DoubleQuoted),
            Str("true")
        );
        assert_eq!(
            resolve_k8s_scalar("yes", ScalarStyle::SingleQuoted),
            Str("yes")
        );
        assert_eq!(
            resolve_k8s_scalar("0755", ScalarStyle::TaggedString),
            Str("0755")
        );
    }

    #[test]
    fn nulls() {
        for word in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(plain(word), Null, "{word:?}");
        }
    }

    #[test]
    fn integers_follow_go_parse_int_with_base_zero() {
        assert_eq!(plain("0755"), Int(493));
        assert_eq!(plain("0o755"), Int(493));
        assert_eq!(plain("0x1F"), Int(31));
        assert_eq!(plain("0b101"), Int(5));
        assert_eq!(plain("1_000"), Int(1000));
        assert_eq!(plain("-12"), Int(-12));
        assert_eq!(plain("+7"), Int(7));
        assert_eq!(plain("0"), Int(0));
        // go-yaml v2 falls back to its float pattern when ParseInt fails.
        assert_eq!(plain("089"), Float(89.0));
    }

    #[test]
    fn floats() {
        assert_eq!(plain("1.10"), Float(1.1));
        assert_eq!(plain(".5"), Float(0.5));
        assert_eq!(plain("1e3"), Float(1000.0));
        assert_eq!(plain("-.inf"), Float(f64::NEG_INFINITY));
        assert!(matches!(plain(".nan"), Float(f) if f.is_nan()));
        assert_eq!(plain("1.2.3"), Str("1.2.3"));
        assert_eq!(plain("12:30"), Str("12:30"));
    }
}
