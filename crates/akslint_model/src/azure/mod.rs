//! ARM templates evaluated offline, and the AKS resources in them.
//!
//! (The developer guide for rule writers is written at the end of the work; see below.)

mod cluster;
mod eval;
pub mod expr;
mod functions;
mod lookup;
mod template;
mod value;

pub use cluster::{
    AGENT_POOLS, AgentPool, ApiVersion, DIAGNOSTIC_SETTINGS, DiagnosticSetting, MANAGED_CLUSTERS,
    ManagedCluster, NameKey, PoolSource, SettingTarget, name_in_id,
};
pub use eval::member_node;
pub use functions::{RESOURCE_GROUP_NAME, SUBSCRIPTION_ID, TENANT_ID};
pub use lookup::Lookup;
pub use template::{
    ArmDocument, Condition, CopyInstance, EvaluatedTemplate, Output, Parameter, ParameterFile,
    Resource, TemplateInfo,
};
pub use value::{Data, Origin, OriginKind, Unknown, Value};

#[cfg(test)]
mod tests;
