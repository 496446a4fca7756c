//! Evaluated values: JSON data with where each value is written, where it came from, and the
//! third state ARM needs offline: unknown.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;
use std::rc::Rc;

use akslint_syntax::NodeRef;

/// Values nested deeper than this are unknown: it keeps recursion over values bounded whatever
/// chain of variables built them.
pub(crate) const MAX_VALUE_DEPTH: u32 = 200;

/// Values standing for more nodes than this (counting shared parts each time they are reached)
/// are unknown: every walk over a value is then bounded, however values share parts.
pub(crate) const MAX_VALUE_SIZE: u64 = 1_000_000;

/// One evaluated value and where it is.
///
/// `at` is the node of the template where the value is *used*: the property of the resource, or
/// the expression string (`"[parameters('x')]"`) that produced it. `origin`, when set, is the
/// place where the value is *written* when that is elsewhere (a parameter default, a parameter
/// file, a variable), for rules to attach as related information.
#[derive(Clone)]
pub struct Value<'a> {
    data: Data<'a>,
    at: NodeRef<'a>,
    origin: Option<Rc<Origin<'a>>>,
}

/// The data of a [`Value`].
#[derive(Clone)]
pub enum Data<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A whole number (ARM integers are 64-bit).
    Int(i64),
    /// A JSON number with a fraction or exponent.
    Float(f64),
    /// A string.
    String(Text<'a>),
    /// An array.
    Array(Rc<Items<'a>>),
    /// An object; keys keep their spelling, lookups ignore case as ARM does.
    Object(Rc<Members<'a>>),
    /// A value that cannot be known before deployment.
    Unknown(Rc<Unknown>),
}

/// The items of an array value.
pub struct Items<'a> {
    pub(crate) items: Vec<Value<'a>>,
    pub(crate) depth: u32,
    pub(crate) size: u64,
}

/// The members of an object value, in written order.
pub struct Members<'a> {
    pub(crate) members: Vec<(Text<'a>, Value<'a>)>,
    pub(crate) depth: u32,
    pub(crate) size: u64,
}

/// The text of a string value or an object key: a slice of the template when it is written
/// there (most keys and literals, which then cost no copy), else shared.
#[derive(Clone)]
pub enum Text<'a> {
    /// Written in the template (or parameter file) as it is.
    Borrowed(&'a str),
    /// Computed, or written with escapes that evaluation removed.
    Shared(Rc<str>),
}

impl Deref for Text<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Self::Borrowed(text) => text,
            Self::Shared(text) => text,
        }
    }
}

impl AsRef<str> for Text<'_> {
    fn as_ref(&self) -> &str {
        self
    }
}

impl<'a> From<&'a str> for Text<'a> {
    fn from(text: &'a str) -> Self {
        Self::Borrowed(text)
    }
}

impl From<String> for Text<'_> {
    fn from(text: String) -> Self {
        Self::Shared(text.into())
    }
}

impl From<Rc<str>> for Text<'_> {
    fn from(text: Rc<str>) -> Self {
        Self::Shared(text)
    }
}

impl<'a> From<Cow<'a, str>> for Text<'a> {
    fn from(text: Cow<'a, str>) -> Self {
        match text {
            Cow::Borrowed(text) => Self::Borrowed(text),
            Cow::Owned(text) => text.into(),
        }
    }
}

impl PartialEq for Text<'_> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Text<'_> {}

impl PartialOrd for Text<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (**self).cmp(&**other)
    }
}

impl fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

/// Why a value is unknown, and the expression that could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    /// The (sub-)expression that could not be evaluated, e.g. `reference(...)`, or the parameter
    /// reference without a value.
    pub expression: String,
    /// Why, for messages: "is only known during deployment", "has no value".
    pub reason: String,
    /// The values a parameter without a value may take (`allowedValues`), when that is why the
    /// value is unknown.
    pub allowed: Vec<String>,
}

/// Where a value comes from when it is not written where it is used.
#[derive(Clone)]
pub struct Origin<'a> {
    /// The node the value is written at (in the template or in the parameter file).
    pub node: NodeRef<'a>,
    /// What kind of place that is.
    pub kind: OriginKind,
    /// The parameter's or variable's name.
    pub name: Rc<str>,
}

/// The kinds of place a value may come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OriginKind {
    /// A parameter's `defaultValue` in the template.
    ParameterDefault,
    /// A parameter's value in a parameter file.
    ParameterFile,
    /// A parameter value passed to a nested deployment (written in the outer template).
    DeploymentParameter,
    /// A variable of the template.
    Variable,
}

impl Origin<'_> {
    /// Whether the value is written in the parameter file rather than in the template.
    #[must_use]
    pub fn in_parameter_file(&self) -> bool {
        self.kind == OriginKind::ParameterFile
    }

    /// "value from parameter `x` default", for related-location messages.
    #[must_use]
    pub fn describe(&self) -> String {
        let name = &self.name;
        match self.kind {
            OriginKind::ParameterDefault => format!("value from the default of parameter `{name}`"),
            OriginKind::ParameterFile => {
                format!("value of parameter `{name}` in the parameter file")
            }
            OriginKind::DeploymentParameter => {
                format!("value passed as parameter `{name}` of the nested deployment")
            }
            OriginKind::Variable => format!("value from variable `{name}`"),
        }
    }
}

impl fmt::Debug for Origin<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} `{}` @ {:?}",
            self.kind,
            self.name,
            self.node.span()
        )
    }
}

impl<'a> Value<'a> {
    /// A value written at `at`.
    #[must_use]
    pub fn new(data: Data<'a>, at: NodeRef<'a>) -> Self {
        Self {
            data,
            at,
            origin: None,
        }
    }

    pub(crate) fn with_origin(mut self, origin: Option<Rc<Origin<'a>>>) -> Self {
        self.origin = origin;
        self
    }

    /// An unknown value; a long expression is shortened for messages.
    #[must_use]
    pub fn unknown(
        at: NodeRef<'a>,
        expression: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Self::new(
            Data::Unknown(Rc::new(Unknown {
                expression: shorten(expression.into()),
                reason: reason.into(),
                allowed: Vec::new(),
            })),
            at,
        )
    }

    /// A string value; text of the template (`&'a str`) is borrowed, not copied.
    #[must_use]
    pub fn string(text: impl Into<Text<'a>>, at: NodeRef<'a>) -> Self {
        Self::new(Data::String(text.into()), at)
    }

    /// An array value; unknown when it would nest too deeply or grow too large.
    #[must_use]
    pub fn array(items: Vec<Self>, at: NodeRef<'a>) -> Self {
        let (depth, size) = measure(items.iter());
        if depth > MAX_VALUE_DEPTH || size > MAX_VALUE_SIZE {
            return Self::unknown(at, "", "is too large or too deeply nested to evaluate");
        }
        Self::new(Data::Array(Rc::new(Items { items, depth, size })), at)
    }

    /// An object value; unknown when it would nest too deeply or grow too large.
    #[must_use]
    pub fn object(members: Vec<(Text<'a>, Self)>, at: NodeRef<'a>) -> Self {
        let (depth, size) = measure(members.iter().map(|(_, v)| v));
        if depth > MAX_VALUE_DEPTH || size > MAX_VALUE_SIZE {
            return Self::unknown(at, "", "is too large or too deeply nested to evaluate");
        }
        Self::new(
            Data::Object(Rc::new(Members {
                members,
                depth,
                size,
            })),
            at,
        )
    }

    /// The data.
    #[must_use]
    pub const fn data(&self) -> &Data<'a> {
        &self.data
    }

    /// The template node where the value is used (a property, or the expression producing it).
    #[must_use]
    pub const fn at(&self) -> NodeRef<'a> {
        self.at
    }

    /// Where the value is written when that is elsewhere (parameter default, parameter file,
    /// variable).
    #[must_use]
    pub fn origin(&self) -> Option<&Origin<'a>> {
        self.origin.as_deref()
    }

    pub(crate) fn origin_rc(&self) -> Option<&Rc<Origin<'a>>> {
        self.origin.as_ref()
    }

    /// Nesting depth: 0 for scalars.
    #[must_use]
    pub fn depth(&self) -> u32 {
        match &self.data {
            Data::Array(items) => items.depth,
            Data::Object(members) => members.depth,
            _ => 0,
        }
    }

    /// Whether this value itself is unknown (its members may be unknown even when it is not).
    #[must_use]
    pub const fn is_unknown(&self) -> bool {
        matches!(self.data, Data::Unknown(_))
    }

    /// Why the value is unknown.
    #[must_use]
    pub fn as_unknown(&self) -> Option<&Unknown> {
        match &self.data {
            Data::Unknown(unknown) => Some(unknown),
            _ => None,
        }
    }

    /// The first unknown part of the value (itself, or a member or item at any depth).
    #[must_use]
    pub fn find_unknown(&self) -> Option<&Unknown> {
        match &self.data {
            Data::Unknown(unknown) => Some(unknown),
            Data::Array(items) => items.items.iter().find_map(Self::find_unknown),
            Data::Object(members) => members.members.iter().find_map(|(_, v)| v.find_unknown()),
            _ => None,
        }
    }

    /// Whether the value is `null`.
    #[must_use]
    pub const fn is_null(&self) -> bool {
        matches!(self.data, Data::Null)
    }

    /// The value as a boolean field of a resource provider reads it: `true`/`false`, and the
    /// strings `"true"`/`"false"` in any case (the providers' JSON readers convert them).
    #[must_use]
    pub fn as_bool(&self) -> Option<bool> {
        match &self.data {
            Data::Bool(value) => Some(*value),
            Data::String(text) if text.eq_ignore_ascii_case("true") => Some(true),
            Data::String(text) if text.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// The value when it is a string.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match &self.data {
            Data::String(text) => Some(text),
            _ => None,
        }
    }

    /// The value when it is an integer.
    #[must_use]
    pub const fn as_int(&self) -> Option<i64> {
        match self.data {
            Data::Int(value) => Some(value),
            _ => None,
        }
    }

    /// The items when the value is an array.
    #[must_use]
    pub fn as_array(&self) -> Option<&[Self]> {
        match &self.data {
            Data::Array(items) => Some(&items.items),
            _ => None,
        }
    }

    /// The members when the value is an object.
    #[must_use]
    pub fn as_object(&self) -> Option<&[(Text<'a>, Self)]> {
        match &self.data {
            Data::Object(members) => Some(&members.members),
            _ => None,
        }
    }

    /// The member `key` of an object, compared without case; the last one wins when an
    /// object repeats a key.
    #[must_use]
    pub fn member(&self, key: &str) -> Option<&Self> {
        self.as_object()?
            .iter()
            .rev()
            .find(|(name, _)| same_key(name, key))
            .map(|(_, value)| value)
    }

    /// The ARM type name of the value (`String`, `Int`, `Bool`, `Array`, `Object`, `Null`).
    #[must_use]
    pub const fn type_name(&self) -> &'static str {
        match self.data {
            Data::Null => "Null",
            Data::Bool(_) => "Bool",
            Data::Int(_) | Data::Float(_) => "Int",
            Data::String(_) => "String",
            Data::Array(_) => "Array",
            Data::Object(_) => "Object",
            Data::Unknown(_) => "Unknown",
        }
    }

    /// A short rendering for messages: strings as written, other scalars as JSON, collections
    /// abbreviated.
    #[must_use]
    pub fn display(&self) -> String {
        match &self.data {
            Data::Null => "null".to_owned(),
            Data::Bool(value) => value.to_string(),
            Data::Int(value) => value.to_string(),
            Data::Float(value) => value.to_string(),
            Data::String(text) => text.to_string(),
            Data::Array(items) => format!("[{} items]", items.items.len()),
            Data::Object(_) => "{...}".to_owned(),
            Data::Unknown(unknown) => unknown.expression.clone(),
        }
    }

    /// The same data used at another place: `at` moves to `at`, and the place the value was
    /// written becomes its origin unless it already has one (the innermost origin is where a
    /// user changes the value). Members and items move with it.
    pub(crate) fn relocate(&self, at: NodeRef<'a>, kind: OriginKind, name: &Rc<str>) -> Self {
        let origin = self.origin.clone().or_else(|| {
            Some(Rc::new(Origin {
                node: self.at,
                kind,
                name: Rc::clone(name),
            }))
        });
        let data = match &self.data {
            Data::Array(items) => Data::Array(Rc::new(Items {
                items: items
                    .items
                    .iter()
                    .map(|item| item.relocate(at, kind, name))
                    .collect(),
                ..**items
            })),
            Data::Object(members) => Data::Object(Rc::new(Members {
                members: members
                    .members
                    .iter()
                    .map(|(key, value)| (key.clone(), value.relocate(at, kind, name)))
                    .collect(),
                ..**members
            })),
            other => other.clone(),
        };
        Self { data, at, origin }
    }

    /// The same data at another place, keeping origins (a computed value used where the
    /// expression is).
    pub(crate) fn moved_to(&self, at: NodeRef<'a>) -> Self {
        if self.at == at {
            return self.clone();
        }
        let data = match &self.data {
            Data::Array(items) => Data::Array(Rc::new(Items {
                items: items.items.iter().map(|item| item.moved_to(at)).collect(),
                ..**items
            })),
            Data::Object(members) => Data::Object(Rc::new(Members {
                members: members
                    .members
                    .iter()
                    .map(|(key, value)| (key.clone(), value.moved_to(at)))
                    .collect(),
                ..**members
            })),
            other => other.clone(),
        };
        Self {
            data,
            at,
            origin: self.origin.clone(),
        }
    }

    /// Number of values the tree stands for, shared parts counted each time (for budgets).
    #[must_use]
    pub fn size(&self) -> u64 {
        match &self.data {
            Data::Array(items) => items.size,
            Data::Object(members) => members.size,
            _ => 1,
        }
    }
}

/// Whether `a` and `b` name the same ARM key (compared without case). Templates nearly always
/// spell a key the way it is looked up, so the exact comparison settles most keys before the
/// slower byte-by-byte case folding.
#[inline]
#[must_use]
pub fn same_key(a: &str, b: &str) -> bool {
    a.len() == b.len() && (a == b || a.eq_ignore_ascii_case(b))
}

/// Longest expression text an unknown value keeps.
const MAX_EXPRESSION_CHARS: usize = 160;

/// `text`, cut at [`MAX_EXPRESSION_CHARS`] characters with an ellipsis.
fn shorten(text: String) -> String {
    // No more bytes than the limit means no more characters: most expressions are short.
    if text.len() <= MAX_EXPRESSION_CHARS {
        return text;
    }
    match text.char_indices().nth(MAX_EXPRESSION_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// The depth and size of a collection holding `children`.
fn measure<'v, 'a: 'v>(children: impl Iterator<Item = &'v Value<'a>>) -> (u32, u64) {
    children.fold((1, 1), |(depth, size), child| {
        (
            depth.max(child.depth() + 1),
            size.saturating_add(child.size()),
        )
    })
}

impl fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.data {
            Data::Null => write!(f, "null"),
            Data::Bool(value) => write!(f, "{value}"),
            Data::Int(value) => write!(f, "{value}"),
            Data::Float(value) => write!(f, "{value}"),
            Data::String(text) => write!(f, "{text:?}"),
            Data::Array(items) => f.debug_list().entries(&items.items).finish(),
            Data::Object(members) => f
                .debug_map()
                .entries(members.members.iter().map(|(k, v)| (k, v)))
                .finish(),
            Data::Unknown(unknown) => write!(f, "unknown({})", unknown.expression),
        }
    }
}
