//! ARM templates evaluated offline, and the AKS resources in them.
//!
//! [`EvaluatedTemplate::evaluate`] reads a deployment template (and at most one parameter file)
//! and computes every value that can be known before deployment: parameters (parameter file,
//! else `defaultValue`, else the only `allowedValues` entry), variables (with `copy`), the
//! configuration functions of ARM (string, logical, comparison, array, object, numeric,
//! `format`, `if`, `union`, `json`, lambdas in `map`/`filter`/`reduce`/`toObject`, ...),
//! `condition`, resource and property `copy` loops, nested child `resources`, nested
//! `Microsoft.Resources/deployments` with inline templates (inner and outer
//! `expressionEvaluationOptions.scope`) and languageVersion 2.0 symbolic resources.
//! `resourceGroup()`, `subscription()`, `tenant()` and `deployment()` give recognisable
//! placeholders (`{subscriptionId}`, `{resourceGroupName}`); `resourceId()` and friends build
//! ids from them; `uniqueString()`/`guid()` are deterministic stand-ins, so names built with
//! them still match between resources. `reference()`, `list*()`, `environment()`, `newGuid()`,
//! `utcNow()`, Key Vault references, user-defined functions and whatever akslint does not
//! implement are **unknown**. Hostile input is bounded: copy counts over ARM's 800 are
//! unknown, and recursion, value size and evaluation steps have limits past which values are
//! unknown ([`EvaluatedTemplate::truncated`]). Nothing panics.
//!
//! # Developer guide: writing an AKS or ARM rule
//!
//! Rules live in `crates/akslint_linter/src/rules/aks/<category>/` (AKSxxx) and
//! `rules/arm/` (ARMxxx); `AKS108` (`kubernetes_rbac_disabled.rs`), `AKS203`
//! (`node_pool_outside_vnet.rs`) and `ARM001` (`secure_parameter_default.rs`) are the
//! exemplars. Pick the scope that matches what the rule looks at:
//!
//! | scope | hook | called for |
//! |---|---|---|
//! | `Scope::ManagedClusters` | `check_cluster(&self, cluster: &ManagedCluster, cx)` | every cluster of every evaluation |
//! | `Scope::NodePools` | `check_node_pool(&self, pool: &AgentPool, cx)` | every node pool: `agentPoolProfiles[*]` and every `agentPools` resource (also one whose cluster is elsewhere) |
//! | `Scope::ArmTemplates` | `check_template(&self, template: &EvaluatedTemplate, cx)` | every evaluation of a template |
//! | `Scope::Project` | `check_project(&self, project: &ProjectIndex, cx)` | once per run, with the clusters and diagnostic settings of every file |
//!
//! A template is evaluated once per parameter file (`x.parameters.json` and
//! `x.parameters.<env>.json` beside `x.json`, or `--parameters`), or once with its defaults;
//! the hooks run for each evaluation and identical findings are merged.
//!
//! ## Reading a cluster property
//!
//! ```text
//! fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
//!     let rbac = cluster.property("enableRBAC");        // under `properties`
//!     if rbac.is_false() {
//!         cx.report_value(&rbac, format!("{} disables Kubernetes RBAC (`enableRBAC: false`)", cluster.describe()))
//!             .help("remove `enableRBAC` or set it to `true`");
//!     }
//! }
//! ```
//!
//! - [`ManagedCluster::property`] follows a dotted path under `properties`;
//!   [`ManagedCluster::get`] one from the resource object (`sku.tier`, `identity.type`);
//!   [`ManagedCluster::addon`] an add-on profile (`cluster.addon("omsagent").get("enabled")`).
//!   Every key is compared **without case**, as ARM does: `omsagent`/`omsAgent`,
//!   `azurepolicy`/`azurePolicy`, `enableAzureRBAC`/`enableAzureRbac` all match.
//! - The result is a [`Lookup`], three-valued:
//!   - `Lookup::Known(value)`: evaluated. Read it with [`Lookup::is_true`], [`Lookup::is_false`],
//!     [`Lookup::as_bool`] (which, like the resource providers, also reads the strings
//!     `"true"`/`"false"`), [`Lookup::as_str`], [`Lookup::is_str_ignore_case`],
//!     [`Lookup::as_int`], or [`Lookup::known`] for the [`Value`] (`as_array()`, `member()`).
//!     A known array or object may still contain unknown parts ([`Value::find_unknown`]).
//!   - `Lookup::Unknown(value)`: the value, or an object above it, is only known during
//!     deployment; [`Lookup::unknown`] says which expression and why. **A rule never reports
//!     an unknown value** (a future `--strict` note, AKL005, will).
//!   - `Lookup::Absent { parent, missing, null }`: not set, or `null`. Report it only when the
//!     service's default for a missing property is the bad one, and say so in the rule's
//!     documentation (AKS203: no subnet means an AKS-managed VNet; AKS108: no `enableRBAC`
//!     means RBAC on, so absent passes).
//! - The declared API version is [`ManagedCluster::api_version`] (an [`ApiVersion`] with
//!   `at_least("2023-02-01")`): use it for properties that older or newer versions name
//!   differently (legacy `apiServerAuthorizedIPRanges`, `securityProfile.azureDefender`,
//!   `sku.tier: Paid` before 2023-02-01).
//!
//! ## Node pools
//!
//! [`AgentPool::property`] reads a pool setting whichever way the pool is declared (a profile's
//! member, or an `agentPools` resource's `properties`); [`AgentPool::describe`] names it for
//! messages ("node pool `np1` of managedClusters `aks`", "agentPools `aks/np2`"),
//! [`AgentPool::is_system`], [`AgentPool::api_version`] and [`AgentPool::source`] tell the
//! rest. A rule about one pool uses `Scope::NodePools`. A rule about the set of pools (system
//! pool size, a dedicated system pool) uses `Scope::ManagedClusters` with
//! [`ManagedCluster::pools`], and must not fail when [`ManagedCluster::unknown_profiles`] is
//! set: some pools could not be evaluated. Pools are matched to their cluster by nesting, by
//! the `cluster/pool` name, by `dependsOn` (resource id, name or symbolic name), or by a name
//! built from the same unknown parameter.
//!
//! ## Reporting, and related locations
//!
//! - `cx.report_value(&lookup, message)` reports at the value where the resource uses it (the
//!   property, or the `"[parameters('x')]"` string that produced it); for an absent property
//!   at the entry that sets it to `null`, else at the key of the nearest existing parent (the
//!   first entry of a list item), like `report_missing` for YAML. When the value is written
//!   elsewhere it attaches that place as related information ("value from the default of
//!   parameter `x`", "value of parameter `x` in the parameter file", "value from variable `x`"):
//!   the [`Origin`] of the value ([`Value::origin`], [`Lookup::origin`]) is the innermost place
//!   the value is written, which is where a user changes it.
//! - `cx.report_resource(resource, message)` reports at a resource's `type` key.
//! - The finding's object is the resource (kind: its full type, name: the evaluated name, or
//!   the name's expression when unknown). Messages start with `cluster.describe()` or
//!   `pool.describe()` so they name it, as the fixture test checks.
//!
//! ## Template-level and project-wide rules
//!
//! [`EvaluatedTemplate::templates`] lists the file's template and every inline nested template
//! with their [`Parameter`]s (type, `defaultValue` node, resolved value, [`Parameter::is_secure`])
//! and [`Output`]s; [`EvaluatedTemplate::resources`] every deployed [`Resource`] (type, name,
//! condition, copy instance, parent, `dependsOn`, `scope`, evaluated body). The expression
//! parser is public ([`expr::classify`], [`expr::parse`], [`expr::Expr::calls`]) for rules
//! that look at how a value is written (ARM002: an output that returns a secure parameter or
//! `list*()`). The project index (`akslint_linter::project::ProjectIndex`) holds every
//! cluster (`managed_clusters`) and every diagnostic setting of a cluster
//! (`diagnostic_settings`, `diagnostic_settings_of(cluster)`) of the run; a setting whose
//! target is `DiagnosticTarget::Unknown` may belong to any cluster, so a rule must not report
//! a cluster as lacking one while such a setting exists.
//!
//! ## Testing
//!
//! Fixtures are `fixtures/<CODE>/{fail,pass}.json`; cover literal values, parameter defaults,
//! variables, `if()`, a `reference()` that must stay unknown and silent, copy loops and a nested
//! deployment. To test parameter files, lint a project:
//! `test_support::lint_files(code, 35, &[("main.json", template), ("main.parameters.json", parameters)])`.

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
pub use eval::{is_key, member_node};
pub use functions::{RESOURCE_GROUP_NAME, SUBSCRIPTION_ID, TENANT_ID, write_json_string};
pub use lookup::Lookup;
pub use template::{
    ArmDocument, Condition, CopyInstance, EvaluatedTemplate, Output, Parameter, ParameterFile,
    Resource, TemplateInfo,
};
pub use value::{Data, Origin, OriginKind, Text, Unknown, Value, same_key};

#[cfg(test)]
mod tests;
