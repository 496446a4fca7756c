use akslint_model::k8s::Workload;

use super::container_images;
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags containers (including init and ephemeral containers) whose image comes from a
    /// registry that is not in the allow-list (by default `*.azurecr.io` and
    /// `mcr.microsoft.com`).
    ///
    /// ## Why it matters
    /// Whoever controls the registry controls the code that runs in the cluster. On AKS the
    /// usual setup is to import third-party images into your own Azure Container Registry
    /// (where they are scanned by Defender for Containers, replicated next to the cluster,
    /// pulled with the cluster's managed identity, and not subject to Docker Hub rate limits or
    /// a maintainer's account takeover), and to use Microsoft images from
    /// `mcr.microsoft.com`.
    ///
    /// The registry is read as container runtimes read it: the first path component when it
    /// contains `.` or `:`, is `localhost` or has an uppercase letter; otherwise the image is on Docker Hub, so `nginx`,
    /// `library/nginx` and `bitnami/redis` all come from `docker.io`. Unrendered templates
    /// (`{{ … }}`, `$(…)`, `${…}`) and invalid references are not judged.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: cache
    ///     image: bitnami/redis:7.2
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// # az acr import --name shop --source docker.io/bitnami/redis:7.2
    /// containers:
    ///   - name: cache
    ///     image: shop.azurecr.io/bitnami/redis:7.2
    /// ```
    ///
    /// ## Options
    /// `allowed-registries`: the registries images may come from, as a list of glob patterns
    /// matched case-insensitively against the registry host (with its port), `*` matching any
    /// run of characters. Default: `["*.azurecr.io", "mcr.microsoft.com"]`.
    /// - Docker Hub images match `docker.io`.
    /// - A pattern with a `/` matches the registry host followed by whole leading path
    ///   components: `ghcr.io/myorg` allows `ghcr.io/myorg/app` and `ghcr.io/myorg/team/app`,
    ///   not `ghcr.io/myorganization/app`; `docker.io/library` allows Docker Hub's official
    ///   images only.
    /// - `*` allows every registry; an empty list allows none.
    ///
    /// ## References
    /// - [Azure Container Registry: import container images](https://learn.microsoft.com/azure/container-registry/container-registry-import-images)
    /// - [AKS: container image management best practices](https://learn.microsoft.com/azure/aks/operator-best-practices-container-image-management)
    /// - [Azure Policy for Kubernetes](https://learn.microsoft.com/azure/governance/policy/concepts/policy-for-kubernetes)
    pub struct UntrustedRegistry {
        code: "K8S203",
        name: "untrusted-registry",
        category: Images,
        severity: Warning,
        default_enabled: true,
        scope: Scope::Workloads,
        references: [
            "trivy" => "KSV-0032 (deprecated, azurecr only), KSV-0125",
            "Azure Policy" => "allowed container images (K8sAzureContainerAllowedImages)",
        ],
    }
}

impl Rule for UntrustedRegistry {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        let allowed = &cx.settings().options.allowed_registries;
        let findings: Vec<_> = container_images(workload)
            .filter(|(_, _, _, image)| image.allowed_by(allowed).is_none())
            .collect();
        if findings.is_empty() {
            return;
        }
        let allowed_list = if allowed.is_empty() {
            "none".to_owned()
        } else {
            allowed
                .iter()
                .map(|pattern| format!("`{pattern}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for (container, node, text, image) in findings {
            let registry = image.registry;
            let source = if image.explicit_registry {
                format!("`{registry}`")
            } else {
                format!("Docker Hub (`{registry}`, as the reference names no registry)")
            };
            let message = format!(
                "{} pulls image `{text}` from {source}, which is not an allowed registry",
                container.describe_in(workload)
            );
            cx.report_node(node, message).help(format!(
                "import the image into your Azure Container Registry (`az acr import`) and reference it there, or add `{registry}` to the `allowed-registries` option (allowed now: {allowed_list})"
            ));
        }
    }
}
