use akslint_model::k8s::Workload;

use super::{added_capabilities, canonical_capability};
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags every entry of a container's `securityContext.capabilities.add` that is outside
    /// the Pod Security Standards' baseline allow-list: `AUDIT_WRITE`, `CHOWN`,
    /// `DAC_OVERRIDE`, `FOWNER`, `FSETID`, `KILL`, `MKNOD`, `NET_BIND_SERVICE`, `SETFCAP`,
    /// `SETGID`, `SETPCAP`, `SETUID` and `SYS_CHROOT`.
    ///
    /// ## Why it matters
    /// The allow-list is the default capability set of container runtimes, minus `NET_RAW`.
    /// Anything beyond it gives the container powers over the node's kernel: `SYS_ADMIN`
    /// (mounts, namespaces, and most known escapes), `SYS_MODULE` (kernel modules),
    /// `SYS_PTRACE`, `NET_ADMIN`, `NET_RAW` (packet spoofing), `BPF`, `DAC_READ_SEARCH`, or
    /// `ALL` of them at once. The baseline level forbids them.
    ///
    /// Every container, init container and ephemeral container is checked, Windows pods
    /// included, and each offending entry is reported. As in Pod Security admission
    /// (`capabilities_baseline`), names are compared exactly: `chown` or `CAP_CHOWN` is not
    /// on the allow-list, even though container runtimes may accept those spellings; the
    /// message says so. `capabilities` exists only on containers; written in the pod's
    /// `securityContext` it is ignored by Kubernetes and not checked.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     securityContext:
    ///       capabilities:
    ///         add: [SYS_ADMIN, NET_RAW]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     securityContext:
    ///       capabilities:
    ///         drop: [ALL]
    ///         add: [NET_BIND_SERVICE]
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Pod Security Standards: Capabilities](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - [Linux capabilities(7)](https://man7.org/linux/man-pages/man7/capabilities.7.html)
    /// - [AKS: pod security best practices](https://learn.microsoft.com/azure/aks/developer-best-practices-pod-security)
    pub struct DangerousCapability {
        code: "K8S105",
        name: "dangerous-capability",
        category: PodSecurity,
        severity: Error,
        default_enabled: true,
        scope: Scope::Workloads,
        pss: Baseline,
        references: [
            "PSS" => "baseline: capabilities_baseline",
            "checkov" => "CKV_K8S_39",
            "trivy" => "KSV-0005, KSV-0022, KSV-0119, KSV-0120",
            "polaris" => "dangerousCapabilities",
            "Azure Policy" => "K8sAzureAllowedCapabilities",
        ],
    }
}

/// The capabilities the baseline level lets a container add, as Pod Security admission
/// spells them.
const BASELINE_ALLOWED: [&str; 13] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

const HELP: &str = "remove it from `capabilities.add`; the baseline level allows only AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID and SYS_CHROOT";

impl Rule for DangerousCapability {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        for container in workload.containers() {
            for (item, name) in added_capabilities(&container) {
                if BASELINE_ALLOWED.contains(&name) {
                    continue;
                }
                let who = container.describe_in(workload);
                let canonical = canonical_capability(name);
                if let Some(exact) = BASELINE_ALLOWED.iter().find(|c| **c == canonical) {
                    let message = format!(
                        "{who} adds `{name}`, which Pod Security admission rejects: it only accepts the exact name `{exact}`"
                    );
                    cx.report_node(item, message)
                        .help(format!("write `{exact}` instead of `{name}`"));
                    continue;
                }
                let message = match danger(&canonical) {
                    Some(power) => {
                        format!("{who} adds the `{name}` capability, which lets it {power}")
                    }
                    None => format!(
                        "{who} adds the `{name}` capability, which the Pod Security baseline level does not allow"
                    ),
                };
                cx.report_node(item, message).help(HELP);
            }
        }
    }
}

/// What the best-known capabilities outside the allow-list let a process do.
fn danger(capability: &str) -> Option<&'static str> {
    Some(match capability {
        "ALL" => "do anything a capability allows: close to a privileged container",
        "SYS_ADMIN" => "mount filesystems and manage namespaces: close to root on the node",
        "SYS_MODULE" => "load modules into the node's kernel",
        "SYS_PTRACE" => "trace other processes and read their memory",
        "SYS_RAWIO" => "perform raw I/O on the node's devices and memory",
        "SYS_BOOT" => "reboot the node",
        "SYS_TIME" => "set the node's clock",
        "NET_ADMIN" => "reconfigure network interfaces, routes and firewall rules",
        "NET_RAW" => "open raw sockets to spoof packets and poison ARP or DNS",
        "DAC_READ_SEARCH" => "bypass read permissions and open files by handle (a known escape)",
        "BPF" => "load eBPF programs into the node's kernel",
        "MAC_ADMIN" | "MAC_OVERRIDE" => "change or bypass AppArmor and SELinux policies",
        "SYSLOG" => "read the kernel log, which leaks kernel addresses",
        _ => return None,
    })
}
