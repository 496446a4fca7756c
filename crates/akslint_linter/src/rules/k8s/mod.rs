//! Rules on Kubernetes manifests (K8Sxxx), one folder per category (code hundred).

pub mod api_hygiene;
pub mod identity;
pub mod images;
pub mod network;
pub mod pod_security;
pub mod rbac;
pub mod resources;
