//! Three-valued property lookups: known, unknown, absent.

use akslint_syntax::NodeRef;
use akslint_text::Span;

use super::value::{Data, Origin, Unknown, Value};

/// The result of looking up a property path in an evaluated value.
///
/// - `Known`: the value is there and evaluated (parts of it may still be unknown).
/// - `Unknown`: the value, or an object on the way to it, cannot be known offline
///   (`reference()`, a parameter without value, ...). A rule never fails on it.
/// - `Absent`: the property is not set (or is `null`); `parent` is the deepest object that
///   exists on the path, for reporting "missing" findings at it, and `null` the explicit
///   `null` when the property is written as one (findings then point at it).
#[derive(Debug, Clone)]
pub enum Lookup<'v, 'a> {
    /// The property's value.
    Known(&'v Value<'a>),
    /// The unknown value found on the path (the property itself or an object above it).
    Unknown(&'v Value<'a>),
    /// The property is missing.
    Absent {
        /// The deepest existing object on the path.
        parent: &'v Value<'a>,
        /// The part of the path that is missing (`networkProfile.networkPolicy`).
        missing: String,
        /// The `null` written for the first missing key, if it is written as one.
        null: Option<&'v Value<'a>>,
    },
}

impl<'v, 'a> Lookup<'v, 'a> {
    /// Looks up the dotted `path` (keys compared without case) in `root`; an empty path is
    /// `root` itself.
    #[must_use]
    pub fn path(root: &'v Value<'a>, path: &str) -> Self {
        Self::Known(root).get(path)
    }

    /// Continues a lookup with a further dotted path.
    #[must_use]
    pub fn get(self, path: &str) -> Self {
        let Self::Known(mut current) = self else {
            return match self {
                Self::Absent {
                    parent,
                    mut missing,
                    null,
                } if !path.is_empty() => {
                    missing.reserve(path.len() + 1);
                    missing.push('.');
                    missing.push_str(path);
                    Self::Absent {
                        parent,
                        missing,
                        null,
                    }
                }
                other => other,
            };
        };
        if current.is_unknown() {
            return Self::Unknown(current);
        }
        let mut rest = path;
        while !rest.is_empty() {
            // Keys are short: a bytewise search costs less than `split_once`'s memchr call.
            let (key, tail) = match rest.bytes().position(|byte| byte == b'.') {
                Some(dot) => (&rest[..dot], &rest[dot + 1..]),
                None => (rest, ""),
            };
            if key.is_empty() {
                rest = tail;
                continue;
            }
            let next = current.member(key);
            match next.map(Value::data) {
                Some(Data::Unknown(_)) => return Self::Unknown(next.unwrap_or(current)),
                Some(Data::Null) | None => {
                    return Self::Absent {
                        parent: current,
                        missing: dotted(rest),
                        null: next,
                    };
                }
                Some(_) => {
                    current = next.unwrap_or(current);
                }
            }
            rest = tail;
        }
        Self::Known(current)
    }

    /// The value, when known.
    #[must_use]
    pub const fn known(&self) -> Option<&'v Value<'a>> {
        match self {
            Self::Known(value) => Some(value),
            _ => None,
        }
    }

    /// Why the value is unknown, when it is.
    #[must_use]
    pub fn unknown(&self) -> Option<&'v Unknown> {
        match self {
            Self::Unknown(value) => value.as_unknown(),
            _ => None,
        }
    }

    /// Whether the property is unknown.
    #[must_use]
    pub const fn is_unknown(&self) -> bool {
        matches!(self, Self::Unknown(_))
    }

    /// Whether the property is absent (or `null`).
    #[must_use]
    pub const fn is_absent(&self) -> bool {
        matches!(self, Self::Absent { .. })
    }

    /// The known value as a boolean (`true`, `false`, and the strings ARM converts).
    #[must_use]
    pub fn as_bool(&self) -> Option<bool> {
        self.known()?.as_bool()
    }

    /// The known value as a string.
    #[must_use]
    pub fn as_str(&self) -> Option<&'v str> {
        self.known()?.as_str()
    }

    /// The known value as an integer.
    #[must_use]
    pub fn as_int(&self) -> Option<i64> {
        self.known()?.as_int()
    }

    /// Whether the value is known to be `true`.
    #[must_use]
    pub fn is_true(&self) -> bool {
        self.as_bool() == Some(true)
    }

    /// Whether the value is known to be `false`.
    #[must_use]
    pub fn is_false(&self) -> bool {
        self.as_bool() == Some(false)
    }

    /// Whether the value is a known string equal to `text` without case.
    #[must_use]
    pub fn is_str_ignore_case(&self, text: &str) -> bool {
        self.as_str().is_some_and(|s| s.eq_ignore_ascii_case(text))
    }

    /// The template node to report at: the value's (or unknown value's) place of use, or, when
    /// absent, the deepest existing object.
    #[must_use]
    pub fn node(&self) -> NodeRef<'a> {
        match self {
            Self::Known(value) | Self::Unknown(value) => value.at(),
            Self::Absent {
                null: Some(null), ..
            } => null.at(),
            Self::Absent { parent, .. } => parent.at(),
        }
    }

    /// The span to report at: the value itself; for an absent property, the entry that sets it
    /// to `null` when there is one, else the key of the deepest existing object (the first entry
    /// of a list item), as `report_missing` does for YAML.
    #[must_use]
    pub fn span(&self) -> Span {
        match self {
            Self::Known(value) | Self::Unknown(value) => value.at().span(),
            Self::Absent {
                null: Some(null), ..
            } => null.at().entry_span(),
            Self::Absent { parent, .. } => parent.at().anchor_span(),
        }
    }

    /// Where the value (or the existing parent object) is written when that is elsewhere
    /// (parameter default, parameter file, variable): a related location for the finding.
    #[must_use]
    pub fn origin(&self) -> Option<&'v Origin<'a>> {
        match self {
            Self::Known(value) | Self::Unknown(value) => value.origin(),
            Self::Absent {
                null: Some(null), ..
            } => null.origin(),
            Self::Absent { parent, .. } => parent.origin(),
        }
    }
}

/// The keys of a dotted path joined by single dots, leaving out empty ones (`a..b.` is `a.b`).
fn dotted(path: &str) -> String {
    // Paths are written with single dots between keys: copied whole unless a key is empty.
    let bytes = path.as_bytes();
    if bytes.first() != Some(&b'.')
        && bytes.last() != Some(&b'.')
        && !bytes.windows(2).any(|pair| pair == b"..")
    {
        return path.to_owned();
    }
    let mut out = String::with_capacity(path.len());
    for key in path.split('.').filter(|key| !key.is_empty()) {
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(key);
    }
    out
}
