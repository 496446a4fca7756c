use akslint_model::k8s::Workload;
use akslint_syntax::NodeRef;

use crate::context::WithHelp;
use crate::{Context, KubernetesVersion, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags sysctls in `spec.securityContext.sysctls` that are not in the Pod Security
    /// Standards' safe set for the target Kubernetes version.
    ///
    /// ## Why it matters
    /// A sysctl set by a pod changes a kernel parameter. Only a few are both namespaced and
    /// isolated from the other pods on the node; the rest change the node for every pod, or let
    /// one pod use up kernel resources the others share. The kubelet refuses "unsafe" sysctls
    /// unless the node allows them, and the Pod Security Standards' baseline level allows only
    /// the safe set, which grows with the Kubernetes version:
    ///
    /// | sysctl | allowed from |
    /// |---|---|
    /// | `kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`, `net.ipv4.ip_unprivileged_port_start`, `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range` | always |
    /// | `net.ipv4.ip_local_reserved_ports` | 1.27 |
    /// | `net.ipv4.tcp_keepalive_time`, `net.ipv4.tcp_fin_timeout`, `net.ipv4.tcp_keepalive_intvl`, `net.ipv4.tcp_keepalive_probes` | 1.29 |
    /// | `net.ipv4.tcp_rmem`, `net.ipv4.tcp_wmem` | 1.32 |
    /// | `net.ipv4.tcp_slow_start_after_idle`, `net.ipv4.tcp_notsent_lowat` | 1.37 |
    ///
    /// A sysctl that a newer version allows is reported with that version, so raising the target
    /// (the namespace's `pod-security.kubernetes.io/enforce-version` or `--kubernetes-version`)
    /// is an option once the cluster runs it. Names are compared as written, as admission does:
    /// the slash form (`net/ipv4/tcp_syncookies`), which the kubelet accepts, is not in the safe
    /// set.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     sysctls:
    ///       - name: kernel.msgmax
    ///         value: "65536"
    /// ```
    ///
    /// ## Use instead
    /// Set node-wide kernel parameters on the AKS node pool (custom node configuration,
    /// `linuxOSConfig.sysctls`) instead of from pods, and keep pod sysctls to the safe set:
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     sysctls:
    ///       - name: net.ipv4.ip_local_port_range
    ///         value: "1024 65535"
    /// ```
    ///
    /// ## Options
    /// The target Kubernetes version (`kubernetes-version`) decides the safe set.
    ///
    /// ## References
    /// - [Pod Security Standards: Sysctls](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - [Using sysctls in a Kubernetes cluster](https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/)
    /// - [AKS: customize node configuration](https://learn.microsoft.com/azure/aks/custom-node-configuration)
    pub struct UnsafeSysctl {
        code: "K8S118",
        name: "unsafe-sysctl",
        category: PodSecurity,
        severity: Error,
        default_enabled: true,
        scope: Scope::Workloads,
        pss: Baseline,
        references: [
            "PSS" => "baseline: sysctls",
            "kube-linter" => "unsafe-sysctls",
            "trivy" => "KSV-0026",
        ],
    }
}

/// The sysctls Pod Security baseline allows, each with the minor version from which it is
/// allowed (0: every version). Admission's safe set only ever grows.
const SAFE_SYSCTLS: &[(&str, u32)] = &[
    ("kernel.shm_rmid_forced", 0),
    ("net.ipv4.ip_local_port_range", 0),
    ("net.ipv4.ip_unprivileged_port_start", 0),
    ("net.ipv4.tcp_syncookies", 0),
    ("net.ipv4.ping_group_range", 0),
    ("net.ipv4.ip_local_reserved_ports", 27),
    ("net.ipv4.tcp_keepalive_time", 29),
    ("net.ipv4.tcp_fin_timeout", 29),
    ("net.ipv4.tcp_keepalive_intvl", 29),
    ("net.ipv4.tcp_keepalive_probes", 29),
    ("net.ipv4.tcp_rmem", 32),
    ("net.ipv4.tcp_wmem", 32),
    ("net.ipv4.tcp_slow_start_after_idle", 37),
    ("net.ipv4.tcp_notsent_lowat", 37),
];

/// The minor version from which `name` is safe, if it ever is.
fn safe_since(name: &str) -> Option<u32> {
    SAFE_SYSCTLS
        .iter()
        .find(|(safe, _)| *safe == name)
        .map(|(_, since)| *since)
}

const HELP: &str = "remove it, or set node-wide kernel parameters on the node pool (AKS custom node configuration, `linuxOSConfig.sysctls`)";

impl Rule for UnsafeSysctl {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        let version = cx.kubernetes_version();
        let sysctls = workload
            .pod_security_context()
            .and_then(|context| context.get("sysctls"));
        for item in sysctls.into_iter().flat_map(NodeRef::items) {
            // A sysctl without a name is rejected by the API server; nothing to judge here.
            let Some(node) = item.get("name").filter(|n| !n.is_null()) else {
                continue;
            };
            let name = node.as_str().unwrap_or_default();
            check_name(workload, cx, version, node, name);
        }
    }
}

fn check_name(
    workload: &Workload<'_>,
    cx: &mut Context<'_>,
    version: KubernetesVersion,
    node: NodeRef<'_>,
    name: &str,
) {
    let who = workload.describe();
    match safe_since(name) {
        Some(since) if version.at_least(since) => {}
        Some(since) => {
            let message = format!(
                "{who} sets the sysctl `{name}`, which Pod Security baseline allows only from Kubernetes 1.{since} (target: {version})"
            );
            cx.report_node(node, message).help(format!(
                "remove it, or target Kubernetes 1.{since} or newer once the cluster runs it (the namespace's `pod-security.kubernetes.io/enforce-version` or `--kubernetes-version`)"
            ));
        }
        None => {
            let message = format!(
                "{who} sets the sysctl `{name}`, which is not in the Pod Security baseline safe set"
            );
            let dotted = slash_to_dot(name);
            match safe_since(&dotted) {
                Some(since) if name.contains('/') && version.at_least(since) => {
                    cx.report_node(node, message).help(format!(
                        "write it as `{dotted}`: Pod Security admission compares names as written"
                    ));
                }
                _ => cx.report_node(node, message).help(HELP),
            }
        }
    }
}

/// The dotted form of a slash-separated sysctl name: the kubelet swaps the two separators
/// (`net/ipv4/conf/eth0.100/rp_filter` is `net.ipv4.conf.eth0/100.rp_filter`).
fn slash_to_dot(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            '/' => '.',
            '.' => '/',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::lint_at;

    fn pod(sysctl: &str) -> String {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  securityContext:\n    sysctls:\n      - {{name: {sysctl}, value: '1'}}\n  containers: [{{name: app}}]\n"
        )
    }

    #[test]
    fn the_safe_set_grows_with_the_version() {
        let cases = [
            ("kernel.shm_rmid_forced", 20),
            ("net.ipv4.ip_local_reserved_ports", 27),
            ("net.ipv4.tcp_keepalive_time", 29),
            ("net.ipv4.tcp_fin_timeout", 29),
            ("net.ipv4.tcp_rmem", 32),
            ("net.ipv4.tcp_wmem", 32),
            ("net.ipv4.tcp_notsent_lowat", 37),
            ("net.ipv4.tcp_slow_start_after_idle", 37),
        ];
        for (name, since) in cases {
            let text = pod(name);
            assert!(
                lint_at("K8S118", since, &text).is_empty(),
                "{name} at 1.{since}"
            );
            let before = lint_at("K8S118", since - 1, &text);
            if since > 20 {
                assert_eq!(before.len(), 1, "{name} before 1.{since}");
                let expected = format!("only from Kubernetes 1.{since} (target: 1.{})", since - 1);
                assert!(
                    before[0].message.contains(&expected),
                    "{}",
                    before[0].message
                );
            }
        }
    }

    #[test]
    fn the_documented_table_matches_the_data() {
        use crate::RuleMetadata;

        let docs = super::UnsafeSysctl.meta().docs;
        for (name, since) in super::SAFE_SYSCTLS {
            let row = docs
                .lines()
                .find(|line| line.contains(&format!("`{name}`")));
            let row = row.unwrap_or_else(|| panic!("{name} is not documented"));
            let version = match since {
                0 => "always".to_owned(),
                minor => format!("1.{minor}"),
            };
            assert!(row.trim_end().ends_with(&format!("| {version} |")), "{row}");
        }
    }

    #[test]
    fn newest_known_version_does_not_allow_future_sysctls() {
        assert_eq!(
            lint_at("K8S118", 35, &pod("net.ipv4.tcp_notsent_lowat")).len(),
            1
        );
    }

    #[test]
    fn unsafe_and_slash_separated_names() {
        let unsafe_found = lint_at("K8S118", 35, &pod("kernel.msgmax"));
        assert_eq!(unsafe_found.len(), 1);
        let slashed = lint_at("K8S118", 35, &pod("net/ipv4/tcp_syncookies"));
        assert_eq!(slashed.len(), 1);
        let help = slashed[0].help.as_deref().unwrap_or_default();
        assert!(help.contains("`net.ipv4.tcp_syncookies`"), "{help}");
    }
}
