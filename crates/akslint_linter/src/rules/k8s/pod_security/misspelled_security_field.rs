use akslint_model::k8s::{ContainerKind, ContainerOnlyField, Workload};
use akslint_syntax::NodeRef;

use crate::context::WithHelp;
use crate::fix::{NewValue, WithFix};
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags unknown keys in pod and container security settings, with a did-you-mean
    /// suggestion.
    ///
    /// It reports:
    /// - any key of a pod or container `securityContext` that is not one of its fields, and
    ///   likewise inside `capabilities`, `seLinuxOptions`, `windowsOptions`, `seccompProfile`,
    ///   `appArmorProfile` and the items of `sysctls`;
    /// - a pod-spec key that is not a pod-spec field but is close to a security-relevant one
    ///   (`hostNetwrok`, `hostPid`, `securityContex`, `automountServiceAccountTokens`, ...);
    /// - a container key close to `securityContext` (`securityContex`, `SecurityContext`).
    ///
    /// ## Why it matters
    /// Kubernetes drops unknown fields (or, with `kubectl`'s strict field validation, rejects
    /// the manifest). A typo in a security setting therefore does not fail loudly where the
    /// manifest is rendered or applied by other tools (Helm, Argo CD, Flux): the pod simply
    /// runs without the setting, `allowPrivilegeEscalaton: false` blocks nothing and
    /// `hostNetwrok: false` is harmless only by luck. Every security rule then reports a
    /// missing setting that the author believes is there.
    ///
    /// A suggestion is a field that matches the key ignoring case, or else the nearest field
    /// within a small edit distance (a quarter of the key's length, between 1 and 3; an adjacent
    /// transposition counts as one edit). A pod-only field written in a container's
    /// `securityContext` (`fsGroup`, `sysctls`, `supplementalGroups`, ...) is reported with the
    /// advice to move it to the pod. Container-only fields written in the pod's
    /// `securityContext` are left to container-field-at-pod-level (K8S123). Other pod-spec and
    /// container keys are only checked for closeness to security fields (full schema
    /// validation is not this rule's job); valid fields, as of Kubernetes 1.35, are never
    /// reported. A security-context field added by a later Kubernetes version (the container
    /// `cgroupOptions`, 1.37) is valid when the target version has it, and otherwise reported
    /// as unknown to the target version rather than as a typo.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   hostNetwrok: false
    ///   containers:
    ///     - name: app
    ///       securityContext:
    ///         allowPrivilegeEscalaton: false
    ///         capabilities:
    ///           Drop: [ALL]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// spec:
    ///   hostNetwork: false
    ///   containers:
    ///     - name: app
    ///       securityContext:
    ///         allowPrivilegeEscalation: false
    ///         capabilities:
    ///           drop: [ALL]
    /// ```
    ///
    /// ## Fix
    /// Unsafe: renames the key to the suggested field when the suggestion is a field of the same
    /// place (not for a field that belongs on the pod or on the containers instead, which has to
    /// be moved). The setting then takes effect, which is the point, but it changes what the
    /// workload runs with: `hostNetwrok: true` becomes a pod on the host network. The quotes of
    /// the key are kept. When the field is already written next to the typo, the rename would
    /// make a duplicate key, so it is not applied.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Kubernetes API: Pod security context](https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context)
    /// - [Kubernetes: field validation](https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation)
    pub struct MisspelledSecurityField {
        code: "K8S124",
        name: "misspelled-security-field",
        category: PodSecurity,
        severity: Error,
        default_enabled: true,
        scope: Scope::Workloads,
        fix: Unsafe,
        references: [
            "kube-linter" => "schema-validation (opt-in kubeconform check: unknown fields anywhere, no suggestion)",
        ],
    }
}

/// `PodSpec` fields as of Kubernetes 1.35.
const POD_SPEC_FIELDS: [&str; 42] = [
    "activeDeadlineSeconds",
    "affinity",
    "automountServiceAccountToken",
    "containers",
    "dnsConfig",
    "dnsPolicy",
    "enableServiceLinks",
    "ephemeralContainers",
    "hostAliases",
    "hostIPC",
    "hostNetwork",
    "hostPID",
    "hostUsers",
    "hostname",
    "hostnameOverride",
    "imagePullSecrets",
    "initContainers",
    "nodeName",
    "nodeSelector",
    "os",
    "overhead",
    "preemptionPolicy",
    "priority",
    "priorityClassName",
    "readinessGates",
    "resourceClaims",
    "resources",
    "restartPolicy",
    "runtimeClassName",
    "schedulerName",
    "schedulingGates",
    "securityContext",
    "serviceAccount",
    "serviceAccountName",
    "setHostnameAsFQDN",
    "shareProcessNamespace",
    "subdomain",
    "terminationGracePeriodSeconds",
    "tolerations",
    "topologySpreadConstraints",
    "volumes",
    "workloadRef",
];

/// Pod-spec fields whose misspelling silently weakens or changes the pod's isolation.
const SECURITY_POD_SPEC_FIELDS: [&str; 8] = [
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "hostUsers",
    "securityContext",
    "automountServiceAccountToken",
    "serviceAccountName",
    "shareProcessNamespace",
];

/// `Container` fields as of Kubernetes 1.35 (ephemeral containers add `targetContainerName`).
const CONTAINER_FIELDS: [&str; 25] = [
    "args",
    "command",
    "env",
    "envFrom",
    "image",
    "imagePullPolicy",
    "lifecycle",
    "livenessProbe",
    "name",
    "ports",
    "readinessProbe",
    "resizePolicy",
    "resources",
    "restartPolicy",
    "restartPolicyRules",
    "securityContext",
    "startupProbe",
    "stdin",
    "stdinOnce",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "tty",
    "volumeDevices",
    "volumeMounts",
    "workingDir",
];

/// `PodSecurityContext` fields.
const POD_SECURITY_CONTEXT: [&str; 13] = [
    "seLinuxOptions",
    "windowsOptions",
    "runAsUser",
    "runAsGroup",
    "runAsNonRoot",
    "supplementalGroups",
    "supplementalGroupsPolicy",
    "fsGroup",
    "sysctls",
    "fsGroupChangePolicy",
    "seccompProfile",
    "appArmorProfile",
    "seLinuxChangePolicy",
];

/// `SecurityContext` (container) fields.
const CONTAINER_SECURITY_CONTEXT: [&str; 12] = [
    "capabilities",
    "privileged",
    "seLinuxOptions",
    "windowsOptions",
    "runAsUser",
    "runAsGroup",
    "runAsNonRoot",
    "readOnlyRootFilesystem",
    "allowPrivilegeEscalation",
    "procMount",
    "seccompProfile",
    "appArmorProfile",
];

/// The fields of the objects nested in a security context.
fn nested_fields(field: &str) -> Option<&'static [&'static str]> {
    match field {
        "capabilities" => Some(&["add", "drop"]),
        "seLinuxOptions" => Some(&["user", "role", "type", "level"]),
        "windowsOptions" => Some(&[
            "gmsaCredentialSpecName",
            "gmsaCredentialSpec",
            "runAsUserName",
            "hostProcess",
        ]),
        "seccompProfile" | "appArmorProfile" => Some(&["type", "localhostProfile"]),
        _ => None,
    }
}

const SYSCTL_FIELDS: [&str; 2] = ["name", "value"];

/// Security-context fields added after Kubernetes 1.35, with the minor version that added
/// them: valid when the target version has them, otherwise dropped (not misspelled).
const LATER_FIELDS: [(Level, &str, u32); 1] = [(Level::Container, "cgroupOptions", 37)];

const DROPPED: &str = "Kubernetes drops it (or rejects the manifest under strict field validation)";

/// Which security context is being read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Pod,
    Container,
}

impl Rule for MisspelledSecurityField {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        let owner = workload.describe();
        for (key, _) in workload.pod_spec.entries() {
            let Some(name) = key_name(key) else {
                continue;
            };
            if POD_SPEC_FIELDS.contains(&name) {
                continue;
            }
            if let Some(field) = suggest(name, &SECURITY_POD_SPEC_FIELDS) {
                let message = format!(
                    "{owner} sets `{name}` in its pod spec, which has no such field: {DROPPED}"
                );
                report_typo(cx, key, field, message);
            }
        }
        if let Some(context) = workload.pod_security_context() {
            let place = Place {
                who: &owner,
                whose: "the pod",
                path: "securityContext".to_owned(),
            };
            check_security_context(cx, context, &place, Level::Pod);
        }
        for container in workload.containers() {
            let who = format!("{} of {owner}", container.describe());
            for (key, _) in container.node.entries() {
                let Some(name) = key_name(key) else {
                    continue;
                };
                let valid = CONTAINER_FIELDS.contains(&name)
                    || (container.kind == ContainerKind::Ephemeral
                        && name == "targetContainerName");
                if valid {
                    continue;
                }
                if let Some(field) = suggest(name, &["securityContext"]) {
                    let message =
                        format!("{who} sets `{name}`, which is not a container field: {DROPPED}");
                    report_typo(cx, key, field, message);
                }
            }
            if let Some(context) = container.security_context() {
                let place = Place {
                    who: &who,
                    whose: "its",
                    path: "securityContext".to_owned(),
                };
                check_security_context(cx, context, &place, Level::Container);
            }
        }
    }
}

/// Where keys are being checked, for messages.
struct Place<'a> {
    /// The workload, or the container and its workload.
    who: &'a str,
    /// `the pod` or `its`.
    whose: &'static str,
    /// Path of the mapping below the pod spec or the container.
    path: String,
}

impl Place<'_> {
    fn unknown(&self, name: &str) -> String {
        format!(
            "{} sets `{name}` in {} `{}`, which has no such field: {DROPPED}",
            self.who, self.whose, self.path
        )
    }

    fn below(&self, path: String) -> Place<'_> {
        Place {
            who: self.who,
            whose: self.whose,
            path,
        }
    }
}

fn check_security_context(
    cx: &mut Context<'_>,
    context: NodeRef<'_>,
    place: &Place<'_>,
    level: Level,
) {
    let container_only: Vec<&str> = ContainerOnlyField::ALL.iter().map(|f| f.key()).collect();
    let pod_only: Vec<&str> = POD_SECURITY_CONTEXT
        .into_iter()
        .filter(|field| !CONTAINER_SECURITY_CONTEXT.contains(field))
        .collect();
    let (known, elsewhere): (&[&str], &[&str]) = match level {
        Level::Pod => (&POD_SECURITY_CONTEXT, &container_only),
        Level::Container => (&CONTAINER_SECURITY_CONTEXT, &pod_only),
    };
    for (key, value) in context.entries() {
        let Some(name) = key_name(key) else {
            continue;
        };
        if known.contains(&name) {
            check_nested(cx, name, value, place);
            continue;
        }
        if let Some(&(_, _, minor)) = LATER_FIELDS
            .iter()
            .find(|(at, field, _)| *at == level && *field == name)
        {
            let target = cx.kubernetes_version();
            if !target.at_least(minor) {
                let message = format!(
                    "{} sets `{name}` in {} `{}`, a field added in Kubernetes 1.{minor}: the target version {target} drops it",
                    place.who, place.whose, place.path
                );
                cx.report_node(key, message).help(format!(
                    "remove it, or target Kubernetes 1.{minor} or newer (`kubernetes-version`) if the cluster runs it"
                ));
            }
            continue;
        }
        // Written on the pod, these are container-field-at-pod-level's (K8S123).
        if level == Level::Pod && elsewhere.contains(&name) {
            continue;
        }
        let candidates: Vec<&str> = known.iter().chain(elsewhere).copied().collect();
        let help = match suggest(name, &candidates) {
            Some(field) if elsewhere.contains(&field) => match level {
                Level::Pod => format!(
                    "did you mean `{field}`? It exists only in a container's `securityContext`: set it on each container"
                ),
                Level::Container => format!(
                    "{}`{field}` exists only in the pod's `securityContext` (`spec.securityContext`): move it there",
                    if field == name {
                        String::new()
                    } else {
                        format!("did you mean `{field}`? ")
                    }
                ),
            },
            Some(field) => {
                report_typo(cx, key, field, place.unknown(name));
                continue;
            }
            None => format!(
                "remove it; the fields of {} `{}` are {}",
                place.whose,
                place.path,
                list(known)
            ),
        };
        cx.report_node(key, place.unknown(name)).help(help);
    }
}

fn check_nested(cx: &mut Context<'_>, field: &str, value: NodeRef<'_>, place: &Place<'_>) {
    if field == "sysctls" {
        for (index, item) in value.items().enumerate() {
            let place = place.below(format!("{}.sysctls[{index}]", place.path));
            check_keys(cx, item, &SYSCTL_FIELDS, &place);
        }
    } else if let Some(fields) = nested_fields(field) {
        let place = place.below(format!("{}.{field}", place.path));
        check_keys(cx, value, fields, &place);
    }
}

fn check_keys(cx: &mut Context<'_>, mapping: NodeRef<'_>, known: &[&str], place: &Place<'_>) {
    for (key, _) in mapping.entries() {
        let Some(name) = key_name(key) else {
            continue;
        };
        if known.contains(&name) {
            continue;
        }
        let Some(field) = suggest(name, known) else {
            let help = format!(
                "remove it; the fields of `{}` are {}",
                place.path,
                list(known)
            );
            cx.report_node(key, place.unknown(name)).help(help);
            continue;
        };
        report_typo(cx, key, field, place.unknown(name));
    }
}

/// Reports the misspelled `key` with `field` as the suggestion, and a fix that renames it.
fn report_typo(cx: &mut Context<'_>, key: NodeRef<'_>, field: &str, message: String) {
    let name = key.scalar().map_or("", |(text, _)| text);
    let fix = cx.fix(format!("rename `{name}` to `{field}`"), |edit| {
        edit.replace(key, NewValue::Str(field))
    });
    cx.report_node(key, message)
        .with_fix(fix)
        .help(format!("did you mean `{field}`?"));
}

/// A key's text, unless it is empty or an unrendered template.
fn key_name(key: NodeRef<'_>) -> Option<&str> {
    let (text, _) = key.scalar()?;
    (!text.is_empty() && !text.contains("{{")).then_some(text)
}

fn list(fields: &[&str]) -> String {
    fields
        .iter()
        .map(|field| format!("`{field}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The field `name` was probably meant to be: one equal to it ignoring case, else the nearest
/// one within a small edit distance.
fn suggest<'f>(name: &str, fields: &[&'f str]) -> Option<&'f str> {
    if let Some(field) = fields.iter().find(|field| field.eq_ignore_ascii_case(name)) {
        return Some(field);
    }
    let lower = name.to_ascii_lowercase();
    let limit = (name.chars().count() / 4).clamp(1, 3);
    fields
        .iter()
        .map(|field| (edit_distance(&lower, &field.to_ascii_lowercase()), *field))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, field)| field)
}

/// Levenshtein distance where swapping two adjacent characters also counts as one edit
/// (optimal string alignment), over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let substitution = previous[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            let mut best = substitution.min(previous[j] + 1).min(current[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::lint_at;

    fn messages(text: &str, minor: u32) -> Vec<String> {
        lint_at("K8S124", minor, text)
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn fields_of_later_versions_follow_the_target_version() {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    securityContext:\n      cgroupOptions: {mountMode: ReadWrite}\n";
        let found = messages(pod, 35);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("added in Kubernetes 1.37"), "{found:?}");
        assert!(messages(pod, 37).is_empty());
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("hostnetwrok", "hostnetwork"), 1);
        assert_eq!(edit_distance("ad", "add"), 1);
        assert_eq!(edit_distance("privileged", "privileged"), 0);
        assert_eq!(edit_distance("ca", "abc"), 3);
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("allowPrivilegeEscalaton", &CONTAINER_SECURITY_CONTEXT),
            Some("allowPrivilegeEscalation")
        );
        assert_eq!(
            suggest("readOnlyRootFileSystem", &CONTAINER_SECURITY_CONTEXT),
            Some("readOnlyRootFilesystem")
        );
        assert_eq!(
            suggest("hostPid", &SECURITY_POD_SPEC_FIELDS),
            Some("hostPID")
        );
        assert_eq!(
            suggest("hostNetwrok", &SECURITY_POD_SPEC_FIELDS),
            Some("hostNetwork")
        );
        assert_eq!(
            suggest("securityContex", &SECURITY_POD_SPEC_FIELDS),
            Some("securityContext")
        );
        assert_eq!(suggest("Drop", &["add", "drop"]), Some("drop"));
        assert_eq!(suggest("ad", &["add", "drop"]), Some("add"));
        assert_eq!(suggest("remove", &["add", "drop"]), None);
        // Unrelated pod-spec keys stay quiet.
        for key in [
            "hostname2",
            "labels",
            "template",
            "replicas",
            "nodeSelectors",
        ] {
            assert_eq!(suggest(key, &SECURITY_POD_SPEC_FIELDS), None, "{key}");
        }
    }
}
