use akslint_model::k8s::Workload;

use super::container_images;
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags containers (including init and ephemeral containers) whose image has no tag or the
    /// tag `latest`, and no digest.
    ///
    /// ## Why it matters
    /// An image without a tag is pulled as `:latest`, and `latest` is just the tag that was
    /// pushed last: two nodes can run different code under the same manifest, a rollback
    /// redeploys whatever is current, and a compromised or broken push reaches the cluster on
    /// the next pod restart without any change to review. A version tag (or, better, a digest)
    /// makes the deployed code part of the manifest.
    ///
    /// References are read as container runtimes read them: in `localhost:5000/app` the `:5000`
    /// is a registry port, not a tag, so that image has no tag; `repo@sha256:…` and
    /// `repo:tag@sha256:…` are pinned by their digest and pass. Values that are unrendered
    /// templates (`{{ … }}`, `$(…)`, `${…}`) and values that are not valid references are not
    /// judged, and a container without `image` is left to schema validation.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: nginx:latest
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: shop.azurecr.io/nginx:1.27.3
    /// ```
    ///
    /// ## Fix
    /// None. The remedy is a specific version (or digest) of the image, and which one is right is
    /// not in the manifest: choosing the newest tag from the registry would need network access,
    /// which akslint never uses, and could upgrade the application without anyone deciding to;
    /// choosing the running version needs the cluster. Pin the tag (or digest) your deployment
    /// process built and tested.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: image names and tags](https://kubernetes.io/docs/concepts/containers/images/#image-names)
    /// - [AKS: container image management best practices](https://learn.microsoft.com/azure/aks/operator-best-practices-container-image-management)
    pub struct ImageTagLatest {
        code: "K8S201",
        name: "image-tag-latest",
        category: Images,
        severity: Warning,
        default_enabled: true,
        scope: Scope::Workloads,
        references: [
            "kube-linter" => "latest-tag",
            "checkov" => "CKV_K8S_14",
            "trivy" => "KSV-0013",
            "polaris" => "tagNotSpecified",
        ],
    }
}

impl Rule for ImageTagLatest {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        for (container, node, text, image) in container_images(workload) {
            if image.digest.is_some() {
                continue;
            }
            let who = || container.describe_in(workload);
            let message = match image.tag {
                None => format!(
                    "{} uses image `{text}` without a tag, so it runs whatever `latest` points to when the node pulls it",
                    who()
                ),
                Some("latest") => format!(
                    "{} uses image `{text}`: the `latest` tag moves, so the code that runs can change without a change to the manifest",
                    who()
                ),
                Some(_) => continue,
            };
            let name = image.name();
            cx.report_node(node, message).help(format!(
                "pin a version tag (`{name}:<version>`) or a digest (`{name}@sha256:<digest>`)"
            ));
        }
    }
}
