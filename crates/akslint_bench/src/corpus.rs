//! Synthetic corpora: Kubernetes manifests and ARM templates with the security mistakes (and
//! the hardened settings) the rules look at, deterministic for a seed, so that benchmarks need
//! no checked-in data and every run reads the same bytes.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// A small deterministic random source (xorshift64*): benchmarks need repeatable inputs, not
/// statistical quality.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A source for `seed` (any value; zero is moved off the fixed point).
    #[must_use]
    pub const fn new(seed: u64) -> Self {
        Self(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    /// The next 64 random bits.
    pub const fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..bound` (`bound` > 0).
    pub const fn below(&mut self, bound: usize) -> usize {
        // The bias of a plain modulo is irrelevant for benchmark inputs.
        (self.next_u64() % bound as u64) as usize
    }

    /// `true` with probability `percent`/100.
    pub const fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// One of `items` (not empty).
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const APPS: &[&str] = &[
    "api", "web", "worker", "cache", "db", "gateway", "auth", "search", "billing", "events",
];
const NAMESPACES: &[&str] = &["default", "payments", "frontend", "backend", "monitoring"];
const IMAGES: &[&str] = &[
    "nginx",
    "redis",
    "myregistry.azurecr.io/team/api",
    "mcr.microsoft.com/dotnet/aspnet",
    "ghcr.io/example/worker",
    "busybox",
];

fn metadata(out: &mut String, rng: &mut Rng, name: &str, namespaced: bool) {
    let _ = writeln!(out, "metadata:\n  name: {name}");
    if namespaced && rng.chance(85) {
        let _ = writeln!(out, "  namespace: {}", rng.pick(NAMESPACES));
    }
    let _ = writeln!(
        out,
        "  labels:\n    app.kubernetes.io/name: {name}\n    app.kubernetes.io/part-of: bench"
    );
    if rng.chance(20) {
        let _ = writeln!(
            out,
            "  annotations:\n    example.com/owner: team-{}",
            rng.pick(APPS)
        );
    }
}

fn image(rng: &mut Rng) -> String {
    let base = rng.pick(IMAGES);
    match rng.below(100) {
        0..15 => base.to_owned(),
        15..30 => format!("{base}:latest"),
        30..45 => format!(
            "{base}@sha256:{:016x}{:016x}",
            rng.next_u64(),
            rng.next_u64()
        ),
        _ => format!(
            "{base}:{}.{}.{}",
            rng.below(9) + 1,
            rng.below(30),
            rng.below(9)
        ),
    }
}

/// A container's `securityContext`, from hardened to dangerous, or none; `pad` is its indent.
fn security_context(out: &mut String, rng: &mut Rng, pad: &str) {
    match rng.below(100) {
        0..20 => {}
        20..45 => {
            let _ = writeln!(
                out,
                "{pad}securityContext:\n{pad}  runAsNonRoot: true\n{pad}  runAsUser: 10001\n\
                 {pad}  allowPrivilegeEscalation: false\n{pad}  readOnlyRootFilesystem: true\n\
                 {pad}  capabilities:\n{pad}    drop:\n{pad}    - ALL\n\
                 {pad}  seccompProfile:\n{pad}    type: RuntimeDefault"
            );
        }
        _ => {
            let _ = writeln!(out, "{pad}securityContext:");
            if rng.chance(15) {
                let _ = writeln!(out, "{pad}  privileged: true");
            }
            if rng.chance(50) {
                let _ = writeln!(out, "{pad}  allowPrivilegeEscalation: {}", rng.chance(50));
            }
            if rng.chance(20) {
                let _ = writeln!(out, "{pad}  runAsUser: 0");
            }
            if rng.chance(35) {
                let add = rng.pick(&["NET_ADMIN", "SYS_ADMIN", "NET_BIND_SERVICE"]);
                let _ = writeln!(out, "{pad}  capabilities:\n{pad}    add:\n{pad}    - {add}");
            }
            let profile = rng.pick(&["RuntimeDefault", "Unconfined", "Localhost"]);
            let _ = writeln!(out, "{pad}  seccompProfile:\n{pad}    type: {profile}");
        }
    }
}

fn container(out: &mut String, rng: &mut Rng, name: &str, pad: &str) {
    let _ = writeln!(out, "{pad}- name: {name}\n{pad}  image: {}", image(rng));
    if rng.chance(70) {
        let policy = rng.pick(&["Always", "IfNotPresent", "Never"]);
        let _ = writeln!(out, "{pad}  imagePullPolicy: {policy}");
    }
    let port = rng.pick(&["80", "443", "8080", "9090"]);
    let _ = writeln!(
        out,
        "{pad}  ports:\n{pad}  - containerPort: {port}\n{pad}    protocol: TCP"
    );
    if rng.chance(60) {
        let _ = writeln!(
            out,
            "{pad}  env:\n{pad}  - name: LOG_FORMAT\n{pad}    value: json"
        );
        if rng.chance(30) {
            let _ = writeln!(out, "{pad}  - name: DB_PASSWORD\n{pad}    value: hunter2");
        }
    }
    if rng.chance(50) {
        let _ = writeln!(
            out,
            "{pad}  resources:\n{pad}    requests:\n{pad}      cpu: 100m\n{pad}      memory: 128Mi\n\
             {pad}    limits:\n{pad}      cpu: 500m\n{pad}      memory: 256Mi"
        );
    }
    if rng.chance(55) {
        let _ = writeln!(
            out,
            "{pad}  livenessProbe:\n{pad}    httpGet:\n{pad}      path: /healthz\n{pad}      port: 8080"
        );
    }
    security_context(out, rng, &format!("{pad}  "));
}

/// A pod spec at indent `pad`.
fn pod_spec(out: &mut String, rng: &mut Rng, name: &str, pad: &str) {
    if rng.chance(60) {
        let _ = writeln!(out, "{pad}serviceAccountName: {name}");
    }
    if rng.chance(40) {
        let _ = writeln!(out, "{pad}automountServiceAccountToken: {}", rng.chance(50));
    }
    match rng.below(100) {
        0..40 => {
            let _ = writeln!(
                out,
                "{pad}securityContext:\n{pad}  runAsNonRoot: true\n{pad}  fsGroup: 2000\n\
                 {pad}  seccompProfile:\n{pad}    type: RuntimeDefault"
            );
        }
        40..55 => {
            let _ = writeln!(out, "{pad}securityContext:\n{pad}  runAsUser: 0");
        }
        _ => {}
    }
    for field in ["hostNetwork", "hostPID", "hostIPC"] {
        if rng.chance(5) {
            let _ = writeln!(out, "{pad}{field}: true");
        }
    }
    let _ = writeln!(out, "{pad}containers:");
    container(out, rng, name, pad);
    if rng.chance(20) {
        container(out, rng, &format!("{name}-sidecar"), pad);
    }
}

/// One Kubernetes document (without the `---` before it).
#[must_use]
pub fn k8s_document(rng: &mut Rng, index: usize) -> String {
    let mut out = String::with_capacity(1024);
    let name = format!("{}-{index}", rng.pick(APPS));
    let kind = rng.pick(&[
        "Deployment",
        "Deployment",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "CronJob",
        "Pod",
        "Service",
        "Service",
        "ServiceAccount",
        "Role",
        "ClusterRoleBinding",
        "ConfigMap",
    ]);
    let api_version = match kind {
        "Deployment" | "StatefulSet" | "DaemonSet" => "apps/v1",
        "CronJob" => "batch/v1",
        "Role" | "ClusterRoleBinding" => "rbac.authorization.k8s.io/v1",
        _ => "v1",
    };
    let _ = writeln!(out, "apiVersion: {api_version}\nkind: {kind}");
    metadata(&mut out, rng, &name, kind != "ClusterRoleBinding");
    match kind {
        "Deployment" | "StatefulSet" | "DaemonSet" => {
            let _ = writeln!(
                out,
                "spec:\n  replicas: {}\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: {name}\n  \
                 template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: {name}\n    spec:",
                rng.below(5) + 1
            );
            pod_spec(&mut out, rng, &name, "      ");
        }
        "CronJob" => {
            let _ = writeln!(
                out,
                "spec:\n  schedule: \"*/15 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure"
            );
            pod_spec(&mut out, rng, &name, "          ");
        }
        "Pod" => {
            let _ = writeln!(out, "spec:");
            pod_spec(&mut out, rng, &name, "  ");
        }
        "Service" => {
            let kind = rng.pick(&["ClusterIP", "LoadBalancer", "NodePort"]);
            let _ = writeln!(
                out,
                "spec:\n  type: {kind}\n  selector:\n    app.kubernetes.io/name: {name}\n  ports:\n  - name: http\n    port: 80\n    targetPort: 8080"
            );
        }
        "ServiceAccount" => {
            if rng.chance(50) {
                let _ = writeln!(out, "automountServiceAccountToken: {}", rng.chance(50));
            }
        }
        "Role" => {
            let _ = writeln!(out, "rules:");
            if rng.chance(25) {
                let _ = writeln!(
                    out,
                    "- apiGroups: [\"*\"]\n  resources: [\"*\"]\n  verbs: [\"*\"]"
                );
            }
            let _ = writeln!(
                out,
                "- apiGroups: [\"\"]\n  resources: [\"secrets\"]\n  verbs: [\"get\", \"list\"]"
            );
        }
        "ClusterRoleBinding" => {
            let role = rng.pick(&["cluster-admin", "view", "edit"]);
            let _ = writeln!(
                out,
                "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: {role}\n\
                 subjects:\n- kind: ServiceAccount\n  name: default\n  namespace: default"
            );
        }
        _ => {
            let _ = writeln!(
                out,
                "data:\n  LOG_LEVEL: info\n  FEATURE_X: \"true\"\n  enabled: yes"
            );
        }
    }
    out
}

/// A multi-document stream of `documents` Kubernetes documents.
#[must_use]
pub fn k8s_stream(rng: &mut Rng, first: usize, documents: usize) -> String {
    let mut out = String::new();
    for index in first..first + documents {
        out.push_str("---\n");
        if rng.chance(10) {
            let _ = writeln!(out, "# Source: bench/templates/doc-{index}.yaml");
        }
        out.push_str(&k8s_document(rng, index));
    }
    out
}

/// An ARM deployment template with one AKS cluster, its security settings varied.
#[must_use]
pub fn arm_template(rng: &mut Rng, index: usize) -> String {
    let rbac = rng.chance(85);
    let local_accounts_disabled = rng.chance(50);
    let private = rng.chance(40);
    let authorized_ranges = if !private && rng.chance(50) {
        "\"authorizedIPRanges\": [\"203.0.113.0/24\"]"
    } else {
        "\"authorizedIPRanges\": []"
    };
    let policy = rng.chance(50);
    let monitoring = rng.chance(50);
    let version = rng.pick(&["1.27.9", "1.29.4", "1.30.3", "1.31.1"]);
    let network_policy = rng.pick(&["azure", "calico", "none"]);
    let sku = rng.pick(&["Free", "Standard"]);
    let upgrade = rng.pick(&["none", "patch", "stable"]);
    let pool_count = rng.below(3) + 1;
    format!(
        r#"{{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {{
    "clusterName": {{ "type": "string", "defaultValue": "aks-{index}" }},
    "location": {{ "type": "string", "defaultValue": "[resourceGroup().location]" }},
    "adminPassword": {{ "type": "string", "defaultValue": "P@ssw0rd-{index}" }},
    "nodeCount": {{ "type": "int", "defaultValue": {pool_count} }}
  }},
  "variables": {{
    "dnsPrefix": "[concat(parameters('clusterName'), '-dns')]"
  }},
  "resources": [
    {{
      "type": "Microsoft.ContainerService/managedClusters",
      "apiVersion": "2024-05-01",
      "name": "[parameters('clusterName')]",
      "location": "[parameters('location')]",
      "sku": {{ "name": "Base", "tier": "{sku}" }},
      "identity": {{ "type": "SystemAssigned" }},
      "properties": {{
        "kubernetesVersion": "{version}",
        "dnsPrefix": "[variables('dnsPrefix')]",
        "enableRBAC": {rbac},
        "disableLocalAccounts": {local_accounts_disabled},
        "aadProfile": {{ "managed": true, "enableAzureRBAC": {rbac} }},
        "apiServerAccessProfile": {{
          "enablePrivateCluster": {private},
          {authorized_ranges}
        }},
        "networkProfile": {{
          "networkPlugin": "azure",
          "networkPolicy": "{network_policy}",
          "loadBalancerSku": "standard",
          "outboundType": "loadBalancer"
        }},
        "autoUpgradeProfile": {{ "upgradeChannel": "{upgrade}", "nodeOSUpgradeChannel": "NodeImage" }},
        "addonProfiles": {{
          "azurepolicy": {{ "enabled": {policy} }},
          "omsagent": {{ "enabled": {monitoring}, "config": {{}} }}
        }},
        "agentPoolProfiles": [
          {{
            "name": "system",
            "mode": "System",
            "count": "[parameters('nodeCount')]",
            "vmSize": "Standard_D4s_v5",
            "osType": "Linux",
            "availabilityZones": ["1", "2", "3"],
            "enableAutoScaling": true,
            "minCount": 1,
            "maxCount": 5
          }}
        ],
        "securityProfile": {{
          "workloadIdentity": {{ "enabled": {monitoring} }},
          "defender": {{ "securityMonitoring": {{ "enabled": {policy} }} }}
        }}
      }}
    }}
  ],
  "outputs": {{
    "password": {{ "type": "string", "value": "[parameters('adminPassword')]" }}
  }}
}}
"#
    )
}

/// Where [`write_corpus`] put its files.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// The directory of the Kubernetes streams (`k8s-<documents>/file-NNNNN.yaml`).
    pub k8s: PathBuf,
    /// The directory of the ARM templates (`arm-<templates>/aks-NNNNN.json`).
    pub arm: PathBuf,
}

/// Writes `documents` Kubernetes documents, `per_file` to a stream, and `templates` ARM
/// templates under `root`.
///
/// # Errors
/// When a directory or file cannot be written.
pub fn write_corpus(
    root: &Path,
    documents: usize,
    per_file: usize,
    templates: usize,
    seed: u64,
) -> io::Result<Corpus> {
    let mut rng = Rng::new(seed);
    let k8s = root.join(format!("k8s-{documents}"));
    std::fs::create_dir_all(&k8s)?;
    let per_file = per_file.max(1);
    for (file, first) in (0..documents).step_by(per_file).enumerate() {
        let count = per_file.min(documents - first);
        let text = k8s_stream(&mut rng, first, count);
        std::fs::write(k8s.join(format!("file-{file:05}.yaml")), text)?;
    }
    let arm = root.join(format!("arm-{templates}"));
    std::fs::create_dir_all(&arm)?;
    for index in 0..templates {
        std::fs::write(
            arm.join(format!("aks-{index:05}.json")),
            arm_template(&mut rng, index),
        )?;
    }
    Ok(Corpus { k8s, arm })
}

#[cfg(test)]
mod tests {
    use super::*;
    use akslint_syntax::{Limits, json, yaml};

    #[test]
    fn generated_documents_parse_without_errors() {
        let mut rng = Rng::new(7);
        let stream = k8s_stream(&mut rng, 0, 200);
        let parsed = yaml::parse(&stream, &Limits::default());
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        assert_eq!(parsed.documents.len(), 200);
        for index in 0..20 {
            let template = arm_template(&mut rng, index);
            let parsed = json::parse(&template, &Limits::default());
            assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_corpus() {
        let a = k8s_stream(&mut Rng::new(3), 0, 50);
        let b = k8s_stream(&mut Rng::new(3), 0, 50);
        let c = k8s_stream(&mut Rng::new(4), 0, 50);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
