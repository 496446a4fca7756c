//! Rules on AKS clusters in ARM templates (AKSxxx), one folder per category (code hundred).
//!
//! Rules read the evaluated cluster through `akslint_model::azure` (see its module docs for
//! how to read a property, the node pools, unknown and absent values) and report with
//! `Context::report_value`, which points at the value or at the nearest existing parent and
//! attaches where a value from a parameter or variable is written.

pub mod api_server_and_identity;
pub mod cluster_network;
pub mod data_protection;
pub mod monitoring_and_policy;
pub mod resilience;
pub mod upgrades;
