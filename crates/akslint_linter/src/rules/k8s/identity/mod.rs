//! Identity and secrets (K8S4xx).

mod aad_pod_identity_deprecated;
mod default_service_account;
mod secret_as_env_var;
mod secret_in_env_literal;
mod secret_manifest;
mod service_account_token_automount;
mod workload_identity_incomplete;

pub use aad_pod_identity_deprecated::AadPodIdentityDeprecated;
pub use default_service_account::DefaultServiceAccount;
pub use secret_as_env_var::SecretAsEnvVar;
pub use secret_in_env_literal::SecretInEnvLiteral;
pub use secret_manifest::SecretManifest;
pub use service_account_token_automount::ServiceAccountTokenAutomount;
pub use workload_identity_incomplete::WorkloadIdentityIncomplete;

use std::sync::Arc;

use akslint_diagnostics::{Diagnostic, Related};
use akslint_model::k8s::Workload;
use akslint_syntax::NodeRef;

use crate::Rule;
use crate::project::Location;

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[
    &ServiceAccountTokenAutomount,
    &DefaultServiceAccount,
    &SecretInEnvLiteral,
    &SecretAsEnvVar,
    &SecretManifest,
    &AadPodIdentityDeprecated,
    &WorkloadIdentityIncomplete,
];

/// The ServiceAccount a workload's pods run as, and the field that names it when it is written
/// (even empty).
///
/// The API server falls back to `default` when `serviceAccountName` (and the deprecated
/// `serviceAccount`) is unset or empty.
fn service_account<'a>(workload: &Workload<'a>) -> (&'a str, Option<NodeRef<'a>>) {
    let field = workload.service_account_name();
    let name = field
        .and_then(NodeRef::as_str)
        .map(str::trim)
        .filter(|name| !name.is_empty());
    (name.unwrap_or("default"), field)
}

/// Points a finding at a second place as well (the ServiceAccount a workload runs as).
fn relate(diagnostic: &mut Diagnostic, location: &Location, message: impl Into<String>) {
    diagnostic.related.push(Related {
        file: Arc::clone(&location.file),
        span: location.span,
        message: message.into(),
    });
}

/// The text of a scalar that Kubernetes reads as a string (quoted, block, or plain text that is
/// not a boolean, number or null).
fn string_value(node: NodeRef<'_>) -> Option<&str> {
    match node.k8s_value()? {
        akslint_syntax::K8sScalar::Str(text) => Some(text),
        _ => None,
    }
}

/// Placeholders that a deploy step replaces: envsubst and Flux (`${VAR}`), Azure Pipelines'
/// replace-tokens (`#{Var}#`, `__Var__`), unrendered templates (`{{ .Values.x }}`) and
/// documentation placeholders (`<your-password>`).
fn is_placeholder(value: &str) -> bool {
    let between = |open: &str, close: &str| {
        value
            .find(open)
            .is_some_and(|at| value[at + open.len()..].contains(close))
    };
    between("${", "}")
        || between("#{", "}#")
        || between("{{", "}}")
        || (value.len() > 4 && value.starts_with("__") && value.ends_with("__"))
        || (value.starts_with('<') && value.ends_with('>'))
}
