use akslint_model::k8s::Object;

use super::is_ingress;
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `Ingress` objects that use an ingress-nginx snippet annotation: any
    /// `nginx.ingress.kubernetes.io/*-snippet` annotation, that is `configuration-snippet`,
    /// `server-snippet`, `auth-snippet`, `stream-snippet` and `modsecurity-snippet`.
    ///
    /// ## Why it matters
    /// Snippet annotations paste raw NGINX configuration (and Lua, in the OpenResty build) into
    /// the configuration of the shared ingress controller. Whoever can create an Ingress in
    /// any namespace can then read files in the controller's pod, including its
    /// ServiceAccount token, which can read every Secret of the cluster, and the TLS keys of
    /// other teams, or rewrite their traffic (CVE-2021-25742, and later annotation-injection
    /// CVEs of ingress-nginx). ingress-nginx has since turned snippet annotations off by
    /// default (`allow-snippet-annotations: false`) and rates them as the most dangerous risk
    /// level; the application routing add-on of AKS is based on ingress-nginx, so the same
    /// applies to it.
    ///
    /// Every snippet annotation is reported, whatever it contains: checkov's CKV_K8S_152 and
    /// CKV_K8S_154 look for Lua code or `alias` directives only, but any snippet can be
    /// turned against the controller, so this rule follows the stricter CKV_K8S_153. Unlike
    /// CKV_K8S_153 (any annotation whose key contains `snippet`), only the ingress-nginx
    /// annotations are matched: other controllers (F5 NGINX's `nginx.org/*-snippets`, for
    /// instance) have their own switches. An annotation with an empty value injects nothing
    /// and is not flagged. Each annotation is reported at its key.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     nginx.ingress.kubernetes.io/configuration-snippet: |
    ///       more_set_headers "X-Frame-Options: DENY";
    /// ```
    ///
    /// ## Use instead
    /// Use the dedicated annotations (`nginx.ingress.kubernetes.io/custom-headers`, `…/cors-*`,
    /// `…/auth-url`) or settings of the controller's ConfigMap, owned by the platform team,
    /// and keep `allow-snippet-annotations: false`.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [CVE-2021-25742: ingress-nginx custom snippets allow retrieval of ingress-nginx ServiceAccount token and Secrets](https://github.com/kubernetes/ingress-nginx/issues/7837)
    /// - [ingress-nginx: annotations](https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/)
    /// - [AKS: application routing add-on](https://learn.microsoft.com/azure/aks/app-routing)
    pub struct IngressNginxSnippet {
        code: "K8S607",
        name: "ingress-nginx-snippet",
        category: Network,
        severity: Error,
        default_enabled: true,
        scope: Scope::Kinds(&["Ingress"]),
        references: ["checkov" => "CKV_K8S_152, CKV_K8S_153, CKV_K8S_154"],
    }
}

/// The annotation prefix ingress-nginx reads by default.
const PREFIX: &str = "nginx.ingress.kubernetes.io/";

impl Rule for IngressNginxSnippet {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        if !is_ingress(object) {
            return;
        }
        let Some(annotations) = object.metadata().and_then(|m| m.get("annotations")) else {
            return;
        };
        for (key, value) in annotations.entries() {
            let Some(name) = key
                .as_str()
                .and_then(|key| key.strip_prefix(PREFIX))
                .filter(|name| name.ends_with("-snippet"))
            else {
                continue;
            };
            if value.as_str().is_none_or(|text| text.trim().is_empty()) {
                continue;
            }
            let message = format!(
                "{} sets the ingress-nginx `{name}` annotation: it injects raw NGINX configuration into the shared controller (CVE-2021-25742)",
                object.describe()
            );
            cx.report_node(key, message).help(
                "use the dedicated ingress-nginx annotations or the controller's ConfigMap instead, and keep `allow-snippet-annotations: false`",
            );
        }
    }
}
