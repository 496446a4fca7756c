use crate::{Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports input that goes over one of akslint's safety limits: a file over the size limit,
    /// collections nested deeper
    /// than the nesting limit, a file whose aliases add more nodes than the alias
    /// limit (a "billion laughs" alias bomb), or a stream with more documents than the document
    /// limit.
    ///
    /// ## Why it matters
    /// A linter runs on whatever is in a repository or an editor buffer. Hostile or broken input
    /// must cost bounded time and memory and must never pass as clean: the part over the limit
    /// is not checked, and this diagnostic says so, with the position.
    ///
    /// ## Example
    /// ```yaml
    /// a: &a [x, x, x, x, x, x, x, x, x, x]
    /// b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
    /// c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
    /// # ... nine more levels expand to more than a million nodes
    /// ```
    ///
    /// ## Use instead
    /// Plain manifests; anchors used for sharing, not multiplication.
    ///
    /// ## Options
    /// `[limits]` in `akslint.toml`: `max-file-bytes` (50 MiB; larger files are reported, never
    /// read), `max-depth` (256 nesting levels, also the most: it can only be lowered),
    /// `max-expanded-nodes` (1,000,000 nodes added by aliases and merge keys per file) and
    /// `max-documents` (100,000 per stream). This rule cannot be turned off.
    ///
    /// ## References
    /// - [Billion laughs attack](https://en.wikipedia.org/wiki/Billion_laughs_attack)
    pub struct InputLimitExceeded {
        code: "AKL004",
        name: "input-limit-exceeded",
        category: Akslint,
        severity: Error,
        default_enabled: true,
        scope: Scope::Engine,
        references: [],
    }
}

impl Rule for InputLimitExceeded {}
