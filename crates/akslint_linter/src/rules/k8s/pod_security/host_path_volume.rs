use akslint_model::k8s::Workload;

use super::host_path_volumes;
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags every `hostPath` volume of a pod, naming the volume and the node path it mounts.
    ///
    /// ## Why it matters
    /// A `hostPath` volume mounts a file or directory of the node into the pod. Depending on
    /// the path it exposes node credentials (`/var/lib/kubelet`, `/etc/kubernetes`), other
    /// pods' data, the container runtime socket or the whole filesystem, and a writable mount
    /// lets the container plant files the node will execute. It also ties the pod to one
    /// node's disk. The Pod Security Standards' baseline level forbids every `hostPath`
    /// volume, whatever its path, `type` or `readOnly` mounts, and so does this rule;
    /// `container-runtime-socket` (K8S111) additionally reports the paths that hand over the
    /// container runtime.
    ///
    /// Node agents (log shippers, CSI drivers, monitoring) legitimately need host paths; run
    /// them in a namespace labelled `pod-security.kubernetes.io/enforce: privileged` (when that
    /// Namespace is part of the input, akslint skips this control for them) or suppress the
    /// finding with a reason.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: logs
    ///     hostPath:
    ///       path: /var/log
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// volumes:
    ///   - name: logs
    ///     emptyDir: {}
    /// ```
    /// or a PersistentVolumeClaim backed by the Azure Disk or Azure Files CSI driver for data
    /// that must outlive the pod.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Pod Security Standards: HostPath Volumes](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - [Kubernetes: hostPath volumes](https://kubernetes.io/docs/concepts/storage/volumes/#hostpath)
    /// - [AKS: storage options for applications](https://learn.microsoft.com/azure/aks/concepts-storage)
    pub struct HostPathVolume {
        code: "K8S110",
        name: "host-path-volume",
        category: PodSecurity,
        severity: Warning,
        default_enabled: true,
        scope: Scope::Workloads,
        pss: Baseline,
        references: [
            "PSS" => "baseline: hostPathVolumes",
            "trivy" => "KSV-0023",
            "kube-linter" => "sensitive-host-mounts",
            "polaris" => "hostPathSet",
            "Azure Policy" => "K8sAzureHostFilesystem",
        ],
    }
}

impl Rule for HostPathVolume {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        for (volume, key, source) in host_path_volumes(workload) {
            let path = source.get("path").and_then(|p| p.as_str());
            let message = match path {
                Some(path) => format!(
                    "{} of {} mounts the node's `{path}` (hostPath)",
                    volume.describe(),
                    workload.describe()
                ),
                None => format!(
                    "{} of {} is a hostPath volume (a directory of the node)",
                    volume.describe(),
                    workload.describe()
                ),
            };
            cx.report_node(key, message).help(
                "use an emptyDir, ConfigMap, Secret or PersistentVolumeClaim (Azure Disk or Azure Files CSI) instead of a path of the node",
            );
        }
    }
}
