//! Resources (K8S3xx).
//!
//! Regular and init containers carry `resources`; ephemeral containers cannot (the API
//! rejects them there), so they are never reported. From Kubernetes 1.34 (the
//! `PodLevelResources` feature, beta and on by default) the pod spec may set `resources` for
//! the whole pod, which then bounds every container: a pod-level value satisfies the rules.

mod cpu_request_missing;
mod memory_limit_missing;

pub use cpu_request_missing::CpuRequestMissing;
pub use memory_limit_missing::MemoryLimitMissing;

use akslint_model::k8s::{Container, ContainerKind, Workload};
use akslint_syntax::NodeRef;

use crate::{Context, Rule};

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[&MemoryLimitMissing, &CpuRequestMissing];

/// The first version where pod-level `resources` are on by default.
const POD_LEVEL_RESOURCES_MINOR: u32 = 34;

/// The containers that can declare resources: regular and init containers.
fn resource_containers<'a>(workload: &Workload<'a>) -> impl Iterator<Item = Container<'a>> + 'a {
    workload
        .containers()
        .filter(|container| container.kind != ContainerKind::Ephemeral)
}

/// `resources.<section>.<resource>` of `owner` (a container or the pod spec), unless null.
fn quantity<'a>(owner: NodeRef<'a>, section: &str, resource: &str) -> Option<NodeRef<'a>> {
    owner
        .get("resources")?
        .get(section)?
        .get(resource)
        .filter(|node| !node.is_null())
}

/// The pod-level `resources.<section>.<resource>`, when the target version honours it.
fn pod_quantity<'a>(
    workload: &Workload<'a>,
    cx: &Context<'_>,
    section: &str,
    resource: &str,
) -> Option<NodeRef<'a>> {
    if !cx.kubernetes_version().at_least(POD_LEVEL_RESOURCES_MINOR) {
        return None;
    }
    quantity(workload.pod_spec, section, resource)
}

/// Whether a quantity is zero (`0`, `0Mi`, `0.0`): for a limit the runtime reads that as no
/// limit at all.
fn is_zero_quantity(node: NodeRef<'_>) -> bool {
    let Some((text, _)) = node.scalar() else {
        return false;
    };
    let number_end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(number_end);
    const SUFFIXES: [&str; 16] = [
        "", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u",
    ];
    number.bytes().any(|b| b == b'0')
        && number.bytes().all(|b| b == b'0' || b == b'.')
        && SUFFIXES.contains(&suffix)
}

#[cfg(test)]
mod tests {
    use akslint_syntax::{Limits, yaml};

    use super::is_zero_quantity;

    #[test]
    fn zero_quantities() {
        let text = "[0, '0', 0Mi, 0.0Gi, '00', 1, 512Mi, 0.5, 10Mi, 0x, '', abc]";
        let file = yaml::parse(text, &Limits::default());
        let root = file.root(&file.documents[0]).expect("a root");
        let zero: Vec<bool> = root.items().map(is_zero_quantity).collect();
        assert_eq!(
            zero,
            [
                true, true, true, true, true, false, false, false, false, false, false, false
            ]
        );
    }
}
