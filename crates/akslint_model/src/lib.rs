//! Typed views over the span tree.
//!
//! Views borrow the tree and never copy it: every value they hand out is a
//! [`NodeRef`](akslint_syntax::NodeRef), so a rule can always point at the exact source range.

pub mod k8s;
