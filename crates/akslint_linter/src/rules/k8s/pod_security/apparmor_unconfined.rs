use akslint_model::k8s::{InheritedField, Workload};

use super::{report_unconfined_profile, runtime_default_annotation, written};
use crate::context::WithHelp;
use crate::fix::WithFix;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags AppArmor profiles that are not `RuntimeDefault` or `Localhost`: an
    /// `appArmorProfile.type` of `Unconfined` (or any other type, or none) in the pod's
    /// `securityContext` or a container's, and a legacy
    /// `container.apparmor.security.beta.kubernetes.io/<container>` annotation on the pods whose
    /// value is not `runtime/default`, `localhost/<profile>` or empty (typically `unconfined`).
    ///
    /// ## Why it matters
    /// AppArmor confines what a container's processes may do on the node (files, mounts,
    /// capabilities); the container runtime's default profile denies, for example, writes to
    /// `/proc` and `/sys` that help escape the container. An `Unconfined` profile turns it off.
    /// The Pod Security Standards' baseline level forbids it.
    ///
    /// As in Pod Security admission, the pod level, every container level and every annotation
    /// are checked as written, at every Kubernetes version: admission still reads the deprecated
    /// annotations (for any container name). Leaving AppArmor unset is allowed: the runtime then
    /// applies its default profile on nodes with AppArmor enabled, such as AKS's Ubuntu nodes.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: app
    ///       securityContext:
    ///         appArmorProfile:
    ///           type: Unconfined
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: app
    ///       securityContext:
    ///         appArmorProfile:
    ///           type: RuntimeDefault
    /// ```
    ///
    /// ## Fix
    /// Unsafe: replaces the profile type with `RuntimeDefault` (or adds `type: RuntimeDefault`
    /// to a profile that has none), and an annotation value with `runtime/default`. An
    /// application that needs something the runtime's default AppArmor profile denies (mounts,
    /// raw access to `/proc` or `/sys`) fails after the change. A profile that names a
    /// `localhostProfile` gets `type: Localhost`, the only type that field is valid with.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Pod Security Standards: AppArmor](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - [Restrict a container's access to resources with AppArmor](https://kubernetes.io/docs/tutorials/security/apparmor/)
    /// - [AKS: secure container access with AppArmor](https://learn.microsoft.com/azure/aks/secure-container-access)
    pub struct AppArmorUnconfined {
        code: "K8S115",
        name: "apparmor-unconfined",
        category: PodSecurity,
        severity: Error,
        default_enabled: true,
        scope: Scope::Workloads,
        pss: Baseline,
        fix: Unsafe,
        references: [
            "PSS" => "baseline: appArmorProfile",
            "trivy" => "KSV-0002",
        ],
    }
}

const HELP: &str = "set `appArmorProfile: {type: RuntimeDefault}` (or a `Localhost` profile), or leave it unset for the runtime's default";
const ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

impl Rule for AppArmorUnconfined {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        let field = InheritedField::AppArmorProfile;
        for written in written(workload, field) {
            report_unconfined_profile(&written, field, cx, HELP);
        }
        // Admission checks every annotation with the prefix, whether or not a container of
        // that name exists.
        for (key, value) in workload.pod_annotations() {
            let Some(container) = key.as_str().and_then(|k| k.strip_prefix(ANNOTATION_PREFIX))
            else {
                continue;
            };
            // A null (or non-scalar) value reads as empty, which is allowed.
            let text = value.as_str().unwrap_or_default();
            if allowed_annotation(text) {
                continue;
            }
            let message = format!(
                "{} sets the AppArmor annotation `{ANNOTATION_PREFIX}{container}: {text}`; only `runtime/default` and `localhost/<profile>` are allowed",
                workload.describe()
            );
            let fix = runtime_default_annotation(cx, value);
            cx.report_node(value, message)
                .with_fix(fix)
                .help(format!("set `appArmorProfile: {{type: RuntimeDefault}}` in the `securityContext` of container `{container}` and remove the deprecated annotation"));
        }
    }
}

fn allowed_annotation(value: &str) -> bool {
    value.is_empty() || value == "runtime/default" || value.starts_with("localhost/")
}

#[cfg(test)]
mod tests {
    use super::super::lint_at;

    #[test]
    fn annotations_and_fields_at_every_level() {
        let text = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata:
      annotations:
        container.apparmor.security.beta.kubernetes.io/app: unconfined
        container.apparmor.security.beta.kubernetes.io/sidecar: localhost/k8s-nginx
        container.apparmor.security.beta.kubernetes.io/init: runtime/default
    spec:
      securityContext:
        appArmorProfile: {type: Unconfined}
      containers:
        - name: app
          securityContext: {appArmorProfile: {type: RuntimeDefault}}
        - name: sidecar
          securityContext: {appArmorProfile: {type: Localhost, localhostProfile: k8s-nginx}}
";
        for minor in [25, 35] {
            let found = lint_at("K8S115", minor, text);
            let messages: Vec<_> = found.iter().map(|d| d.message.as_str()).collect();
            assert_eq!(
                messages,
                [
                    "Deployment `web` sets the AppArmor annotation `container.apparmor.security.beta.kubernetes.io/app: unconfined`; only `runtime/default` and `localhost/<profile>` are allowed",
                    "Deployment `web` sets `appArmorProfile.type: Unconfined` in its pod `securityContext`; only `RuntimeDefault` and `Localhost` are allowed",
                ]
            );
        }
    }
}
