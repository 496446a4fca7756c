use akslint_model::k8s::Workload;

use super::container_images;
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags containers (including init and ephemeral containers) whose image is not pinned by
    /// a content digest (`@sha256:…`), and images whose digest is malformed.
    ///
    /// ## Why it matters
    /// Tags, version tags included, can be moved to other content by anyone who can push to the
    /// repository. A digest names exactly one image: what was reviewed and scanned is what
    /// runs, on every node and after every restart. `repo:1.2.3@sha256:…` keeps the readable
    /// tag for people while the runtime pulls by digest.
    ///
    /// A digest must be `sha256:` followed by 64 lowercase hex digits (or `sha512:` and 128);
    /// anything else (`@sha256:123456`) is reported too, as the reference cannot be pulled.
    /// Unrendered templates (`{{ … }}`, `$(…)`, `${…}`) and invalid references are not judged.
    ///
    /// This rule is opt-in: pinning by digest needs tooling (Renovate, Dependabot, or a CI step
    /// that resolves tags) to keep images patched, which not every team has.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: shop.azurecr.io/web:1.4.2
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: shop.azurecr.io/web:1.4.2@sha256:01038e7de14b78d702d2849c3aad72fd25903c4765af63cf16aa3398f5d5f2dd
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: image names, tags and digests](https://kubernetes.io/docs/concepts/containers/images/#image-names)
    /// - [AKS: container image management best practices](https://learn.microsoft.com/azure/aks/operator-best-practices-container-image-management)
    pub struct ImageNotPinned {
        code: "K8S202",
        name: "image-not-pinned",
        category: Images,
        severity: Note,
        default_enabled: false,
        scope: Scope::Workloads,
        references: ["checkov" => "CKV_K8S_43"],
    }
}

impl Rule for ImageNotPinned {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        for (container, node, text, image) in container_images(workload) {
            let who = container.describe_in(workload);
            let message = match image.digest {
                Some(_) if image.has_valid_digest() => continue,
                Some(digest) => format!(
                    "{who} pins image `{text}` by `@{digest}`, which is not a valid content digest"
                ),
                None => format!(
                    "{who} uses image `{text}` without a digest: its tag can be moved to other content"
                ),
            };
            let pinned = match image.tag {
                Some(tag) => format!("{}:{tag}", image.name()),
                None => image.name(),
            };
            cx.report_node(node, message).help(format!(
                "pin the image by its digest: `{pinned}@sha256:<64 hex digits>`"
            ));
        }
    }
}
