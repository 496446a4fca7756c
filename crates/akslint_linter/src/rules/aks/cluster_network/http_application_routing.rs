use akslint_model::azure::ManagedCluster;

use crate::context::WithHelp;
use crate::fix::{NewValue, WithFix};
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags managed clusters that enable the HTTP application routing add-on
    /// (`properties.addonProfiles.httpApplicationRouting.enabled: true`; the add-on key in any
    /// case).
    ///
    /// ## Why it matters
    /// HTTP application routing was built for trying AKS out, not for production: it runs an
    /// NGINX ingress controller with a public IP and creates a public DNS zone in your
    /// subscription in which every ingress gets a name, without TLS, and it is retired in
    /// favour of the application routing add-on (`ingressProfile.webAppRouting`). Anything
    /// exposed through it is on the internet under a guessable name.
    ///
    /// An absent add-on (or `enabled: false`) passes; so does a value that cannot be
    /// evaluated.
    ///
    /// ## Example
    /// ```json
    /// "addonProfiles": {
    ///   "httpApplicationRouting": { "enabled": true }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "ingressProfile": {
    ///   "webAppRouting": { "enabled": true }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Unsafe: sets the add-on's `enabled: false`. Ingresses that use the
    /// `addon-http-application-routing` class and the DNS names of its zone stop working; move them to
    /// the application routing add-on first.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [AKS: HTTP application routing add-on (retired)](https://learn.microsoft.com/azure/aks/http-application-routing)
    /// - [AKS: managed NGINX ingress with the application routing add-on](https://learn.microsoft.com/azure/aks/app-routing)
    /// - [PSRule: Azure.AKS.HttpAppRouting](https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AKS.HttpAppRouting/)
    pub struct HttpApplicationRouting {
        code: "AKS205",
        name: "http-application-routing",
        category: ClusterNetwork,
        severity: Error,
        default_enabled: true,
        scope: Scope::ManagedClusters,
        fix: Unsafe,
        references: ["PSRule" => "Azure.AKS.HttpAppRouting"],
    }
}

impl Rule for HttpApplicationRouting {
    fn check_cluster(&self, cluster: &ManagedCluster<'_, '_>, cx: &mut Context<'_>) {
        let enabled = cluster.addon("httpApplicationRouting").get("enabled");
        if enabled.is_true() {
            let fix = cx.cluster_fix(
                "set `httpApplicationRouting.enabled: false`",
                cluster,
                &[
                    "properties",
                    "addonProfiles",
                    "httpApplicationRouting",
                    "enabled",
                ],
                &enabled,
                NewValue::Bool(false),
            );
            cx.report_value(
                &enabled,
                format!(
                    "{} enables the HTTP application routing add-on, which publishes ingresses under a public DNS zone and is not meant for production",
                    cluster.describe()
                ),
            )
            .with_fix(fix)
            .help("remove the `httpApplicationRouting` add-on (or set `enabled: false`) and use the application routing add-on, `ingressProfile.webAppRouting.enabled: true`");
        }
    }
}
