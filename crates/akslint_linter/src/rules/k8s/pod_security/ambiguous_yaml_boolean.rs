use akslint_model::k8s::{Object, Workload};
use akslint_syntax::{NodeRef, ScalarStyle};

use crate::context::WithHelp;
use crate::fix::{NewValue, WithFix};
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags boolean fields written with a YAML 1.1-only spelling (`yes`, `off`, ...), which
    /// tools read differently, or as a quoted string (`"true"`), which Kubernetes rejects.
    ///
    /// It reports:
    /// - an unquoted YAML 1.1 spelling other than `true`/`false` (`yes`, `no`, `on`, `off`,
    ///   `y`, `n`, in the case variants YAML 1.1 accepts, such as `Yes` or `OFF`);
    /// - a quoted `"true"` or `"false"` (or another quoted boolean spelling such as `"yes"`).
    ///
    /// ## Why it matters
    /// Kubernetes decodes YAML with YAML 1.1 rules, so `privileged: on` is `true` for the
    /// API server, while YAML 1.2 tools (most linters, editors, `yq` v4, many policy engines)
    /// read the same value as the string `"on"` and may judge it as not true. A security
    /// setting should mean the same thing to every tool in the pipeline. A quoted `"true"` is
    /// a string: the API server rejects it in a boolean field with a type error, often only
    /// at deploy time, after a template pipe such as `| quote` produced it.
    ///
    /// Checked fields: the boolean fields of the pod spec (`hostNetwork`, `hostPID`,
    /// `hostIPC`, `hostUsers`, `shareProcessNamespace`, `automountServiceAccountToken`,
    /// `enableServiceLinks`, `setHostnameAsFQDN`), of containers (`stdin`, `stdinOnce`,
    /// `tty`), of pod and container security contexts (`privileged`,
    /// `allowPrivilegeEscalation`, `readOnlyRootFilesystem`, `runAsNonRoot`,
    /// `windowsOptions.hostProcess`), of volume mounts (`readOnly`), of `env` and `envFrom`
    /// references (`optional`), and of volume sources (`readOnly`, `optional`, iSCSI's
    /// `chapAuthDiscovery`/`chapAuthSession`, ScaleIO's `sslEnabled`, projected sources'
    /// `optional`), in every workload kind; and `automountServiceAccountToken` of
    /// ServiceAccounts, `paused` of Deployments, `suspend`/`manualSelector` of Jobs and
    /// CronJobs, `publishNotReadyAddresses`/`allocateLoadBalancerNodePorts` of Services and
    /// `immutable` of ConfigMaps and Secrets. String maps (labels, `nodeSelector`, CSI
    /// `volumeAttributes`) are never read, as their values are meant to be strings.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   automountServiceAccountToken: no
    ///   containers:
    ///     - name: app
    ///       securityContext:
    ///         readOnlyRootFilesystem: "true"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// spec:
    ///   automountServiceAccountToken: false
    ///   containers:
    ///     - name: app
    ///       securityContext:
    ///         readOnlyRootFilesystem: true
    /// ```
    ///
    /// ## Fix
    /// Safe: rewrites a YAML 1.1 spelling as `true` or `false`, the value Kubernetes already
    /// reads, so the workload does not change; only the other tools now agree with the API server.
    /// A quoted `"true"` or `"false"` gets no fix: the API server rejects it today, and removing
    /// the quotes makes the manifest deploy with that value (`hostNetwork: "true"` would become a
    /// pod on the host network), which deserves a look rather than an automatic edit.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: configuration best practices (YAML booleans)](https://kubernetes.io/docs/concepts/configuration/overview/)
    /// - [YAML 1.1 boolean type](https://yaml.org/type/bool.html)
    pub struct AmbiguousYamlBoolean {
        code: "K8S125",
        name: "ambiguous-yaml-boolean",
        category: PodSecurity,
        severity: Warning,
        default_enabled: true,
        scope: Scope::Objects,
        fix: Safe,
        references: ["none" => "no peer warns (kubernetes/kubernetes#34146)"],
    }
}

const POD_SPEC: [&str; 8] = [
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "hostUsers",
    "shareProcessNamespace",
    "automountServiceAccountToken",
    "enableServiceLinks",
    "setHostnameAsFQDN",
];
const CONTAINER: [&str; 3] = ["stdin", "stdinOnce", "tty"];
const SECURITY_CONTEXT: [&str; 4] = [
    "privileged",
    "allowPrivilegeEscalation",
    "readOnlyRootFilesystem",
    "runAsNonRoot",
];
const VOLUME_SOURCE: [&str; 5] = [
    "readOnly",
    "optional",
    "chapAuthDiscovery",
    "chapAuthSession",
    "sslEnabled",
];

/// Boolean fields of objects other than the pod spec: (API group, kind, dotted path).
const OBJECT_FIELDS: [(&str, &str, &str); 11] = [
    ("", "ServiceAccount", "automountServiceAccountToken"),
    ("", "Service", "spec.publishNotReadyAddresses"),
    ("", "Service", "spec.allocateLoadBalancerNodePorts"),
    ("", "ConfigMap", "immutable"),
    ("", "Secret", "immutable"),
    ("apps", "Deployment", "spec.paused"),
    ("batch", "Job", "spec.suspend"),
    ("batch", "Job", "spec.manualSelector"),
    ("batch", "CronJob", "spec.suspend"),
    ("batch", "CronJob", "spec.jobTemplate.spec.suspend"),
    ("batch", "CronJob", "spec.jobTemplate.spec.manualSelector"),
];

impl Rule for AmbiguousYamlBoolean {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        let who = || object.describe();
        let group = object.api_group();
        for (field_group, kind, path) in OBJECT_FIELDS {
            if object.kind == Some(kind) && group == field_group {
                check(cx, &who, object.node.get_path(path), &path);
            }
        }
        if let Some(workload) = cx.workload() {
            check_pod_spec(cx, &workload);
        }
    }
}

fn check_pod_spec(cx: &mut Context<'_>, workload: &Workload<'_>) {
    let workload_who = || workload.describe();
    let spec = workload.pod_spec;
    for key in POD_SPEC {
        check(cx, &workload_who, spec.get(key), &key);
    }
    if let Some(context) = workload.pod_security_context() {
        check_security_context(cx, &workload_who, context, &["runAsNonRoot"]);
    }
    for container in workload.containers() {
        let who = || format!("{} of {}", container.describe(), workload_who());
        let node = container.node;
        for key in CONTAINER {
            check(cx, &who, node.get(key), &key);
        }
        if let Some(context) = container.security_context() {
            check_security_context(cx, &who, context, &SECURITY_CONTEXT);
        }
        for (index, mount) in node
            .get("volumeMounts")
            .into_iter()
            .flat_map(NodeRef::items)
            .enumerate()
        {
            let path = format_args!("volumeMounts[{index}].readOnly");
            check(cx, &who, mount.get("readOnly"), &path);
        }
        for (index, env) in node
            .get("env")
            .into_iter()
            .flat_map(NodeRef::items)
            .enumerate()
        {
            for reference in ["configMapKeyRef", "secretKeyRef"] {
                let path = format_args!("env[{index}].valueFrom.{reference}.optional");
                let value = env.get("valueFrom").and_then(|v| v.get(reference));
                check(cx, &who, value.and_then(|r| r.get("optional")), &path);
            }
        }
        for (index, source) in node
            .get("envFrom")
            .into_iter()
            .flat_map(NodeRef::items)
            .enumerate()
        {
            for reference in ["configMapRef", "secretRef"] {
                let path = format_args!("envFrom[{index}].{reference}.optional");
                let value = source.get(reference).and_then(|r| r.get("optional"));
                check(cx, &who, value, &path);
            }
        }
    }
    for volume in workload.volumes() {
        let who = || format!("{} of {}", volume.describe(), workload_who());
        for (key, source) in volume.node.entries() {
            let Some((name, _)) = key.scalar().filter(|_| source.is_mapping()) else {
                continue;
            };
            for field in VOLUME_SOURCE {
                check(cx, &who, source.get(field), &format_args!("{name}.{field}"));
            }
            if name != "projected" {
                continue;
            }
            let sources = source.get("sources").into_iter().flat_map(NodeRef::items);
            for (index, projection) in sources.enumerate() {
                for kind in ["configMap", "secret"] {
                    let value = projection.get(kind).and_then(|p| p.get("optional"));
                    let path = format_args!("projected.sources[{index}].{kind}.optional");
                    check(cx, &who, value, &path);
                }
            }
        }
    }
}

/// Checks the boolean `fields` of a security context and `windowsOptions.hostProcess`.
fn check_security_context(
    cx: &mut Context<'_>,
    who: &dyn Fn() -> String,
    context: NodeRef<'_>,
    fields: &[&str],
) {
    for key in fields {
        let path = format_args!("securityContext.{key}");
        check(cx, who, context.get(key), &path);
    }
    let host_process = context.get_path("windowsOptions.hostProcess");
    check(
        cx,
        who,
        host_process,
        &"securityContext.windowsOptions.hostProcess",
    );
}

/// Reports `value` when it is an ambiguous or quoted boolean. `who` and `path` name it in the
/// message, and are only written out for a finding: most values are fine.
fn check(
    cx: &mut Context<'_>,
    who: &dyn Fn() -> String,
    value: Option<NodeRef<'_>>,
    path: &dyn std::fmt::Display,
) {
    let Some(value) = value else {
        return;
    };
    let Some((text, style)) = value.scalar() else {
        return;
    };
    if style == ScalarStyle::Plain {
        // `True` and `FALSE` are booleans in YAML 1.2 too; only the 1.1-only spellings are
        // read differently by other tools.
        let Some(meaning) = value.as_bool() else {
            return;
        };
        if text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false") {
            return;
        }
        let message = format!(
            "{} sets `{path}: {text}`, which Kubernetes reads as `{meaning}` (a YAML 1.1 boolean) while YAML 1.2 tools read the string \"{text}\"",
            who()
        );
        let fix = cx.fix(format!("write `{meaning}`"), |edit| {
            edit.replace(value, NewValue::Bool(meaning))
        });
        cx.report_node(value, message)
            .with_fix(fix)
            .help(format!("write `{meaning}`"));
    } else if let Some(meaning) = quoted_boolean(text) {
        let message = format!(
            "{} sets `{path}` to the quoted string \"{text}\", not a boolean: the API server rejects it with a type error",
            who()
        );
        cx.report_node(value, message)
            .help(format!("write `{meaning}` without quotes"));
    }
}

/// What a quoted boolean spelling was meant to say.
fn quoted_boolean(text: &str) -> Option<bool> {
    let text = text.trim();
    let is = |word: &&str| text.eq_ignore_ascii_case(word);
    if ["true", "yes", "on", "y"].iter().any(is) {
        Some(true)
    } else if ["false", "no", "off", "n"].iter().any(is) {
        Some(false)
    } else {
        None
    }
}
