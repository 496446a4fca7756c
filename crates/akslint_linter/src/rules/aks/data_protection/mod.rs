//! Data protection and secrets (AKS5xx).

mod disk_encryption_cmk_missing;
mod encryption_at_host_disabled;
mod etcd_kms_disabled;
mod key_vault_secrets_provider_disabled;
mod node_ssh_enabled;
mod plaintext_credential;
mod secret_rotation_disabled;

pub use disk_encryption_cmk_missing::DiskEncryptionCmkMissing;
pub use encryption_at_host_disabled::EncryptionAtHostDisabled;
pub use etcd_kms_disabled::EtcdKmsDisabled;
pub use key_vault_secrets_provider_disabled::KeyVaultSecretsProviderDisabled;
pub use node_ssh_enabled::NodeSshEnabled;
pub use plaintext_credential::PlaintextCredential;
pub use secret_rotation_disabled::SecretRotationDisabled;

use crate::Rule;

/// This category's rules, ordered by code.
pub(crate) static RULES: &[&dyn Rule] = &[
    &KeyVaultSecretsProviderDisabled,
    &SecretRotationDisabled,
    &EtcdKmsDisabled,
    &DiskEncryptionCmkMissing,
    &EncryptionAtHostDisabled,
    &NodeSshEnabled,
    &PlaintextCredential,
];
