//! Images and supply chain (K8S2xx).
//!
//! The three image rules share one reading of image references, the one container runtimes
//! use (`[registry[:port]/]path[:tag][@digest]`): the first path component is a registry only
//! when it looks like a host (it contains `.` or `:`, is `localhost`, or has an uppercase
//! letter), otherwise the image comes from Docker Hub (`docker.io`) and a one-component path
//! lives under `library/`. So `localhost:5000/app` has no tag, and `nginx` is
//! `docker.io/library/nginx:latest`.

mod image_not_pinned;
mod image_tag_latest;
mod untrusted_registry;

pub use image_not_pinned::ImageNotPinned;
pub use image_tag_latest::ImageTagLatest;
pub use untrusted_registry::UntrustedRegistry;

use std::borrow::Cow;

use akslint_model::k8s::{Container, Workload};
use akslint_syntax::NodeRef;

use crate::Rule;

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[&ImageTagLatest, &ImageNotPinned, &UntrustedRegistry];

/// The registry of references that name none.
const DOCKER_HUB: &str = "docker.io";

/// A parsed container image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImageRef<'a> {
    /// The registry host (with its port), `docker.io` when the reference names none.
    pub registry: &'a str,
    /// Whether the registry was written in the reference.
    pub explicit_registry: bool,
    /// The repository path below the registry, as written (`nginx`, `bitnami/redis`).
    pub path: &'a str,
    /// The tag, when one is written.
    pub tag: Option<&'a str>,
    /// Everything after `@`, when a digest is written.
    pub digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    /// Parses a reference; `None` when it is not a valid image reference (the kubelet would
    /// refuse it, which is not these rules' business).
    pub fn parse(text: &'a str) -> Option<Self> {
        if text.is_empty() || text.trim() != text {
            return None;
        }
        let (name_and_tag, digest) = match text.split_once('@') {
            Some((name, digest)) => (name, Some(digest)),
            None => (text, None),
        };
        if digest.is_some_and(|d| d.is_empty() || d.contains('@')) {
            return None;
        }
        // A colon after the last slash starts the tag; one before it is a registry port.
        let last_slash = name_and_tag.rfind('/');
        let (name, tag) = match name_and_tag.rfind(':') {
            Some(colon) if last_slash.is_none_or(|slash| colon > slash) => {
                (&name_and_tag[..colon], Some(&name_and_tag[colon + 1..]))
            }
            _ => (name_and_tag, None),
        };
        if tag.is_some_and(|t| !is_valid_tag(t)) {
            return None;
        }
        let (registry, explicit_registry, path) = match name.split_once('/') {
            Some((first, rest)) if is_registry_host(first) => {
                let registry = if first.eq_ignore_ascii_case("index.docker.io") {
                    DOCKER_HUB
                } else {
                    first
                };
                (registry, true, rest)
            }
            _ => (DOCKER_HUB, false, name),
        };
        if !is_valid_host(registry) || !is_valid_path(path) {
            return None;
        }
        Some(Self {
            registry,
            explicit_registry,
            path,
            tag,
            digest,
        })
    }

    /// The repository path as the registry knows it: Docker Hub's official images live under
    /// `library/`.
    pub fn full_path(&self) -> Cow<'a, str> {
        if self.registry == DOCKER_HUB && !self.path.contains('/') {
            Cow::Owned(format!("library/{}", self.path))
        } else {
            Cow::Borrowed(self.path)
        }
    }

    /// The repository as written, without tag or digest (`nginx`, `shop.azurecr.io/web`).
    pub fn name(&self) -> String {
        if self.explicit_registry {
            format!("{}/{}", self.registry, self.path)
        } else {
            self.path.to_owned()
        }
    }

    /// Whether the digest is a well-formed content digest (`sha256:` and 64 hex digits, or
    /// `sha512:` and 128), the only kind that pins the image.
    pub fn has_valid_digest(&self) -> bool {
        let Some((algorithm, encoded)) = self.digest.and_then(|d| d.split_once(':')) else {
            return false;
        };
        let length = match algorithm {
            "sha256" => 64,
            "sha512" => 128,
            _ => return false,
        };
        encoded.len() == length
            && encoded
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    }

    /// Whether the registry (and, for patterns with a `/`, the path prefix) matches one of
    /// `patterns`; returns the first pattern that does.
    pub fn allowed_by<'p>(&self, patterns: &'p [String]) -> Option<&'p str> {
        patterns
            .iter()
            .map(|pattern| pattern.trim().trim_end_matches('/'))
            .find(|pattern| self.matches(pattern))
    }

    fn matches(&self, pattern: &str) -> bool {
        if pattern.is_empty() {
            return false;
        }
        if !pattern.contains('/') {
            return glob_match(pattern, self.registry);
        }
        // `ghcr.io/myorg` allows `ghcr.io/myorg/app` but not `ghcr.io/myorganization/app`:
        // the pattern must match the host and whole leading path components.
        let full = format!("{}/{}", self.registry, self.full_path());
        let mut boundaries = full
            .match_indices('/')
            .map(|(at, _)| at)
            .skip(1)
            .chain([full.len()]);
        boundaries.any(|end| glob_match(pattern, &full[..end]))
    }
}

/// Whether the first path component names a registry host, as container runtimes decide it.
fn is_registry_host(component: &str) -> bool {
    component.contains(['.', ':'])
        || component == "localhost"
        || component.bytes().any(|b| b.is_ascii_uppercase())
}

fn is_valid_host(host: &str) -> bool {
    let (name, port) = if host.starts_with('[') {
        // An IPv6 literal, `[::1]:5000`.
        match host.find(']') {
            Some(end) => (&host[..=end], host[end + 1..].strip_prefix(':')),
            None => return false,
        }
    } else {
        match host.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        }
    };
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'[' | b']' | b':'))
        && port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn is_valid_path(path: &str) -> bool {
    !path.is_empty()
        && path.split('/').all(|component| {
            !component.is_empty()
                && component.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
                })
        })
}

fn is_valid_tag(tag: &str) -> bool {
    let mut bytes = tag.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        && tag.len() <= 128
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// Case-insensitive glob match of the whole `text`, `*` matching any run of characters.
fn glob_match(pattern: &str, text: &str) -> bool {
    let pattern = pattern.as_bytes();
    let text = text.as_bytes();
    let (mut p, mut t) = (0, 0);
    // Where the last `*` was and how much text it has swallowed, to backtrack to.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p].eq_ignore_ascii_case(&text[t]) {
            p += 1;
            t += 1;
        } else if let Some((star_p, star_t)) = star {
            p = star_p + 1;
            t = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&b| b == b'*')
}

/// Whether the value is an unrendered template (Helm, Kustomize or shell substitution) rather
/// than an image reference: what it will become is unknown, so it is not judged.
fn is_unrendered(text: &str) -> bool {
    // One pass over the bytes: a substring search per marker costs more than most references.
    text.as_bytes()
        .windows(2)
        .any(|pair| matches!(pair, b"{{" | b"$(" | b"${"))
}

/// Every container (regular, init and ephemeral) with a literal image reference: the
/// container, the `image` value node, the reference as written and parsed.
fn container_images<'a>(
    workload: &Workload<'a>,
) -> impl Iterator<Item = (Container<'a>, NodeRef<'a>, &'a str, ImageRef<'a>)> + 'a {
    workload.containers().filter_map(|container| {
        let node = container.image()?;
        let text = node.as_str()?;
        if is_unrendered(text) {
            return None;
        }
        let image = ImageRef::parse(text)?;
        Some((container, node, text, image))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ImageRef<'_> {
        ImageRef::parse(text).unwrap_or_else(|| panic!("{text} should parse"))
    }

    #[test]
    fn docker_hub_references_without_a_registry() {
        let nginx = parse("nginx");
        assert_eq!(
            (
                nginx.registry,
                nginx.explicit_registry,
                nginx.tag,
                nginx.digest
            ),
            ("docker.io", false, None, None)
        );
        assert_eq!(nginx.full_path(), "library/nginx");
        let redis = parse("bitnami/redis:7.2");
        assert_eq!((redis.registry, redis.path), ("docker.io", "bitnami/redis"));
        assert_eq!(redis.full_path(), "bitnami/redis");
        assert_eq!(redis.tag, Some("7.2"));
        assert_eq!(parse("library/nginx").full_path(), "library/nginx");
        let explicit = parse("docker.io/nginx:1.27");
        assert_eq!(
            (explicit.registry, explicit.explicit_registry),
            ("docker.io", true)
        );
        assert_eq!(explicit.full_path(), "library/nginx");
        assert_eq!(parse("index.docker.io/library/nginx").registry, "docker.io");
    }

    #[test]
    fn registry_hosts_ports_and_tags() {
        let local = parse("localhost:5000/app");
        assert_eq!(
            (local.registry, local.path, local.tag),
            ("localhost:5000", "app", None)
        );
        let tagged = parse("localhost:5000/team/app:1.0");
        assert_eq!((tagged.path, tagged.tag), ("team/app", Some("1.0")));
        assert_eq!(parse("localhost/app").registry, "localhost");
        let acr = parse("shop.azurecr.io/web/api:2.1.0");
        assert_eq!((acr.registry, acr.path), ("shop.azurecr.io", "web/api"));
        let deep = parse("docker-registry.mycompany.co:4567/super-sre/kafka/release:1.0.9");
        assert_eq!(deep.registry, "docker-registry.mycompany.co:4567");
        assert_eq!(deep.tag, Some("1.0.9"));
        // An uppercase first component is a host for the runtime, not a Docker Hub user.
        assert_eq!(parse("MyRegistry/app").registry, "MyRegistry");
        assert_eq!(parse("[::1]:5000/app").registry, "[::1]:5000");
    }

    #[test]
    fn digests() {
        let hex = "01038e7de14b78d702d2849c3aad72fd25903c4765af63cf16aa3398f5d5f2dd";
        let pinned_text = format!("registry.k8s.io/ingress-nginx/controller:v1.15.1@sha256:{hex}");
        let pinned = parse(&pinned_text);
        assert_eq!(pinned.tag, Some("v1.15.1"));
        assert!(pinned.has_valid_digest());
        let digest_only = format!("redis@sha256:{hex}");
        let digest_only = parse(&digest_only);
        assert_eq!(
            (digest_only.tag, digest_only.has_valid_digest()),
            (None, true)
        );
        let short = parse("gcr.io/kafka@sha256:123456");
        assert_eq!(short.digest, Some("sha256:123456"));
        assert!(!short.has_valid_digest());
        assert!(!parse(&format!("app@md5:{hex}")).has_valid_digest());
        assert!(!parse("app").has_valid_digest());
    }

    #[test]
    fn invalid_references_are_not_parsed() {
        for text in [
            "",
            " nginx",
            "nginx ",
            "Nginx/App",
            "shop.azurecr.io/App",
            "nginx:",
            "nginx:-bad",
            "nginx@",
            "a@b@c",
            "registry.io/",
            "registry.io//app",
            "host:port/app",
        ] {
            assert_eq!(ImageRef::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn templates_are_recognised() {
        assert!(is_unrendered("{{ .Values.image }}"));
        assert!(is_unrendered("${REGISTRY}/app:1.0"));
        assert!(is_unrendered("$(IMAGE)"));
        assert!(!is_unrendered("nginx:1.27"));
    }

    #[test]
    fn globs() {
        assert!(glob_match("*.azurecr.io", "shop.azurecr.io"));
        assert!(glob_match("*.AzureCR.io", "Shop.azurecr.io"));
        assert!(!glob_match("*.azurecr.io", "shop.azurecr.io.evil.com"));
        assert!(!glob_match("*.azurecr.io", "azurecr.io"));
        assert!(glob_match("*", "docker.io"));
        assert!(glob_match("a*b*c", "aXXbYYbc"));
        assert!(!glob_match("a*b*c", "aXXbYYbd"));
        assert!(glob_match("localhost:*", "localhost:5000"));
    }

    #[test]
    fn allowed_registries() {
        let patterns: Vec<String> = ["*.azurecr.io", "mcr.microsoft.com", "ghcr.io/myorg"]
            .map(str::to_owned)
            .to_vec();
        let allowed = |text: &str| parse(text).allowed_by(&patterns).map(str::to_owned);
        assert_eq!(
            allowed("shop.azurecr.io/web:1").as_deref(),
            Some("*.azurecr.io")
        );
        assert_eq!(
            allowed("mcr.microsoft.com/dotnet/aspnet:8.0").as_deref(),
            Some("mcr.microsoft.com")
        );
        assert_eq!(
            allowed("ghcr.io/myorg/app:1").as_deref(),
            Some("ghcr.io/myorg")
        );
        assert_eq!(
            allowed("ghcr.io/myorg/team/app:1").as_deref(),
            Some("ghcr.io/myorg")
        );
        assert_eq!(allowed("ghcr.io/myorganization/app:1"), None);
        assert_eq!(allowed("ghcr.io/other/app:1"), None);
        assert_eq!(allowed("nginx"), None);
        assert_eq!(allowed("evil.com/shop.azurecr.io/app"), None);
        let hub: Vec<String> = vec!["docker.io/library".to_owned()];
        assert!(parse("nginx:1.27").allowed_by(&hub).is_some());
        assert!(parse("bitnami/redis").allowed_by(&hub).is_none());
        let slash: Vec<String> = vec!["ghcr.io/myorg/".to_owned()];
        assert!(parse("ghcr.io/myorg/app").allowed_by(&slash).is_some());
    }
}
