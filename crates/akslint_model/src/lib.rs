//! Typed views over the span tree.
//!
//! Views borrow the tree and never copy it: every value they hand out is a
//! [`NodeRef`](akslint_syntax::NodeRef), so a rule can always point at the exact source range.
//! ARM templates are evaluated ([`azure`]): their values are computed, and each keeps the node
//! it is used at and the node it is written at.

pub mod azure;
pub mod k8s;
