//! `akslint.toml` (or `.akslint.toml`): found per file, the closest one up the directory tree
//! wins (no merging, as in ruff), unless `--config` names one for every file.
//!
//! ```toml
//! exclude = ["vendor/**"]          # walked files to skip (globs relative to this file)
//! kubernetes-version = "1.30"
//!
//! [lint]
//! select = ["recommended"]          # replaces the default selection
//! extend-select = ["K8S302"]      # adds to it
//! ignore = ["K8S203"]
//!
//! [lint.per-file-ignores]
//! "tests/**" = ["K8S1"]
//!
//! [lint.options]
//! allowed-registries = ["*.azurecr.io", "ghcr.io/contoso"]
//!
//! [[workload-kinds]]
//! kind = "ScaledJob"
//! group = "keda.sh"
//! pod-spec-path = "spec.jobTargetRef.template.spec"
//!
//! [policy]                          # Gatekeeper templates and constraints (Azure Policy for AKS)
//! paths = ["policies/"]             # folders or files, relative to this file
//! values = "policy-values.yaml"     # values of `{{ .Values.x }}` placeholders
//!
//! [limits]                          # input over a limit is reported as AKL004, not linted
//! max-file-bytes = 52428800         # 50 MiB
//! max-depth = 256                   # nested collections; 256 at most
//! max-expanded-nodes = 1000000      # nodes YAML aliases may add to one file
//! max-documents = 100000            # documents in one YAML stream
//!
//! [helm.charts."charts/web"]        # a chart directory, relative to this file
//! values = ["charts/web/values-prod.yaml"]  # `helm template -f`, relative to this file
//! set = ["replicas=3"]              # `helm template --set`
//! ```
//!
//! Command-line options win over the file: `--select` replaces its `select`, `--ignore` and
//! `--extend-select` add to it.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use akslint_linter::{
    KubernetesVersion, LintSettings, Linter, RuleOptions, RuleSelection, Selector,
};
use akslint_model::k8s::{CustomWorkloadKind, WorkloadKinds};
use akslint_policy::PolicySet;
use akslint_syntax::Limits;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

/// The largest configuration file read; real ones are a few hundred bytes.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The names a configuration file may have, in the order they are looked for.
pub const CONFIG_FILE_NAMES: [&str; 2] = ["akslint.toml", ".akslint.toml"];

/// The contents of a configuration file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ConfigFile {
    /// Globs of walked files to skip, relative to the configuration file.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Target Kubernetes version for version-gated checks.
    pub kubernetes_version: Option<String>,
    /// Rule selection.
    #[serde(default)]
    pub lint: LintSection,
    /// Extra kinds that carry a pod spec.
    #[serde(default)]
    pub workload_kinds: Vec<WorkloadKindEntry>,
    /// Input limits.
    #[serde(default)]
    pub limits: LimitsSection,
    /// How Helm charts are rendered.
    #[serde(default)]
    pub helm: HelmSection,
    /// Gatekeeper policies to evaluate.
    #[serde(default)]
    pub policy: PolicySection,
}

/// `[helm]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct HelmSection {
    /// Values of each chart, by its directory relative to the configuration file.
    #[serde(default)]
    pub charts: BTreeMap<String, ChartValues>,
}

/// `[helm.charts."<dir>"]`: what `helm template` is given for one chart.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ChartValues {
    /// Values files (`-f`), relative to the configuration file.
    #[serde(default)]
    pub values: Vec<String>,
    /// `--set` assignments, `key=value`.
    #[serde(default)]
    pub set: Vec<String>,
}

/// `[policy]`: Gatekeeper `ConstraintTemplate`s and constraints (the Azure Policy add-on's),
/// evaluated on the objects of the run.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PolicySection {
    /// Folders (or files) with templates and constraints, relative to the configuration file.
    #[serde(default)]
    pub paths: Vec<String>,
    /// A YAML file with the values of the constraints' `{{ .Values.x }}` placeholders,
    /// relative to the configuration file.
    pub values: Option<String>,
}

/// `[limits]`: each absent key keeps its default (see [`Limits`]).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct LimitsSection {
    /// Largest file read, in bytes.
    pub max_file_bytes: Option<u64>,
    /// Deepest nesting of collections.
    pub max_depth: Option<usize>,
    /// Most nodes that YAML aliases may add to one file.
    pub max_expanded_nodes: Option<u64>,
    /// Most documents in one YAML stream.
    pub max_documents: Option<usize>,
}

impl LimitsSection {
    /// The limits with this section applied to the defaults.
    ///
    /// # Errors
    /// When a limit is zero or beyond what akslint can honour.
    pub fn limits(&self) -> Result<Limits, ConfigError> {
        // Spans are 32-bit byte offsets; the JSON parser recurses once per nesting level.
        let max_file_bytes =
            check_limit("max-file-bytes", self.max_file_bytes, u64::from(u32::MAX))?;
        let max_depth = check_limit("max-depth", self.max_depth, Limits::MAX_DEPTH)?;
        let max_expanded_nodes =
            check_limit("max-expanded-nodes", self.max_expanded_nodes, u64::MAX)?;
        let max_documents = check_limit("max-documents", self.max_documents, usize::MAX)?;
        let defaults = Limits::default();
        Ok(Limits {
            max_file_bytes: max_file_bytes.unwrap_or(defaults.max_file_bytes),
            max_depth: max_depth.unwrap_or(defaults.max_depth),
            max_expanded_nodes: max_expanded_nodes.unwrap_or(defaults.max_expanded_nodes),
            max_documents: max_documents.unwrap_or(defaults.max_documents),
        })
    }
}

/// A configured limit, checked to be between 1 and `most`.
fn check_limit<T>(key: &str, value: Option<T>, most: T) -> Result<Option<T>, ConfigError>
where
    T: Copy + PartialOrd + From<u8> + fmt::Display,
{
    match value {
        Some(value) if value < T::from(1) || value > most => Err(ConfigError(format!(
            "`[limits] {key}` must be between 1 and {most}, not {value}"
        ))),
        _ => Ok(value),
    }
}

/// `[lint]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct LintSection {
    /// Replaces the default selection (`recommended`).
    pub select: Option<Vec<String>>,
    /// Added to the selection.
    #[serde(default)]
    pub extend_select: Vec<String>,
    /// Taken away from the selection.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Rules to skip in the files matching each glob (relative to the configuration file).
    #[serde(default)]
    pub per_file_ignores: BTreeMap<String, Vec<String>>,
    /// Rule options.
    #[serde(default)]
    pub options: OptionsSection,
}

/// `[lint.options]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct OptionsSection {
    /// Registries images may come from (K8S203).
    pub allowed_registries: Option<Vec<String>>,
    /// The oldest Kubernetes version a cluster may run (AKS301), e.g. `"1.33"`.
    pub minimum_kubernetes_version: Option<String>,
}

/// One `[[workload-kinds]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct WorkloadKindEntry {
    /// The kind, e.g. `Rollout`.
    pub kind: String,
    /// Its API group; any group when absent.
    pub group: Option<String>,
    /// Dotted path from the object to the pod spec.
    pub pod_spec_path: String,
}

/// A configuration problem, with the file it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// Options given on the command line, which win over configuration files.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--select` (replaces the file's selection when not empty).
    pub select: Vec<String>,
    /// `--extend-select`.
    pub extend_select: Vec<String>,
    /// `--ignore`.
    pub ignore: Vec<String>,
    /// `--kubernetes-version`.
    pub kubernetes_version: Option<String>,
    /// `--allowed-registry` (replaces the file's list when not empty).
    pub allowed_registries: Vec<String>,
    /// `--minimum-kubernetes-version`.
    pub minimum_kubernetes_version: Option<String>,
    /// `--workload-kind` (added to the file's).
    pub workload_kinds: Vec<CustomWorkloadKind>,
    /// `--no-suppressions`.
    pub ignore_suppressions: bool,
    /// `--policy` (added to the file's `[policy] paths`).
    pub policy_paths: Vec<PathBuf>,
    /// `--policy-values` (replaces the file's `[policy] values`).
    pub policy_values: Option<PathBuf>,
}

/// A loaded configuration file with its globs compiled.
#[derive(Debug)]
pub struct Config {
    /// The file.
    pub path: PathBuf,
    /// Its contents.
    pub file: ConfigFile,
    exclude: GlobSet,
    per_file_ignores: Vec<(GlobSet, Vec<Selector>)>,
}

impl Config {
    /// Reads and checks a configuration file.
    ///
    /// # Errors
    /// When it cannot be read, is not valid TOML, has unknown keys, or names unknown rules or
    /// invalid globs.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        Self::load_with(path, &Overrides::default())
    }

    /// [`Config::load`], checked together with the command-line options (a selector may name
    /// the kind of a policy that `--policy` loads).
    ///
    /// # Errors
    /// As [`Config::load`].
    pub fn load_with(path: &Path, overrides: &Overrides) -> Result<Self, ConfigError> {
        let cannot = |why: String| ConfigError(format!("cannot read {}: {why}", path.display()));
        // A configuration file comes with the repository being linted, so it is read with a
        // bound like any input: a huge or endless one must not exhaust memory.
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|file| file.take(MAX_CONFIG_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|e| cannot(e.to_string()))?;
        if bytes.len() as u64 > MAX_CONFIG_BYTES {
            return Err(cannot(format!(
                "it is larger than {MAX_CONFIG_BYTES} bytes"
            )));
        }
        let text = String::from_utf8(bytes).map_err(|e| cannot(e.to_string()))?;
        Self::parse_with(path, &text, overrides)
    }

    /// Checks the text of a configuration file at `path`.
    ///
    /// # Errors
    /// As [`Config::load`].
    pub fn parse(path: &Path, text: &str) -> Result<Self, ConfigError> {
        Self::parse_with(path, text, &Overrides::default())
    }

    /// [`Config::parse`], checked together with the command-line options.
    ///
    /// # Errors
    /// As [`Config::load`].
    pub fn parse_with(path: &Path, text: &str, overrides: &Overrides) -> Result<Self, ConfigError> {
        let problem = |message: String| ConfigError(format!("{}: {message}", path.display()));
        let file: ConfigFile = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|span| {
                    let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                    format!("line {line}: ")
                })
                .unwrap_or_default();
            problem(format!("{at}{}", e.message()))
        })?;
        let globs = |patterns: &[String]| -> Result<GlobSet, ConfigError> {
            let mut builder = GlobSetBuilder::new();
            for pattern in patterns {
                let glob = Glob::new(pattern)
                    .map_err(|e| problem(format!("`{pattern}` is not a valid glob: {e}")))?;
                builder.add(glob);
            }
            builder
                .build()
                .map_err(|e| problem(format!("invalid globs: {e}")))
        };
        let exclude = globs(&file.exclude)?;
        let mut per_file_ignores = Vec::new();
        let lenient = policies_configured(Some(&file), overrides);
        for (pattern, rules) in &file.lint.per_file_ignores {
            let selectors = parse_selectors(rules, lenient).map_err(|e| problem(e.0))?;
            per_file_ignores.push((globs(std::slice::from_ref(pattern))?, selectors));
        }
        // Validate the rest now, so a typo fails the run instead of being ignored.
        let config = Self {
            path: path.to_owned(),
            file,
            exclude,
            per_file_ignores,
        };
        config.settings(overrides).map_err(|e| problem(e.0))?;
        Ok(config)
    }

    fn dir(&self) -> &Path {
        self.path.parent().unwrap_or_else(|| Path::new("."))
    }

    fn relative<'p>(&self, path: &'p Path) -> &'p Path {
        let path = path.strip_prefix(".").unwrap_or(path);
        let dir = self.dir();
        let dir = dir.strip_prefix(".").unwrap_or(dir);
        path.strip_prefix(dir).unwrap_or(path)
    }

    /// The values files (resolved against this file's directory) and `--set` assignments
    /// configured for the chart in `chart_dir`.
    #[must_use]
    pub fn chart_values(&self, chart_dir: &Path) -> (Vec<PathBuf>, Vec<String>) {
        let relative = self.relative(chart_dir);
        let entry = self.file.helm.charts.iter().find(|(dir, _)| {
            let dir = Path::new(dir.as_str());
            dir.strip_prefix(".")
                .unwrap_or(dir)
                .components()
                .eq(relative.components())
        });
        entry.map_or_else(Default::default, |(_, values)| {
            let files = values.values.iter().map(|v| self.dir().join(v)).collect();
            (files, values.set.clone())
        })
    }

    /// Whether a walked file is excluded.
    #[must_use]
    pub fn excludes(&self, path: &Path) -> bool {
        self.exclude.is_match(self.relative(path))
    }

    /// Whether findings of `code` are ignored in `path` by `per-file-ignores`.
    #[must_use]
    pub fn ignores(&self, path: &Path, code: &str) -> bool {
        self.ignores_rule(path, code, code)
    }

    /// Whether findings of the rule with `code` and `name` (built in, or a policy's kind and
    /// constraint name) are ignored in `path` by `per-file-ignores`.
    #[must_use]
    pub fn ignores_rule(&self, path: &Path, code: &str, name: &str) -> bool {
        let relative = self.relative(path);
        self.per_file_ignores.iter().any(|(globs, selectors)| {
            globs.is_match(relative)
                && match akslint_linter::find_rule(code) {
                    Some(rule) => selectors.iter().any(|s| s.matches(rule.meta())),
                    None => selectors.iter().any(|s| s.matches_external(code, name)),
                }
        })
    }

    /// The policy paths and values file of `[policy]`, relative to the working directory.
    fn policy(&self) -> (Vec<PathBuf>, Option<PathBuf>) {
        let dir = self.dir();
        (
            self.file.policy.paths.iter().map(|p| dir.join(p)).collect(),
            self.file.policy.values.as_ref().map(|v| dir.join(v)),
        )
    }

    /// The settings for files under this configuration, command-line options applied.
    ///
    /// # Errors
    /// When a rule selector, version or workload kind is invalid.
    pub fn settings(&self, overrides: &Overrides) -> Result<LintSettings, ConfigError> {
        settings(Some(&self.file), overrides)
    }
}

/// Parses rule selectors. When policies are configured (`lenient`), a word that matches no
/// built-in rule is kept, to be checked against the policies' kinds once they are loaded.
fn parse_selectors(words: &[String], lenient: bool) -> Result<Vec<Selector>, ConfigError> {
    words
        .iter()
        .filter(|w| !w.trim().is_empty())
        .map(|w| match Selector::parse(w) {
            Ok(selector) => Ok(selector),
            Err(_) if lenient => Ok(Selector::unchecked(w)),
            Err(e) => Err(ConfigError(e.to_string())),
        })
        .collect()
}

/// Whether a run with this file and these options loads policies.
fn policies_configured(file: Option<&ConfigFile>, overrides: &Overrides) -> bool {
    !overrides.policy_paths.is_empty() || file.is_some_and(|f| !f.policy.paths.is_empty())
}

/// The settings from an optional configuration file and the command line.
///
/// # Errors
/// When a rule selector, version or workload kind is invalid.
pub fn settings(
    file: Option<&ConfigFile>,
    overrides: &Overrides,
) -> Result<LintSettings, ConfigError> {
    let default_lint = LintSection::default();
    let lint = file.map_or(&default_lint, |f| &f.lint);
    let lenient = policies_configured(file, overrides);
    let parse = |words: &[String]| parse_selectors(words, lenient);
    let mut select = if overrides.select.is_empty() {
        match &lint.select {
            Some(words) => parse(words)?,
            None => parse(&["recommended".to_owned()])?,
        }
    } else {
        parse(&overrides.select)?
    };
    select.extend(parse(&lint.extend_select)?);
    select.extend(parse(&overrides.extend_select)?);
    let mut ignore = parse(&lint.ignore)?;
    ignore.extend(parse(&overrides.ignore)?);
    let version_text = overrides
        .kubernetes_version
        .as_deref()
        .or_else(|| file.and_then(|f| f.kubernetes_version.as_deref()));
    let kubernetes_version = match version_text {
        Some(text) => KubernetesVersion::parse(text).ok_or_else(|| {
            ConfigError(format!("`{text}` is not a Kubernetes version like `1.30`"))
        })?,
        None => KubernetesVersion::default(),
    };
    let mut options = RuleOptions::default();
    if !overrides.allowed_registries.is_empty() {
        options
            .allowed_registries
            .clone_from(&overrides.allowed_registries);
    } else if let Some(registries) = &lint.options.allowed_registries {
        options.allowed_registries.clone_from(registries);
    }
    let minimum_text = overrides
        .minimum_kubernetes_version
        .as_deref()
        .or(lint.options.minimum_kubernetes_version.as_deref());
    if let Some(text) = minimum_text {
        options.minimum_kubernetes_version = KubernetesVersion::parse(text).ok_or_else(|| {
            ConfigError(format!(
                "`{text}` is not a minimum Kubernetes version like `1.33`"
            ))
        })?;
    }
    let mut custom: Vec<CustomWorkloadKind> = Vec::new();
    for entry in file.map_or(&[][..], |f| f.workload_kinds.as_slice()) {
        if entry.kind.is_empty() || entry.pod_spec_path.split('.').any(str::is_empty) {
            return Err(ConfigError(format!(
                "workload kind `{}` needs a kind and a dotted pod-spec-path",
                entry.kind
            )));
        }
        custom.push(CustomWorkloadKind {
            group: entry.group.clone(),
            kind: entry.kind.clone(),
            pod_spec_path: entry.pod_spec_path.clone(),
        });
    }
    custom.extend(overrides.workload_kinds.iter().cloned());
    let limits = file.map_or_else(|| Ok(Limits::default()), |f| f.limits.limits())?;
    Ok(LintSettings {
        rules: RuleSelection::new(&select, &ignore),
        kubernetes_version,
        workload_kinds: WorkloadKinds { custom },
        options,
        ignore_suppressions: overrides.ignore_suppressions,
        limits,
    })
}

/// A linter and the configuration it came from.
pub struct ConfiguredLinter {
    /// The linter.
    pub linter: Linter,
    /// The configuration file, if any.
    pub config: Option<Arc<Config>>,
    /// The policies its files are checked against (`[policy]` and `--policy`), if any.
    pub policies: Option<Arc<PolicySet>>,
}

impl ConfiguredLinter {
    /// Whether `per-file-ignores` drops findings of `code` in `path`.
    #[must_use]
    pub fn ignores(&self, path: &Path, code: &str) -> bool {
        self.config.as_ref().is_some_and(|c| c.ignores(path, code))
    }

    /// Whether a policy finding (the constraint's kind and name) is on for `path`: selected,
    /// and not dropped by `per-file-ignores`.
    #[must_use]
    pub fn reports_policy(&self, path: &Path, code: &str, name: &str) -> bool {
        self.linter.settings().rules.is_external_enabled(code, name)
            && !self
                .config
                .as_ref()
                .is_some_and(|c| c.ignores_rule(path, code, name))
    }

    /// Whether a walked file is excluded by the configuration.
    #[must_use]
    pub fn excludes(&self, path: &Path) -> bool {
        self.config.as_ref().is_some_and(|c| c.excludes(path))
    }
}

/// Finds the configuration of each file and keeps one linter per configuration.
pub struct Configurations {
    overrides: Overrides,
    explicit: Option<Arc<ConfiguredLinter>>,
    /// Directory -> the configuration file that governs it (cached walk up the tree).
    by_dir: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// Configuration file (`None`: no file) -> its linter.
    linters: Mutex<HashMap<Option<PathBuf>, Arc<ConfiguredLinter>>>,
    /// Policies loaded, by paths and values file: each set is compiled once per run.
    policies: PolicyCache,
}

/// Policy sets by (paths, values file).
type PolicyCache = Mutex<HashMap<(Vec<PathBuf>, Option<PathBuf>), Arc<PolicySet>>>;

impl Configurations {
    /// Per-file discovery, or the one file `--config` names.
    ///
    /// # Errors
    /// When the named file, or the settings without a file, are invalid.
    pub fn new(explicit: Option<&Path>, overrides: Overrides) -> Result<Self, ConfigError> {
        let mut configurations = Self {
            overrides,
            explicit: None,
            by_dir: Mutex::new(HashMap::new()),
            linters: Mutex::new(HashMap::new()),
            policies: Mutex::new(HashMap::new()),
        };
        match explicit {
            Some(path) => {
                let config = Arc::new(Config::load_with(path, &configurations.overrides)?);
                configurations.explicit = Some(Arc::new(configurations.configured(Some(config))?));
            }
            None => {
                // Fail early on invalid command-line options, whatever the files say.
                configurations.configured(None)?;
            }
        }
        Ok(configurations)
    }

    /// The linter for files under `config` (or under none), with its policies loaded.
    fn configured(&self, config: Option<Arc<Config>>) -> Result<ConfiguredLinter, ConfigError> {
        let mut settings = settings(config.as_ref().map(|c| &c.file), &self.overrides)?;
        let (mut paths, file_values) = config.as_ref().map(|c| c.policy()).unwrap_or_default();
        paths.extend(self.overrides.policy_paths.iter().cloned());
        let values = self.overrides.policy_values.clone().or(file_values);
        let policies = if paths.is_empty() {
            None
        } else {
            let set = self.policy_set(paths, values)?;
            let rules = set
                .constraints()
                .map(|c| (c.kind.clone(), c.name.clone()))
                .collect::<Vec<_>>();
            settings.rules = settings.rules.with_external_rules(rules).map_err(|e| {
                let place = config
                    .as_ref()
                    .map(|c| format!("{}: ", c.path.display()))
                    .unwrap_or_default();
                ConfigError(format!(
                    "{place}{e}, nor the kind or name of a loaded policy"
                ))
            })?;
            Some(set)
        };
        Ok(ConfiguredLinter {
            linter: Linter::new(settings),
            config,
            policies,
        })
    }

    /// The policies at `paths` with `values`, loaded and compiled on first use.
    fn policy_set(
        &self,
        paths: Vec<PathBuf>,
        values: Option<PathBuf>,
    ) -> Result<Arc<PolicySet>, ConfigError> {
        let mut cache = self.policies.lock().unwrap_or_else(PoisonError::into_inner);
        let key = (paths, values);
        if let Some(set) = cache.get(&key) {
            return Ok(Arc::clone(set));
        }
        let set = Arc::new(
            PolicySet::load(&key.0, key.1.as_deref()).map_err(|e| ConfigError(e.to_string()))?,
        );
        cache.insert(key, Arc::clone(&set));
        Ok(set)
    }

    /// Which values the placeholders of the loaded policies were given: one line per
    /// constraint with placeholders.
    #[must_use]
    pub fn policy_notes(&self) -> Vec<String> {
        let cache = self.policies.lock().unwrap_or_else(PoisonError::into_inner);
        let mut notes: Vec<String> = cache
            .values()
            .flat_map(|set| set.notes().iter().cloned())
            .collect();
        notes.sort();
        notes.dedup();
        notes
    }

    /// The linter for a file (or for stdin shown as `path`).
    ///
    /// # Errors
    /// When the configuration file that governs it is invalid.
    pub fn for_path(&self, path: &Path) -> Result<Arc<ConfiguredLinter>, ConfigError> {
        if let Some(explicit) = &self.explicit {
            return Ok(Arc::clone(explicit));
        }
        let dir = path.parent().unwrap_or_else(|| Path::new("."));
        let config_path = self.config_for_dir(dir);
        let mut linters = self.linters.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(linter) = linters.get(&config_path) {
            return Ok(Arc::clone(linter));
        }
        let config = match &config_path {
            Some(file) => Some(Arc::new(Config::load_with(file, &self.overrides)?)),
            None => None,
        };
        let configured = self.configured(config)?;
        let configured = Arc::new(configured);
        linters.insert(config_path, Arc::clone(&configured));
        Ok(configured)
    }

    fn config_for_dir(&self, dir: &Path) -> Option<PathBuf> {
        let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned());
        let mut by_dir = self.by_dir.lock().unwrap_or_else(PoisonError::into_inner);
        let mut visited = Vec::new();
        let mut current = Some(absolute.as_path());
        let mut found = None;
        while let Some(candidate) = current {
            if let Some(cached) = by_dir.get(candidate) {
                found = cached.clone();
                break;
            }
            visited.push(candidate.to_owned());
            if let Some(file) = CONFIG_FILE_NAMES
                .iter()
                .map(|name| candidate.join(name))
                .find(|path| path.is_file())
            {
                found = Some(relative_to_cwd(&file));
                break;
            }
            current = candidate.parent();
        }
        for dir in visited {
            by_dir.insert(dir, found.clone());
        }
        found
    }
}

/// Shows a configuration path relative to the working directory when it is below it, so that
/// globs and messages read naturally.
fn relative_to_cwd(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_owned))
        .unwrap_or_else(|| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = r#"
exclude = ["vendor/**"]
kubernetes-version = "1.30"

[lint]
select = ["K8S1"]
extend-select = ["host-ipc"]
ignore = ["host-pid"]

[lint.per-file-ignores]
"tests/**" = ["K8S101"]

[lint.options]
allowed-registries = ["ghcr.io/contoso"]
minimum-kubernetes-version = "1.33"

[[workload-kinds]]
kind = "ScaledJob"
group = "keda.sh"
pod-spec-path = "spec.jobTargetRef.template.spec"

[limits]
max-file-bytes = 1000000
max-depth = 64
max-expanded-nodes = 5000
max-documents = 10

[helm.charts."charts/web"]
values = ["charts/web/values-prod.yaml"]
set = ["replicas=3"]
[policy]
paths = ["policies"]
values = "policy-values.yaml"
"#;

    #[test]
    fn a_full_file_is_read_and_applied() {
        let config = Config::parse(Path::new("repo/akslint.toml"), FULL).expect("valid");
        let settings = config.settings(&Overrides::default()).expect("settings");
        assert_eq!(settings.kubernetes_version, KubernetesVersion::new(30));
        assert!(settings.rules.is_enabled("K8S101"));
        assert!(!settings.rules.is_enabled("K8S108"));
        assert_eq!(settings.options.allowed_registries, ["ghcr.io/contoso"]);
        assert_eq!(
            settings.options.minimum_kubernetes_version,
            KubernetesVersion::new(33)
        );
        assert_eq!(settings.workload_kinds.custom.len(), 1);
        assert_eq!(
            settings.limits,
            Limits {
                max_file_bytes: 1_000_000,
                max_depth: 64,
                max_expanded_nodes: 5_000,
                max_documents: 10,
            }
        );
        assert_eq!(
            config.chart_values(Path::new("repo/charts/web")),
            (
                vec![PathBuf::from("repo/charts/web/values-prod.yaml")],
                vec!["replicas=3".to_owned()]
            )
        );
        assert_eq!(
            config.chart_values(Path::new("repo/charts/api")),
            (vec![], vec![])
        );
        assert!(config.excludes(Path::new("repo/vendor/x.yaml")));
        assert!(!config.excludes(Path::new("repo/app/x.yaml")));
        assert!(config.ignores(Path::new("repo/tests/a/pod.yaml"), "K8S101"));
        assert!(!config.ignores(Path::new("repo/tests/a/pod.yaml"), "K8S102"));
        assert!(!config.ignores(Path::new("repo/app/pod.yaml"), "K8S101"));
        let overridden = config
            .settings(&Overrides {
                select: vec!["K8S102".to_owned()],
                kubernetes_version: Some("1.33".to_owned()),
                ..Overrides::default()
            })
            .expect("settings");
        assert!(!overridden.rules.is_enabled("K8S101"));
        assert_eq!(overridden.kubernetes_version, KubernetesVersion::new(33));
    }

    /// The JSON schema shipped for editors describes exactly the keys the reader accepts.
    #[test]
    fn the_json_schema_matches_the_reader() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../../schemas/akslint.schema.json"))
                .expect("schema is JSON");
        let mut names = Vec::new();
        let mut collect = |node: &serde_json::Value| {
            if let Some(properties) = node.get("properties").and_then(|p| p.as_object()) {
                names.extend(properties.keys().cloned());
            }
        };
        collect(&schema);
        collect(&schema["properties"]["lint"]);
        collect(&schema["properties"]["lint"]["properties"]["options"]);
        collect(&schema["properties"]["workload-kinds"]["items"]);
        collect(&schema["properties"]["limits"]);
        collect(&schema["properties"]["helm"]);
        collect(&schema["properties"]["helm"]["properties"]["charts"]["additionalProperties"]);
        collect(&schema["properties"]["policy"]);
        names.sort();
        // Sections may share key names (`values` of a chart and of `[policy]`).
        names.dedup();
        // Every key of the complete example, which the reader accepts with unknown keys denied.
        let mut written: Vec<String> = FULL
            .lines()
            .filter_map(|line| line.split_once(" = ").map(|(key, _)| key))
            .filter(|key| !key.starts_with('"'))
            .map(str::to_owned)
            .chain(
                [
                    "limits",
                    "lint",
                    "helm",
                    "charts",
                    "options",
                    "per-file-ignores",
                    "policy",
                    "workload-kinds",
                ]
                .map(String::from),
            )
            .collect();
        written.sort();
        written.dedup();
        assert_eq!(names, written);
    }

    #[test]
    fn mistakes_are_errors_with_the_file_and_line() {
        let unknown_key = Config::parse(Path::new("a.toml"), "[lint]\nselekt = [\"K8S1\"]\n");
        let message = unknown_key.expect_err("unknown key").0;
        assert!(message.starts_with("a.toml: line 2:"), "{message}");
        let unknown_rule = Config::parse(Path::new("a.toml"), "[lint]\nignore = [\"K9S\"]\n");
        assert!(unknown_rule.expect_err("unknown rule").0.contains("K9S"));
        let bad_glob = Config::parse(Path::new("a.toml"), "exclude = [\"a[\"]\n");
        assert!(bad_glob.is_err());
        for (limit, value) in [
            ("max-depth", "0"),
            ("max-depth", "513"),
            ("max-documents", "0"),
        ] {
            let text = format!("[limits]\n{limit} = {value}\n");
            let message = Config::parse(Path::new("a.toml"), &text)
                .expect_err("out of range")
                .0;
            assert!(
                message.contains(limit) && message.contains(value),
                "{message}"
            );
        }
        let negative = Config::parse(Path::new("a.toml"), "[limits]\nmax-file-bytes = -1\n");
        assert!(negative.is_err());
    }

    #[test]
    fn policies_of_the_file_are_loaded_and_their_kinds_selected() {
        let dir = tempfile::tempdir().expect("tempdir");
        let policies = dir.path().join("policies");
        std::fs::create_dir(&policies).expect("mkdir");
        std::fs::write(
            policies.join("template.yaml"),
            "apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata: {name: k8stest}\nspec:\n  crd: {spec: {names: {kind: K8sTest}}}\n  targets:\n    - target: admission.k8s.gatekeeper.sh\n      rego: |\n        package k8stest\n        violation[{\"msg\": \"no\"}] { true }\n",
        )
        .expect("write");
        std::fs::write(
            policies.join("constraint.yaml"),
            "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sTest\nmetadata: {name: always}\nspec:\n  parameters: {x: {{ .Values.x }}}\n",
        )
        .expect("write");
        std::fs::write(dir.path().join("values.yaml"), "x: 3\n").expect("write");
        let config = dir.path().join("akslint.toml");
        let write_config = |ignore: &str| {
            let text = format!(
                "[lint]\nignore = [\"{ignore}\"]\n[lint.per-file-ignores]\n\"tests/**\" = [\"always\"]\n\n[policy]\npaths = [\"policies\"]\nvalues = \"values.yaml\"\n"
            );
            std::fs::write(&config, text).expect("write");
        };
        write_config("K8S101");
        let configurations =
            Configurations::new(Some(&config), Overrides::default()).expect("valid");
        let configured = configurations
            .for_path(&dir.path().join("app.yaml"))
            .expect("configured");
        let set = configured.policies.as_ref().expect("policies loaded");
        let constraint = set.constraints().next().expect("one constraint");
        assert_eq!(constraint.parameters["x"], regorus::Value::from(3_i64));
        assert!(configured.reports_policy(&dir.path().join("app.yaml"), "K8sTest", "always"));
        // `per-file-ignores` name a policy by its constraint's name.
        let test_file = dir.path().join("tests/a/app.yaml");
        assert!(!configured.reports_policy(&test_file, "K8sTest", "always"));
        assert!(
            configurations.policy_notes()[0].contains("`x` = 3 (from the values file)"),
            "{:?}",
            configurations.policy_notes()
        );
        write_config("K8sTest");
        let configurations =
            Configurations::new(Some(&config), Overrides::default()).expect("valid");
        let configured = configurations
            .for_path(&dir.path().join("app.yaml"))
            .expect("configured");
        assert!(!configured.reports_policy(&dir.path().join("app.yaml"), "K8sTest", "always"));
        write_config("K8sTset");
        let typo = Configurations::new(Some(&config), Overrides::default());
        assert!(typo.is_err_and(|e| e.0.contains("K8sTset")));
    }

    #[test]
    fn a_huge_configuration_file_is_refused_without_reading_it_all() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("akslint.toml");
        // Sparse: 8 GiB that cost nothing, unless something reads them whole.
        let file = std::fs::File::create(&path).expect("create");
        file.set_len(8 << 30).expect("set_len");
        let message = Config::load(&path).expect_err("too large").0;
        assert!(message.contains("larger than"), "{message}");
    }
}
