//! Every ARM template of the shared corpus evaluates without panicking, and how much of what
//! the AKS rules read is known. Run with `--nocapture` to see the numbers:
//! `cargo test -p akslint_model --test arm_corpus -- --nocapture`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use akslint_model::azure::{ArmDocument, EvaluatedTemplate, Lookup, ParameterFile};
use akslint_syntax::{Limits, json};

/// Cluster properties (under `properties`, or of the resource when prefixed with `/`) that the
/// catalogue's AKS rules read.
const CLUSTER_PROPERTIES: &[&str] = &[
    "enableRBAC",
    "aadProfile.managed",
    "aadProfile.enableAzureRBAC",
    "disableLocalAccounts",
    "apiServerAccessProfile.enablePrivateCluster",
    "apiServerAccessProfile.authorizedIPRanges",
    "apiServerAccessProfile.disableRunCommand",
    "networkProfile.networkPolicy",
    "networkProfile.networkDataplane",
    "networkProfile.outboundType",
    "networkProfile.loadBalancerSku",
    "addonProfiles.omsagent.enabled",
    "addonProfiles.azurepolicy.enabled",
    "addonProfiles.httpApplicationRouting.enabled",
    "addonProfiles.kubeDashboard.enabled",
    "addonProfiles.azureKeyvaultSecretsProvider.enabled",
    "autoUpgradeProfile.upgradeChannel",
    "autoUpgradeProfile.nodeOSUpgradeChannel",
    "kubernetesVersion",
    "securityProfile.defender.securityMonitoring.enabled",
    "securityProfile.workloadIdentity.enabled",
    "securityProfile.imageCleaner.enabled",
    "securityProfile.azureKeyVaultKms.enabled",
    "oidcIssuerProfile.enabled",
    "diskEncryptionSetID",
    "podIdentityProfile.enabled",
    "servicePrincipalProfile.clientId",
    "/sku.tier",
    "/identity.type",
];

/// Node pool properties the catalogue's AKS rules read.
const POOL_PROPERTIES: &[&str] = &[
    "vnetSubnetID",
    "enableNodePublicIP",
    "enableEncryptionAtHost",
    "orchestratorVersion",
    "mode",
    "availabilityZones",
    "enableAutoScaling",
    "count",
    "securityProfile.sshAccess",
];

#[derive(Default)]
struct Counts {
    known: usize,
    unknown: usize,
    absent: usize,
}

impl Counts {
    fn add(&mut self, lookup: &Lookup<'_, '_>) {
        match lookup {
            Lookup::Known(_) => self.known += 1,
            Lookup::Unknown(_) => self.unknown += 1,
            Lookup::Absent { .. } => self.absent += 1,
        }
    }
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// `x.parameters.json` beside `x.json`, when there is one.
fn sibling_parameters(template: &Path) -> Option<PathBuf> {
    let stem = template.file_stem()?.to_str()?;
    let candidate = template.with_file_name(format!("{stem}.parameters.json"));
    candidate.is_file().then_some(candidate)
}

#[test]
fn every_corpus_template_evaluates_and_reports_what_is_known() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/arm");
    if !corpus.is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have the shared corpus at {}",
            corpus.display()
        );
        eprintln!("shared corpus not found at {}; skipped", corpus.display());
        return;
    }
    let mut files = Vec::new();
    json_files(&corpus, &mut files);
    files.sort();
    let limits = Limits::default();
    let (mut templates, mut evaluations, mut truncated, mut resources) = (0, 0, 0, 0);
    let (mut clusters, mut pools, mut settings, mut nested) = (0, 0, 0, 0);
    let mut cluster_counts: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut pool_counts: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut slowest = (Duration::ZERO, PathBuf::new());
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable");
        let parsed = json::parse(&text, &limits);
        let Some(root) = parsed.documents.first().and_then(|d| parsed.root(d)) else {
            continue;
        };
        if ArmDocument::detect(root) != Some(ArmDocument::Template) {
            continue;
        }
        templates += 1;
        let parameter_text = sibling_parameters(path).and_then(|p| std::fs::read_to_string(p).ok());
        let parameter_parsed = parameter_text.as_deref().map(|t| json::parse(t, &limits));
        let parameter_file = parameter_parsed
            .as_ref()
            .and_then(|p| p.documents.first().and_then(|d| p.root(d)))
            .and_then(ParameterFile::from_root);
        let started = Instant::now();
        let template = EvaluatedTemplate::evaluate(root, parameter_file);
        let took = started.elapsed();
        if took > slowest.0 {
            slowest = (took, path.clone());
        }
        evaluations += 1;
        truncated += usize::from(template.truncated);
        resources += template.resources.len();
        nested += template.templates.len() - 1;
        settings += template.cluster_diagnostic_settings().len();
        for cluster in template.managed_clusters() {
            clusters += 1;
            for property in CLUSTER_PROPERTIES {
                let lookup = match property.strip_prefix('/') {
                    Some(path) => cluster.get(path),
                    None => cluster.property(property),
                };
                if std::env::var_os("ARM_CORPUS_DEBUG").is_some()
                    && let Some(unknown) = lookup.unknown()
                {
                    eprintln!(
                        "{}: {} {property}: {} {}",
                        path.display(),
                        cluster.describe(),
                        unknown.expression,
                        unknown.reason
                    );
                }
                cluster_counts.entry(property).or_default().add(&lookup);
            }
            if std::env::var_os("ARM_CORPUS_DEBUG").is_some() {
                eprintln!(
                    "{}: {} has {} pools{}",
                    path.display(),
                    cluster.describe(),
                    cluster.pools().len(),
                    cluster
                        .unknown_profiles()
                        .and_then(|v| v.as_unknown())
                        .map(|u| format!(" (profiles unknown: {} {})", u.expression, u.reason))
                        .unwrap_or_default()
                );
            }
            for pool in cluster.pools() {
                pools += 1;
                for property in POOL_PROPERTIES {
                    pool_counts
                        .entry(property)
                        .or_default()
                        .add(&pool.property(property));
                }
            }
        }
    }
    let total = |counts: &BTreeMap<&str, Counts>| {
        counts.values().fold((0, 0, 0), |(k, u, a), c| {
            (k + c.known, u + c.unknown, a + c.absent)
        })
    };
    eprintln!(
        "ARM corpus: {} JSON files, {templates} templates ({evaluations} evaluations, {truncated} truncated), {nested} nested inline templates, {resources} resources",
        files.len()
    );
    eprintln!(
        "managed clusters: {clusters}, node pools: {pools}, cluster diagnostic settings: {settings}"
    );
    eprintln!(
        "slowest evaluation: {:?} ({})",
        slowest.0,
        slowest.1.display()
    );
    for (title, counts) in [("cluster", &cluster_counts), ("pool", &pool_counts)] {
        let (known, unknown, absent) = total(counts);
        eprintln!("{title} property lookups: {known} known, {unknown} unknown, {absent} absent");
        for (property, c) in counts {
            if c.unknown > 0 {
                eprintln!(
                    "  {property}: {} known, {} unknown, {} absent",
                    c.known, c.unknown, c.absent
                );
            }
        }
    }
    assert!(templates > 100, "the corpus has templates");
    assert!(
        clusters >= 20,
        "the corpus has managed clusters: {clusters}"
    );
}
