use std::sync::LazyLock;

use crate::Rule;
use crate::rules::{akl, aks, arm, k8s};

/// Every category's rules, in code order: each category module owns its own list, so adding a
/// rule touches only its folder.
static RULES: LazyLock<Vec<&'static dyn Rule>> = LazyLock::new(|| {
    [
        akl::RULES,
        aks::api_server_and_identity::RULES,
        aks::cluster_network::RULES,
        aks::upgrades::RULES,
        aks::monitoring_and_policy::RULES,
        aks::data_protection::RULES,
        aks::resilience::RULES,
        arm::RULES,
        k8s::pod_security::RULES,
        k8s::images::RULES,
        k8s::resources::RULES,
        k8s::identity::RULES,
        k8s::rbac::RULES,
        k8s::network::RULES,
        k8s::api_hygiene::RULES,
    ]
    .concat()
});

/// Every rule akslint has, ordered by code.
#[must_use]
pub fn all_rules() -> &'static [&'static dyn Rule] {
    RULES.as_slice()
}

/// The rule with this code or name (case-insensitive for codes).
#[must_use]
pub fn find_rule(code_or_name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|rule| {
        let meta = rule.meta();
        meta.code.eq_ignore_ascii_case(code_or_name) || meta.name == code_or_name
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for rule in RULES.iter() {
            let meta = rule.meta();
            assert!(codes.insert(meta.code), "duplicate code {}", meta.code);
            assert!(names.insert(meta.name), "duplicate name {}", meta.name);
            let (prefix, digits) = meta.code.split_at(3);
            assert!(
                ["K8S", "AKS", "ARM", "AKL"].contains(&prefix),
                "{}",
                meta.code
            );
            assert!(digits.len() == 3 && digits.bytes().all(|b| b.is_ascii_digit()));
            assert!(
                meta.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{} is not kebab-case",
                meta.name
            );
        }
    }

    #[test]
    fn rules_are_ordered_by_code_within_their_prefix() {
        let codes: Vec<_> = RULES.iter().map(|r| r.meta().code).collect();
        let mut sorted = codes.clone();
        sorted.sort_by_key(|code| (&code[..3] != "AKL", *code));
        assert_eq!(codes, sorted);
    }
}
