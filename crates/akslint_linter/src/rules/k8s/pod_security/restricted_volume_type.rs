use akslint_model::k8s::Workload;

use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags pod volumes whose type is not one of those the Pod Security Standards' restricted
    /// level allows: `configMap`, `csi`, `downwardAPI`, `emptyDir`, `ephemeral`, `image`,
    /// `persistentVolumeClaim`, `projected` and `secret`.
    ///
    /// ## Why it matters
    /// The other volume types reach outside the pod's own storage: `hostPath` mounts the node's
    /// file system, and the in-tree network and cloud volume plugins (`nfs`, `iscsi`,
    /// `gitRepo`, `cephfs`, `azureDisk`, `azureFile`, ...) attach storage directly from the pod
    /// spec, bypassing PersistentVolume administration (and, for `gitRepo`, running `git` on the
    /// node). The restricted level keeps pods to storage a cluster administrator set up through
    /// PersistentVolumes or CSI drivers.
    ///
    /// On AKS the in-tree `azureDisk` and `azureFile` volumes are deprecated: use the Azure Disk
    /// and Azure Files CSI drivers (`disk.csi.azure.com`, `file.csi.azure.com`) through a
    /// `persistentVolumeClaim` with a CSI storage class such as `managed-csi` or
    /// `azurefile-csi`, or an inline `csi` / `ephemeral` volume.
    ///
    /// `image` volumes are allowed at every target version: Pod Security admission added them to
    /// the restricted list in Kubernetes 1.33 (before that they were an alpha feature) without
    /// a version gate, so every policy version accepts them. A volume that names no type is
    /// defaulted to `emptyDir` by the API server
    /// and is not reported. The finding is at the volume type's key.
    ///
    /// The rule is off by default because many clusters legitimately use other types in
    /// dedicated namespaces; enable it (or the `pss-restricted` profile) to enforce the
    /// restricted level.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: data
    ///     azureDisk:
    ///       diskName: data
    ///       diskURI: /subscriptions/.../disks/data
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// volumes:
    ///   - name: data
    ///     persistentVolumeClaim:
    ///       claimName: data   # storageClassName: managed-csi
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Pod Security Standards: Volume Types](https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted)
    /// - [AKS: Container Storage Interface (CSI) drivers](https://learn.microsoft.com/azure/aks/csi-storage-drivers)
    pub struct RestrictedVolumeType {
        code: "K8S120",
        name: "restricted-volume-type",
        category: PodSecurity,
        severity: Warning,
        default_enabled: false,
        scope: Scope::Workloads,
        pss: Restricted,
        references: [
            "PSS" => "restricted: restrictedVolumes",
            "trivy" => "KSV-0028",
        ],
    }
}

/// The volume types the restricted level allows.
const ALLOWED: [&str; 9] = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

impl Rule for RestrictedVolumeType {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        for volume in workload.volumes() {
            let Some((kind, key, _)) = volume.source() else {
                continue;
            };
            if ALLOWED.contains(&kind) {
                continue;
            }
            let message = format!(
                "{} of {} is of type `{kind}`, which the restricted level does not allow",
                volume.describe(),
                workload.describe()
            );
            cx.report_node(key, message).help(help(kind));
        }
    }
}

fn help(kind: &str) -> &'static str {
    match kind {
        "azureDisk" => {
            "use the Azure Disk CSI driver: a `persistentVolumeClaim` with a CSI storage class such as `managed-csi` (driver `disk.csi.azure.com`)"
        }
        "azureFile" => {
            "use the Azure Files CSI driver: a `persistentVolumeClaim` with a CSI storage class such as `azurefile-csi`, or a `csi` volume with driver `file.csi.azure.com`"
        }
        "hostPath" => {
            "use an `emptyDir`, `configMap`, `secret` or `persistentVolumeClaim` volume; workloads that need the node's files belong in a namespace with a lower Pod Security level"
        }
        _ => {
            "use a `persistentVolumeClaim` (backed by a CSI driver), a `csi` or `ephemeral` volume, or one of `configMap`, `secret`, `projected`, `downwardAPI`, `emptyDir`, `image`"
        }
    }
}
