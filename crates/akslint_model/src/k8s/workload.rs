use akslint_syntax::NodeRef;

use super::object::map_entry;
use super::{EffectiveSecurityContext, Object};

/// A custom resource kind that carries a pod template (Argo Rollouts, KEDA ScaledJob, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomWorkloadKind {
    /// API group, e.g. `argoproj.io`; `None` matches any group.
    pub group: Option<String>,
    /// Kind, e.g. `Rollout`.
    pub kind: String,
    /// Dotted path from the object to the pod spec, e.g. `spec.template.spec`.
    pub pod_spec_path: String,
}

/// Which kinds carry a pod spec, and where.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkloadKinds {
    /// Kinds beyond the built-in ones, from configuration.
    pub custom: Vec<CustomWorkloadKind>,
}

impl WorkloadKinds {
    /// The path from the object to its pod spec, when the object is a workload.
    #[must_use]
    pub fn pod_spec_path<'s>(&'s self, object: &Object<'_>) -> Option<&'s str> {
        let kind = object.kind?;
        let group = object.api_group();
        let builtin = match (group, kind) {
            ("", "Pod") => Some("spec"),
            ("", "PodTemplate") => Some("template.spec"),
            ("", "ReplicationController")
            | ("apps" | "extensions" | "apps.openshift.io", "Deployment" | "ReplicaSet")
            | ("apps", "StatefulSet" | "DaemonSet")
            | ("extensions", "DaemonSet")
            | ("batch", "Job") => Some("spec.template.spec"),
            ("batch", "CronJob") => Some("spec.jobTemplate.spec.template.spec"),
            // Widely used CRDs whose pod template sits where a Deployment's does.
            // (OpenShift 3 served DeploymentConfig from the core `v1`.)
            ("argoproj.io", "Rollout") | ("apps.openshift.io" | "", "DeploymentConfig") => {
                Some("spec.template.spec")
            }
            _ => None,
        };
        builtin.or_else(|| {
            self.custom
                .iter()
                .find(|c| c.kind == kind && c.group.as_deref().is_none_or(|g| g == group))
                .map(|c| c.pod_spec_path.as_str())
        })
    }

    /// The workload view of `object`, when it carries a pod spec.
    #[must_use]
    pub fn workload<'a>(&self, object: Object<'a>) -> Option<Workload<'a>> {
        let path = self.pod_spec_path(&object)?;
        let pod_spec = object.node.get_path(path).filter(|n| n.is_mapping())?;
        // The pod's own metadata: the object's for a Pod, the template's otherwise.
        let template_path = path
            .strip_suffix(".spec")
            .or_else(|| path.strip_suffix("spec"));
        let pod_metadata = match template_path {
            Some("") => object.metadata(),
            Some(template) => object
                .node
                .get_path(template)
                .and_then(|t| t.get("metadata")),
            None => None,
        };
        Some(Workload {
            object,
            pod_spec,
            pod_metadata,
        })
    }
}

/// Anything that carries a pod spec, with one way to reach its containers.
#[derive(Debug, Clone, Copy)]
pub struct Workload<'a> {
    /// The object (Pod, Deployment, CronJob, ...).
    pub object: Object<'a>,
    /// The pod spec (`spec`, `spec.template.spec`, ...).
    pub pod_spec: NodeRef<'a>,
    /// The metadata of the pods it creates (labels and annotations of the template).
    pub pod_metadata: Option<NodeRef<'a>>,
}

impl<'a> Workload<'a> {
    /// `securityContext` of the pod spec.
    #[must_use]
    pub fn pod_security_context(&self) -> Option<NodeRef<'a>> {
        self.pod_spec
            .get("securityContext")
            .filter(|n| n.is_mapping())
    }

    /// A boolean field of the pod spec that is set to true (`hostNetwork`, `hostPID`, ...).
    #[must_use]
    pub fn pod_flag(&self, key: &str) -> Option<NodeRef<'a>> {
        self.pod_spec
            .get(key)
            .filter(|node| node.as_bool() == Some(true))
    }

    /// Whether the pod declares `spec.os.name: windows` (Pod Security exempts some controls).
    #[must_use]
    pub fn is_windows(&self) -> bool {
        self.pod_spec
            .get("os")
            .and_then(|os| os.get("name"))
            .and_then(NodeRef::as_str)
            .is_some_and(|os| os == "windows")
    }

    /// Whether the pod runs in its own user namespace (`hostUsers: false`).
    #[must_use]
    pub fn uses_user_namespace(&self) -> bool {
        self.pod_spec.get("hostUsers").and_then(NodeRef::as_bool) == Some(false)
    }

    /// Containers, init containers and ephemeral containers, in that order.
    pub fn containers(&self) -> impl Iterator<Item = Container<'a>> + 'a {
        let pod_spec = self.pod_spec;
        let pod_context = self.pod_security_context();
        ContainerKind::ALL.into_iter().flat_map(move |kind| {
            pod_spec
                .get(kind.field())
                .into_iter()
                .flat_map(NodeRef::items)
                .filter(|node| node.is_mapping())
                .map(move |node| Container {
                    node,
                    kind,
                    pod_security_context: pod_context,
                })
        })
    }

    /// `Kind name`, for messages.
    #[must_use]
    pub fn describe(&self) -> String {
        self.object.describe()
    }

    /// The namespace the pods run in (`metadata.namespace` of the object).
    #[must_use]
    pub const fn namespace(&self) -> Option<&'a str> {
        self.object.namespace
    }

    /// The value of label `key` on the pods (the template's labels; a Pod's own).
    #[must_use]
    pub fn pod_label(&self, key: &str) -> Option<NodeRef<'a>> {
        map_entry(self.pod_metadata, "labels", key)
    }

    /// The value of annotation `key` on the pods (the template's annotations; a Pod's own).
    #[must_use]
    pub fn pod_annotation(&self, key: &str) -> Option<NodeRef<'a>> {
        map_entry(self.pod_metadata, "annotations", key)
    }

    /// Annotations of the pods, as (key, value) entries.
    pub fn pod_annotations(&self) -> impl Iterator<Item = (NodeRef<'a>, NodeRef<'a>)> + 'a {
        self.pod_metadata
            .and_then(|m| m.get("annotations"))
            .into_iter()
            .flat_map(NodeRef::entries)
    }

    /// `serviceAccountName` (or the deprecated `serviceAccount`), when written.
    #[must_use]
    pub fn service_account_name(&self) -> Option<NodeRef<'a>> {
        self.pod_spec
            .get("serviceAccountName")
            .filter(|n| !n.is_null())
            .or_else(|| self.pod_spec.get("serviceAccount").filter(|n| !n.is_null()))
    }

    /// The pod's volumes (`spec.volumes[*]`), each a mapping.
    pub fn volumes(&self) -> impl Iterator<Item = Volume<'a>> + 'a {
        self.pod_spec
            .get("volumes")
            .into_iter()
            .flat_map(NodeRef::items)
            .filter(|node| node.is_mapping())
            .map(|node| Volume { node })
    }
}

/// One entry of `spec.volumes`.
#[derive(Debug, Clone, Copy)]
pub struct Volume<'a> {
    /// The volume's mapping.
    pub node: NodeRef<'a>,
}

impl<'a> Volume<'a> {
    /// `name`.
    #[must_use]
    pub fn name(&self) -> Option<&'a str> {
        self.node.get("name").and_then(NodeRef::as_str)
    }

    /// The volume source: the first key other than `name` (`hostPath`, `emptyDir`, ...), with
    /// its key node and value.
    #[must_use]
    pub fn source(&self) -> Option<(&'a str, NodeRef<'a>, NodeRef<'a>)> {
        self.node.entries().find_map(|(key, value)| {
            let name = key.as_str()?;
            (name != "name" && !value.is_null()).then_some((name, key, value))
        })
    }

    /// `volume `data``, for messages.
    #[must_use]
    pub fn describe(&self) -> String {
        match self.name() {
            Some(name) => ["volume `", name, "`"].concat(),
            None => "unnamed volume".to_owned(),
        }
    }
}

/// Which list of the pod spec a container comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContainerKind {
    /// `containers`.
    Regular,
    /// `initContainers`.
    Init,
    /// `ephemeralContainers`.
    Ephemeral,
}

impl ContainerKind {
    /// All kinds, in the order the pod spec lists them.
    pub const ALL: [Self; 3] = [Self::Regular, Self::Init, Self::Ephemeral];

    /// The pod spec field that lists them.
    #[must_use]
    pub const fn field(self) -> &'static str {
        match self {
            Self::Regular => "containers",
            Self::Init => "initContainers",
            Self::Ephemeral => "ephemeralContainers",
        }
    }

    /// How messages name them.
    #[must_use]
    pub const fn noun(self) -> &'static str {
        match self {
            Self::Regular => "container",
            Self::Init => "init container",
            Self::Ephemeral => "ephemeral container",
        }
    }
}

/// One container of a workload.
#[derive(Debug, Clone, Copy)]
pub struct Container<'a> {
    /// The container's mapping.
    pub node: NodeRef<'a>,
    /// Which list it is in.
    pub kind: ContainerKind,
    pod_security_context: Option<NodeRef<'a>>,
}

impl<'a> Container<'a> {
    /// `name`.
    #[must_use]
    pub fn name(&self) -> Option<&'a str> {
        self.node.get("name").and_then(NodeRef::as_str)
    }

    /// `container `app``, for messages.
    #[must_use]
    pub fn describe(&self) -> String {
        self.description().concat()
    }

    /// `container `app` of Deployment `web``, for messages about one container of `workload`.
    #[must_use]
    pub fn describe_in(&self, workload: &Workload<'_>) -> String {
        let [a, b, c, d] = self.description();
        let [e, f, g, h] = workload.object.description();
        [a, b, c, d, " of ", e, f, g, h].concat()
    }

    /// The pieces of [`Self::describe`].
    fn description(&self) -> [&'a str; 4] {
        let noun = self.kind.noun();
        match self.name() {
            Some(name) => [noun, " `", name, "`"],
            None => ["unnamed ", noun, "", ""],
        }
    }

    /// The container's own `securityContext`.
    #[must_use]
    pub fn security_context(&self) -> Option<NodeRef<'a>> {
        self.node.get("securityContext").filter(|n| n.is_mapping())
    }

    /// `image`.
    #[must_use]
    pub fn image(&self) -> Option<NodeRef<'a>> {
        self.node.get("image").filter(|n| !n.is_null())
    }

    /// `ports[*]`, each a mapping.
    pub fn ports(&self) -> impl Iterator<Item = NodeRef<'a>> + 'a {
        self.list("ports")
    }

    /// `env[*]`, each a mapping.
    pub fn env(&self) -> impl Iterator<Item = NodeRef<'a>> + 'a {
        self.list("env")
    }

    /// `envFrom[*]`, each a mapping.
    pub fn env_from(&self) -> impl Iterator<Item = NodeRef<'a>> + 'a {
        self.list("envFrom")
    }

    /// The probes and lifecycle hooks that are written, with their paths below the container:
    /// (`livenessProbe`, its mapping), (`lifecycle.postStart`, its mapping), ...
    pub fn handlers(&self) -> impl Iterator<Item = (&'static str, NodeRef<'a>)> + 'a {
        const HANDLERS: [&str; 5] = [
            "livenessProbe",
            "readinessProbe",
            "startupProbe",
            "lifecycle.postStart",
            "lifecycle.preStop",
        ];
        let node = self.node;
        HANDLERS.into_iter().filter_map(move |path| {
            let handler = node.get_path(path).filter(|h| h.is_mapping())?;
            Some((path, handler))
        })
    }

    fn list(&self, key: &str) -> impl Iterator<Item = NodeRef<'a>> + 'a {
        self.node
            .get(key)
            .into_iter()
            .flat_map(NodeRef::items)
            .filter(|node| node.is_mapping())
    }

    /// The security context in force for this container, pod-level settings resolved.
    #[must_use]
    pub fn effective_security_context(&self) -> EffectiveSecurityContext<'a> {
        EffectiveSecurityContext::new(self.pod_security_context, self.security_context())
    }
}
