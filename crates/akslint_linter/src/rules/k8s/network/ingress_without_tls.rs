use akslint_model::k8s::Object;
use akslint_syntax::NodeRef;

use super::is_ingress;
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `Ingress` objects (`networking.k8s.io`, and the removed `extensions/v1beta1`) with
    /// no `spec.tls`, or an empty one.
    ///
    /// ## Why it matters
    /// Without `spec.tls` the ingress controller serves the Ingress's hosts over plain HTTP:
    /// credentials, session cookies and data cross the network in clear text and can be
    /// altered on the way. Terminate TLS at the ingress with a certificate kept in a Secret
    /// (synchronised from Azure Key Vault by the secrets-store CSI driver or the application
    /// routing add-on, or issued by cert-manager, which also needs `spec.tls`).
    ///
    /// With the Application Gateway Ingress Controller, a certificate installed on the
    /// gateway and named by the annotation `appgw.ingress.kubernetes.io/appgw-ssl-certificate`
    /// terminates TLS without `spec.tls`; such Ingresses are not flagged. The contents of the
    /// `tls` entries (hosts, Secret names) are not checked.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    /// spec:
    ///   rules:
    ///     - host: shop.example.com
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    /// spec:
    ///   tls:
    ///     - hosts: [shop.example.com]
    ///       secretName: shop-tls
    ///   rules:
    ///     - host: shop.example.com
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: Ingress TLS](https://kubernetes.io/docs/concepts/services-networking/ingress/#tls)
    /// - [AKS: TLS for the application routing add-on with Key Vault certificates](https://learn.microsoft.com/azure/aks/app-routing-dns-ssl)
    /// - [Application Gateway Ingress Controller annotations](https://learn.microsoft.com/azure/application-gateway/ingress-controller-annotations)
    pub struct IngressWithoutTls {
        code: "K8S605",
        name: "ingress-without-tls",
        category: Network,
        severity: Warning,
        default_enabled: true,
        scope: Scope::Kinds(&["Ingress"]),
        references: ["polaris" => "tlsSettingsMissing"],
    }
}

/// The AGIC annotation naming a certificate installed on the Application Gateway.
const APPGW_CERTIFICATE: &str = "appgw.ingress.kubernetes.io/appgw-ssl-certificate";

impl Rule for IngressWithoutTls {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        if !is_ingress(object) {
            return;
        }
        let tls = object.node.get_path("spec.tls");
        if tls.is_some_and(|tls| tls.items().len() > 0) {
            return;
        }
        let gateway_certificate = object
            .annotation(APPGW_CERTIFICATE)
            .and_then(NodeRef::as_str)
            .is_some_and(|name| !name.trim().is_empty());
        if gateway_certificate {
            return;
        }
        let message = format!(
            "{} has no `spec.tls`: its hosts are served over plain HTTP",
            object.describe()
        );
        cx.report_missing(object.node, "spec.tls", message).help(
            "add `spec.tls` with the hosts and the Secret holding their certificate (from Key Vault or cert-manager)",
        );
    }
}
