//! Cluster networking (AKS2xx).

mod node_pool_outside_vnet;

pub use node_pool_outside_vnet::NodePoolOutsideVnet;

use crate::Rule;

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[&NodePoolOutsideVnet];
