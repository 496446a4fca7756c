use std::path::Path;

/// The syntax of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileFormat {
    /// YAML (Kubernetes manifests, Helm output).
    Yaml,
    /// JSON (Kubernetes manifests, ARM templates and parameter files).
    Json,
    /// Bicep.
    Bicep,
}

impl FileFormat {
    /// The format a path's extension names.
    #[must_use]
    pub fn from_path(path: &Path) -> Option<Self> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "yaml" | "yml" => Some(Self::Yaml),
            "json" | "jsonc" => Some(Self::Json),
            "bicep" | "bicepparam" => Some(Self::Bicep),
            _ => None,
        }
    }

    /// Guesses the format of text without a telling name (stdin): JSON when it starts with `{`
    /// or `[`, YAML otherwise. Both parse JSON manifests correctly, so a wrong guess costs only
    /// the error message style.
    #[must_use]
    pub fn sniff(text: &str) -> Self {
        match text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .as_bytes()
            .first()
        {
            Some(b'{' | b'[') => Self::Json,
            _ => Self::Yaml,
        }
    }

    /// Whether a JSON file found while walking a directory is one akslint reads: a Kubernetes
    /// object or an ARM template or parameter file. Other JSON (package.json, editor settings)
    /// is none of akslint's business, and linting it would only produce noise.
    #[must_use]
    pub fn json_is_relevant(text: &str) -> bool {
        let mut end = text.len().min(4096);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let head = &text[..end];
        (head.contains("\"apiVersion\"") && head.contains("\"kind\""))
            || head.contains("deploymentTemplate.json")
            || head.contains("deploymentParameters.json")
            || head.contains("subscriptionDeploymentTemplate.json")
            || head.contains("managementGroupDeploymentTemplate.json")
            || head.contains("tenantDeploymentTemplate.json")
    }
}
