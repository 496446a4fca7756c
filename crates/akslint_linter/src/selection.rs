use std::fmt;

use crate::{RuleMeta, all_rules};

/// One `--select`/`--ignore` word: a code (`K8S102`), a code prefix (`K8S1`), a rule name
/// (`privilege-escalation-allowed`), a category (`pod-security`) or a profile (`recommended`,
/// `pss-baseline`, `pss-restricted`, `all`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector(String);

/// A selector that matches no rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectorError(pub String);

impl fmt::Display for SelectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a rule code, code prefix, rule name, category or profile",
            self.0
        )
    }
}

impl std::error::Error for SelectorError {}

impl Selector {
    /// Checks that `text` matches at least one rule.
    ///
    /// # Errors
    /// When it matches none, so that a typo in `--select` is not silently a no-op.
    pub fn parse(text: &str) -> Result<Self, SelectorError> {
        let selector = Self(text.trim().to_owned());
        if selector.matches_builtin() {
            Ok(selector)
        } else {
            Err(SelectorError(text.to_owned()))
        }
    }

    /// Keeps `text` without checking it against the built-in rules: for a word that may name a
    /// rule loaded at run time (a policy constraint's kind); check it with
    /// [`RuleSelection::with_external_rules`].
    #[must_use]
    pub fn unchecked(text: &str) -> Self {
        Self(text.trim().to_owned())
    }

    /// Whether the selector covers a rule loaded at run time with this code (a policy
    /// constraint's kind) and name: by profile (`all`, `recommended`; such rules are in no
    /// Pod Security profile), code prefix or exact name. The prefix is case-sensitive, so that
    /// `K8S` (the built-in Kubernetes rules) does not take in `K8sAzure...` kinds.
    #[must_use]
    pub fn matches_external(&self, code: &str, name: &str) -> bool {
        let word = self.0.as_str();
        match word.to_ascii_lowercase().as_str() {
            "all" | "recommended" => return true,
            "pss-baseline" | "pss-restricted" => return false,
            _ => {}
        }
        !word.is_empty() && code.starts_with(word) || name == word
    }

    /// Whether the selector covers some built-in rule.
    fn matches_builtin(&self) -> bool {
        all_rules().iter().any(|rule| self.matches(rule.meta()))
    }

    /// Whether the selector covers `meta`.
    #[must_use]
    pub fn matches(&self, meta: &RuleMeta) -> bool {
        let word = self.0.as_str();
        match word.to_ascii_lowercase().as_str() {
            "all" => return true,
            "recommended" => return meta.default_enabled,
            "pss-baseline" => return meta.pss == Some(crate::PssLevel::Baseline),
            "pss-restricted" => return meta.pss.is_some(),
            _ => {}
        }
        let upper = word.to_ascii_uppercase();
        meta.code.starts_with(&upper) && !upper.is_empty()
            || meta.name == word
            || meta.category.as_str() == word
    }
}

/// Which rules are on: the selected ones minus the ignored ones; engine rules always.
#[derive(Debug, Clone)]
pub struct RuleSelection {
    enabled: Vec<bool>,
    select: Vec<Selector>,
    ignore: Vec<Selector>,
    /// Rules loaded at run time (policy constraints): `(code, name)`.
    external: Vec<(String, String)>,
}

impl RuleSelection {
    /// Rules matched by any of `select` and by none of `ignore`.
    #[must_use]
    pub fn new(select: &[Selector], ignore: &[Selector]) -> Self {
        let enabled = all_rules()
            .iter()
            .map(|rule| {
                let meta = rule.meta();
                meta.is_engine_rule()
                    || (select.iter().any(|s| s.matches(meta))
                        && !ignore.iter().any(|s| s.matches(meta)))
            })
            .collect();
        Self {
            enabled,
            select: select.to_vec(),
            ignore: ignore.to_vec(),
            external: Vec::new(),
        }
    }

    /// Adds rules loaded at run time (policy constraints), as `(code, name)`, which selectors
    /// select like built-in rules.
    ///
    /// # Errors
    /// When a selector matches neither a built-in rule nor one of these.
    pub fn with_external_rules(
        mut self,
        rules: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, SelectorError> {
        self.external.extend(rules);
        for selector in self.select.iter().chain(&self.ignore) {
            let known = selector.matches_builtin()
                || self
                    .external
                    .iter()
                    .any(|(code, name)| selector.matches_external(code, name));
            if !known {
                return Err(SelectorError(selector.0.clone()));
            }
        }
        Ok(self)
    }

    /// The rule loaded at run time with this code or name, as `(code, name)`.
    #[must_use]
    pub fn external_rule(&self, code_or_name: &str) -> Option<(&str, &str)> {
        self.external
            .iter()
            .find(|(code, name)| code == code_or_name || name == code_or_name)
            .map(|(code, name)| (code.as_str(), name.as_str()))
    }

    /// Whether the rule loaded at run time with this code and name is on.
    #[must_use]
    pub fn is_external_enabled(&self, code: &str, name: &str) -> bool {
        self.select.iter().any(|s| s.matches_external(code, name))
            && !self.ignore.iter().any(|s| s.matches_external(code, name))
    }

    /// Whether the rule at `index` in [`all_rules`] is on.
    #[must_use]
    pub fn is_enabled_index(&self, index: usize) -> bool {
        self.enabled.get(index).copied().unwrap_or(false)
    }

    /// Whether the rule with `code` is on.
    #[must_use]
    pub fn is_enabled(&self, code: &str) -> bool {
        all_rules()
            .iter()
            .position(|rule| rule.meta().code == code)
            .is_some_and(|index| self.is_enabled_index(index))
    }
}

impl Default for RuleSelection {
    /// The `recommended` profile.
    fn default() -> Self {
        Self::new(&[Selector("recommended".to_owned())], &[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn select(words: &[&str], ignore: &[&str]) -> RuleSelection {
        let parse = |words: &[&str]| -> Vec<Selector> {
            words
                .iter()
                .map(|w| Selector::parse(w).expect("valid selector"))
                .collect()
        };
        RuleSelection::new(&parse(words), &parse(ignore))
    }

    #[test]
    fn external_rules_are_selected_by_code_prefix_name_and_profile() {
        let policy = || {
            [(
                "K8sAzureBlockDefault".to_owned(),
                "block-default".to_owned(),
            )]
        };
        let by_default = RuleSelection::default()
            .with_external_rules(policy())
            .expect("known");
        assert!(by_default.is_external_enabled("K8sAzureBlockDefault", "block-default"));
        let ignored = RuleSelection::new(
            &[Selector::unchecked("all")],
            &[Selector::unchecked("K8sAzure")],
        )
        .with_external_rules(policy())
        .expect("known");
        assert!(!ignored.is_external_enabled("K8sAzureBlockDefault", "block-default"));
        assert_eq!(
            ignored.external_rule("block-default"),
            Some(("K8sAzureBlockDefault", "block-default"))
        );
        let only_builtin = RuleSelection::new(&[Selector::unchecked("K8S")], &[])
            .with_external_rules(policy())
            .expect("known");
        assert!(!only_builtin.is_external_enabled("K8sAzureBlockDefault", "block-default"));
        let typo = RuleSelection::new(&[Selector::unchecked("K8sAzureTypo")], &[])
            .with_external_rules(policy());
        assert!(typo.is_err());
    }

    #[test]
    fn codes_prefixes_names_and_categories() {
        let by_code = select(&["K8S102"], &[]);
        assert!(by_code.is_enabled("K8S102"));
        assert!(!by_code.is_enabled("K8S101"));
        let by_prefix = select(&["K8S10"], &["host-pid"]);
        assert!(by_prefix.is_enabled("K8S101"));
        assert!(!by_prefix.is_enabled("K8S108"));
        let by_category = select(&["pod-security"], &["K8S1"]);
        assert!(!by_category.is_enabled("K8S103"));
        // Engine rules cannot be turned off.
        assert!(by_category.is_enabled("AKL001"));
    }

    /// The profiles hold exactly the Pod Security Standards controls of their level.
    #[test]
    fn pss_profiles_select_exactly_the_controls_of_their_level() {
        let enabled = |profile: &str| -> Vec<&str> {
            let selection = select(&[profile], &[]);
            all_rules()
                .iter()
                .map(|rule| rule.meta())
                .filter(|meta| !meta.is_engine_rule() && selection.is_enabled(meta.code))
                .map(|meta| meta.code)
                .collect()
        };
        let baseline = [
            "K8S101", "K8S105", "K8S107", "K8S108", "K8S109", "K8S110", "K8S112", "K8S113",
            "K8S115", "K8S116", "K8S117", "K8S118", "K8S119", "K8S121",
        ];
        assert_eq!(enabled("pss-baseline"), baseline);
        let mut restricted = baseline.to_vec();
        restricted.extend(["K8S102", "K8S103", "K8S104", "K8S106", "K8S114", "K8S120"]);
        restricted.sort_unstable();
        assert_eq!(enabled("pss-restricted"), restricted);
    }

    #[test]
    fn unknown_selectors_are_errors() {
        assert!(Selector::parse("K9S").is_err());
        assert!(Selector::parse("privileged").is_err());
        assert!(Selector::parse("k8s101").is_ok());
    }
}
