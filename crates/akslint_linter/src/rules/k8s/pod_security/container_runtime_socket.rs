use akslint_model::k8s::Workload;

use super::host_path_volumes;
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `hostPath` volumes that mount a container runtime socket (Docker's
    /// `docker.sock`, `containerd.sock`, CRI-O's `crio.sock`, `cri-dockerd.sock`), or a
    /// directory that contains one: `/run` or `/var/run`, the runtimes' own directories
    /// (`/run/containerd`, `/run/crio`, `/var/run/docker`, ...) and `/` itself. On Windows
    /// nodes it flags the runtimes' named pipes (`\\.\pipe\containerd-containerd`,
    /// `\\.\pipe\docker_engine`).
    ///
    /// ## Why it matters
    /// The runtime socket is the API of the container runtime, with no authentication: whoever
    /// can write to it can start a privileged container with the node's filesystem mounted,
    /// read every container's environment and secrets, and so owns the node and every pod on
    /// it. Mounting it `readOnly` does not help, since connecting to a socket is not a write to
    /// the mount. AKS runs containerd, so `docker.sock`-only checks (kube-linter's docker-sock,
    /// checkov's CKV_K8S_27, trivy's KSV-0006) miss the socket that actually exists there;
    /// this rule covers every runtime.
    ///
    /// The path is normalised before it is compared, as the node resolves it: repeated and
    /// trailing slashes, `.` and `..` segments are removed, and `/var/run` (a symlink to `/run`
    /// on every current distribution) is treated as `/run`. A file named like a runtime socket
    /// is flagged wherever it lives (rootless Docker, MicroK8s and k3s keep theirs outside the
    /// usual directories). Directories are flagged only when they contain one of the usual
    /// socket locations: `/var/run/containerd/io.containerd.runtime.v2.task` is below the
    /// socket's directory, not above it, and is left to `host-path-volume` (K8S110).
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: containerd
    ///     hostPath:
    ///       path: /run/containerd/containerd.sock
    ///       type: Socket
    /// ```
    ///
    /// ## Use instead
    /// Do not hand the runtime to a pod. Build images with a daemonless builder (BuildKit in
    /// rootless mode, Azure Container Registry Tasks), and read container and pod metadata
    /// from the Kubernetes API or the kubelet instead of the runtime.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: hostPath volumes](https://kubernetes.io/docs/concepts/storage/volumes/#hostpath)
    /// - [Kubernetes: container runtimes](https://kubernetes.io/docs/setup/production-environment/container-runtimes/)
    /// - [AKS: container runtime configuration (containerd)](https://learn.microsoft.com/azure/aks/cluster-configuration#container-runtime-configuration)
    pub struct ContainerRuntimeSocket {
        code: "K8S111",
        name: "container-runtime-socket",
        category: PodSecurity,
        severity: Error,
        default_enabled: true,
        scope: Scope::Workloads,
        references: [
            "kube-linter" => "docker-sock",
            "checkov" => "CKV_K8S_27",
            "trivy" => "KSV-0006",
        ],
    }
}

/// The usual socket locations, `/var/run` written as `/run`, the runtime of AKS first.
const SOCKETS: [(&str, &str); 7] = [
    ("/run/containerd/containerd.sock", "containerd"),
    ("/run/docker.sock", "Docker"),
    ("/run/crio/crio.sock", "CRI-O"),
    ("/run/cri-dockerd.sock", "cri-dockerd"),
    (
        "/run/docker/containerd/containerd.sock",
        "Docker-managed containerd",
    ),
    ("/run/k3s/containerd/containerd.sock", "k3s containerd"),
    ("/run/dockershim.sock", "dockershim"),
];

/// Socket file names, wherever the socket lives.
const SOCKET_NAMES: [(&str, &str); 5] = [
    ("containerd.sock", "containerd"),
    ("docker.sock", "Docker"),
    ("crio.sock", "CRI-O"),
    ("cri-dockerd.sock", "cri-dockerd"),
    ("dockershim.sock", "dockershim"),
];

/// Named pipes of the runtimes on Windows nodes (`\\.\pipe\<name>`).
const PIPES: [(&str, &str); 2] = [
    ("containerd-containerd", "containerd"),
    ("docker_engine", "Docker"),
];

const HELP: &str = "do not mount the container runtime into a pod: build images with a daemonless builder and read pod metadata from the Kubernetes API";

impl Rule for ContainerRuntimeSocket {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        for (volume, _, source) in host_path_volumes(workload) {
            let Some(node) = source.get("path") else {
                continue;
            };
            let Some(path) = node.as_str() else {
                continue;
            };
            let Some(exposure) = exposure(path) else {
                continue;
            };
            let what = match exposure {
                Exposure::Socket(runtime) => format!("the {runtime} socket `{path}`"),
                Exposure::Pipe(runtime) => format!("the {runtime} named pipe `{path}`"),
                Exposure::Directory { socket, runtime } => {
                    format!("`{path}`, which contains the {runtime} socket `{socket}`")
                }
            };
            let message = format!(
                "{} of {} mounts {what}: whoever reaches it controls the container runtime, and so the node",
                volume.describe(),
                workload.describe()
            );
            cx.report_node(node, message).help(HELP);
        }
    }
}

/// What a `hostPath` path hands to the pod.
#[derive(Debug, PartialEq, Eq)]
enum Exposure {
    /// A runtime socket itself.
    Socket(&'static str),
    /// A Windows named pipe of a runtime.
    Pipe(&'static str),
    /// A directory that contains a runtime socket, shown as the user spelled its prefix.
    Directory {
        socket: String,
        runtime: &'static str,
    },
}

fn exposure(path: &str) -> Option<Exposure> {
    let slashed = path.trim().replace('\\', "/").to_ascii_lowercase();
    if let Some(pipe) = slashed.strip_prefix("//./pipe/") {
        let pipe = pipe.trim_end_matches('/');
        return PIPES
            .iter()
            .find(|(name, _)| *name == pipe)
            .map(|(_, runtime)| Exposure::Pipe(runtime));
    }
    let normalised = normalise(path.trim());
    let (canonical, written_prefix) = match normalised.strip_prefix("/var/run") {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => (format!("/run{rest}"), "/var"),
        _ => (normalised, ""),
    };
    let file_name = canonical.rsplit('/').next().unwrap_or_default();
    if let Some((_, runtime)) = SOCKET_NAMES.iter().find(|(name, _)| *name == file_name) {
        return Some(Exposure::Socket(runtime));
    }
    let directory = if canonical == "/" {
        canonical
    } else {
        format!("{canonical}/")
    };
    SOCKETS
        .iter()
        .find(|(socket, _)| socket.starts_with(&directory))
        .map(|(socket, runtime)| Exposure::Directory {
            socket: format!("{written_prefix}{socket}"),
            runtime,
        })
}

/// The path as the node resolves it: no empty, `.` or `..` segments, always absolute.
fn normalise(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            segment => segments.push(segment),
        }
    }
    format!("/{}", segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime(path: &str) -> Option<&'static str> {
        match exposure(path)? {
            Exposure::Socket(runtime) | Exposure::Pipe(runtime) => Some(runtime),
            Exposure::Directory { runtime, .. } => Some(runtime),
        }
    }

    #[test]
    fn sockets_and_their_directories_are_found_after_normalising() {
        for path in [
            "/var/run/docker.sock",
            "/run//docker.sock",
            "/var/./run/docker.sock/",
            "/var/lib/../run/docker.sock",
            "/run/user/1000/docker.sock",
        ] {
            assert_eq!(runtime(path), Some("Docker"), "{path}");
        }
        for path in [
            "/run/containerd/containerd.sock",
            "/run/containerd",
            "/var/run/containerd/",
            "/run",
            "/var/run",
            "/",
            "//",
            "/var/snap/microk8s/common/run/containerd.sock",
        ] {
            assert_eq!(runtime(path), Some("containerd"), "{path}");
        }
        assert_eq!(runtime("/var/run/crio"), Some("CRI-O"));
        assert_eq!(
            runtime("/var/run/docker"),
            Some("Docker-managed containerd")
        );
        assert_eq!(runtime("/run/k3s"), Some("k3s containerd"));
        assert_eq!(runtime("/run/cri-dockerd.sock"), Some("cri-dockerd"));
        assert_eq!(
            runtime(r"\\.\pipe\containerd-containerd"),
            Some("containerd")
        );
        assert_eq!(runtime(r"\\.\pipe\docker_engine"), Some("Docker"));
    }

    #[test]
    fn unrelated_paths_are_not_sockets() {
        for path in [
            "/var",
            "/var/log",
            "/var/lib/docker",
            "/var/lib/containerd",
            "/run/containerd/io.containerd.runtime.v2.task",
            "/var/run/secrets",
            "/var/running",
            "/etc/docker.sock.d",
            "/var/lib/kubelet/pod-resources/kubelet.sock",
            r"\\.\pipe\other",
        ] {
            assert_eq!(exposure(path), None, "{path}");
        }
    }

    #[test]
    fn directories_name_the_socket_with_the_prefix_as_written() {
        assert_eq!(
            exposure("/var/run/"),
            Some(Exposure::Directory {
                socket: "/var/run/containerd/containerd.sock".to_owned(),
                runtime: "containerd",
            })
        );
        assert_eq!(
            exposure("/run/docker"),
            Some(Exposure::Directory {
                socket: "/run/docker/containerd/containerd.sock".to_owned(),
                runtime: "Docker-managed containerd",
            })
        );
    }
}
