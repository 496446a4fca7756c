use akslint_model::k8s::Workload;
use akslint_syntax::NodeRef;

use super::is_placeholder;
use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags environment variables whose name says they hold a secret (a password, token, API
    /// or access key, private key, client secret, credential, SAS or connection string) and
    /// whose value is written literally in the manifest (`value:` rather than `valueFrom:`).
    ///
    /// The name is split into words (`UPPER_SNAKE`, `camelCase`, `kebab-case`, `dotted.names`
    /// and .NET's `Section__Key` all work), and its last word decides what the value is:
    /// `DB_PASSWORD`, `clientSecret`, `GITHUB_TOKEN`, `x-api-key`, `STORAGE_ACCOUNT_KEY`,
    /// `AZURE_STORAGE_SAS` and `DBPASSWORD` are secrets; `PASSWORD_FILE`, `TOKEN_URL`,
    /// `SECRET_NAME`, `TOKEN_EXPIRY`, `ACCESS_KEY_ID`, `KEY_VAULT_NAME` or `JWT_SECRET_PATH`
    /// name something else (a file, an address, a lifetime, an id). Words that denote a switch
    /// (`ALLOW_EMPTY_PASSWORD`, `MYSQL_RANDOM_ROOT_PASSWORD`), key names that are not
    /// credentials (`PUBLIC_KEY`, `PARTITION_KEY`, `ROUTING_KEY`, `CACHE_KEY`), secret *names*
    /// (`TLS_SECRET`, `IMAGE_PULL_SECRET`, `EXISTING_SECRET`), the shell's `PWD` and etcd's
    /// `INITIAL_CLUSTER_TOKEN` are not flagged.
    ///
    /// Values that cannot be a secret are not flagged either: empty values, `$(OTHER_VAR)`
    /// references (Kubernetes expands them from other variables), deploy-time placeholders
    /// (`${VAR}`, `#{Var}#`, `{{ .Values.x }}`, `__VAR__`, `<your-password>`), booleans,
    /// short numbers and durations (`3600`, `30m`), file paths (`/var/run/secrets/token`) and
    /// URLs without a credential in them.
    ///
    /// A connection string (`*_CONNECTION_STRING`, `ConnectionStrings__Default`) is flagged only
    /// when it embeds a credential (`Password=`, `Pwd=`, `AccountKey=`, `SharedAccessKey=`,
    /// `SharedAccessSignature=`, a `user:password@` URL): one that relies on Microsoft Entra
    /// authentication or names only a host and database is not a secret.
    ///
    /// Whatever the name, a value that holds a PEM private key or a URL with a password
    /// (`postgres://app:hunter2@db/app`) or a SAS signature (`?...&sig=...`) is flagged too.
    ///
    /// ## Why it matters
    /// A literal value is stored in the manifest, so in Git, CI logs, Helm release history and
    /// the object in etcd, where everyone who can read the Deployment (`get` on the workload,
    /// not on Secrets) sees it. It cannot be rotated without a redeploy and is usually the same
    /// in every environment. Keep credentials in Azure Key Vault and mount them with the Secrets
    /// Store CSI driver, or at least in a Secret read through `valueFrom.secretKeyRef`; better
    /// still, use Microsoft Entra Workload ID and no credential at all.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - name: DB_PASSWORD
    ///     value: hunter2
    ///   - name: STORAGE_CONNECTION_STRING
    ///     value: DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey=bXlrZXk=
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// env:
    ///   - name: DB_PASSWORD
    ///     valueFrom:
    ///       secretKeyRef:
    ///         name: db
    ///         key: password
    ///   - name: PASSWORD_FILE
    ///     value: /mnt/secrets-store/db-password
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: good practices for Secrets](https://kubernetes.io/docs/concepts/security/secrets-good-practices/)
    /// - [Kubernetes: using Secrets as environment variables](https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables)
    /// - [AKS: Azure Key Vault provider for the Secrets Store CSI driver](https://learn.microsoft.com/azure/aks/csi-secrets-store-driver)
    /// - [AKS: pod security best practices](https://learn.microsoft.com/azure/aks/developer-best-practices-pod-security)
    pub struct SecretInEnvLiteral {
        code: "K8S403",
        name: "secret-in-env-literal",
        category: IdentityAndSecrets,
        severity: Error,
        default_enabled: true,
        scope: Scope::Workloads,
        references: ["kube-linter" => "env-var-secret", "polaris" => "sensitiveContainerEnvVar"],
    }
}

const HELP: &str = "keep the value in Azure Key Vault (mounted with the Secrets Store CSI driver) or in a Secret read with `valueFrom.secretKeyRef`, or use Microsoft Entra Workload ID instead of a credential";

impl Rule for SecretInEnvLiteral {
    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        for container in workload.containers() {
            for entry in container.env() {
                let Some(value) = entry.get("value") else {
                    continue;
                };
                let Some(text) = literal_text(value) else {
                    continue;
                };
                let name = entry.get("name").and_then(NodeRef::as_str);
                let Some(what) = finding(name, text) else {
                    continue;
                };
                let variable = name.map_or_else(
                    || "an unnamed env var".to_owned(),
                    |name| format!("env var `{name}`"),
                );
                let message = format!(
                    "{} of {} sets {variable} to {what} written in the manifest",
                    container.describe(),
                    workload.describe()
                );
                cx.report_node(value, message).help(HELP);
            }
        }
    }
}

/// The text of a scalar `value`, whatever Kubernetes would make of it (null is no value).
fn literal_text(value: NodeRef<'_>) -> Option<&str> {
    if value.is_null() {
        return None;
    }
    value.scalar().map(|(text, _)| text)
}

/// What is wrong with `value` under `name`, for the message; `None` when nothing is.
fn finding(name: Option<&str>, value: &str) -> Option<&'static str> {
    let by_name = match name.and_then(classify) {
        Some(SecretName::Secret) if !cannot_be_secret(value) => Some("a literal secret"),
        Some(SecretName::ConnectionString) if connection_string_credential(value) => {
            Some("a connection string with a literal credential")
        }
        _ => None,
    };
    by_name.or_else(|| {
        if is_private_key(value) {
            Some("a literal private key")
        } else if url_credential(value) {
            Some("a URL with a literal credential")
        } else {
            None
        }
    })
}

/// What an env var's name says its value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SecretName {
    /// The whole value is a secret: a password, token, key, client secret, SAS.
    Secret,
    /// A connection string, which is secret only when it embeds a credential.
    ConnectionString,
}

/// Trailing words that do not change what the name denotes (`SECRET_KEY_BASE`,
/// `PASSWORD_B64`, `API_KEY_VALUE`).
const TRANSPARENT_WORDS: &[&str] = &[
    "value",
    "val",
    "base",
    "b",
    "plain",
    "plaintext",
    "raw",
    "encoded",
    "hex",
];

/// Qualifiers that turn the name into a switch or a policy about a secret, not the secret
/// (`ALLOW_EMPTY_PASSWORD`, `MYSQL_RANDOM_ROOT_PASSWORD`, `SKIP_TOKEN`).
const SWITCH_WORDS: &[&str] = &[
    "allow", "empty", "random", "generate", "skip", "require", "required", "enable", "enabled",
    "disable", "disabled", "use", "no", "is", "has", "should",
];

/// Last words that make a name a reference to something rather than the thing itself, for
/// .NET's `ConnectionStrings__<name>` sections (`ConnectionStrings__Default` is a connection
/// string, `ConnectionStrings__Timeout` is not).
const REFERENCE_WORDS: &[&str] = &[
    "file",
    "path",
    "dir",
    "directory",
    "url",
    "uri",
    "host",
    "hostname",
    "name",
    "id",
    "enabled",
    "length",
    "ttl",
    "header",
    "expiry",
    "timeout",
    "type",
    "mode",
    "format",
    "ref",
    "endpoint",
    "server",
    "port",
    "user",
    "username",
    "provider",
];

/// Qualifiers of `*_KEY` that name a key that is not a credential.
const NON_SECRET_KEYS: &[&str] = &[
    "public",
    "pub",
    "partition",
    "sort",
    "routing",
    "cache",
    "object",
    "shard",
    "hash",
    "lock",
    "foreign",
    "idempotency",
    "lookup",
    "map",
    "row",
    "hot",
    "group",
    "label",
    "selector",
    "annotation",
    "field",
    "index",
    "query",
    "feature",
    "flag",
    "config",
    "dedup",
    "dedupe",
    "unique",
    "composite",
    "metric",
    "metrics",
    "event",
    "topic",
    "message",
    "translation",
];

/// Qualifiers of `*_SECRET` whose value is the name of a Kubernetes Secret, not its content.
const SECRET_OBJECT_QUALIFIERS: &[&str] = &[
    "tls",
    "pull",
    "imagepull",
    "k8s",
    "kubernetes",
    "kube",
    "existing",
    "sealed",
    "external",
];

/// Qualifiers of `*_TOKEN` that name a cursor, not a credential.
const NON_SECRET_TOKENS: &[&str] = &["page", "continuation", "next", "pagination", "cancellation"];

/// Single-word names that end in a secret (`DBPASSWORD`, `apikey`, `CLIENTSECRET`).
const SECRET_SUFFIXES: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "accesskey",
    "secretkey",
    "privatekey",
    "accountkey",
    "masterkey",
    "signingkey",
    "encryptionkey",
    "subscriptionkey",
    "sharedkey",
];

/// Splits an env var name into lowercase words: on any non-alphanumeric character
/// (`_`, `-`, `.`), at camelCase humps (`apiKey`, `DBPassword`) and between letters and digits.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let chars: Vec<char> = part.chars().collect();
        let mut start = 0;
        for i in 1..chars.len() {
            let (previous, current) = (chars[i - 1], chars[i]);
            let next_is_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            let boundary = (previous.is_ascii_lowercase() && current.is_ascii_uppercase())
                || (previous.is_ascii_uppercase() && current.is_ascii_uppercase() && next_is_lower)
                || (previous.is_ascii_digit() != current.is_ascii_digit());
            if boundary {
                words.push(
                    chars[start..i]
                        .iter()
                        .collect::<String>()
                        .to_ascii_lowercase(),
                );
                start = i;
            }
        }
        if start < chars.len() {
            words.push(
                chars[start..]
                    .iter()
                    .collect::<String>()
                    .to_ascii_lowercase(),
            );
        }
    }
    words
}

/// Whether an env var's name says its value is a secret, and which kind.
fn classify(name: &str) -> Option<SecretName> {
    let mut words = words(name);
    while words.last().is_some_and(|word| {
        word.bytes().all(|b| b.is_ascii_digit()) || TRANSPARENT_WORDS.contains(&word.as_str())
    }) {
        words.pop();
    }
    let (head, qualifiers) = words.split_last()?;
    if qualifiers
        .iter()
        .any(|word| SWITCH_WORDS.contains(&word.as_str()))
    {
        return None;
    }
    if let Some((end, section)) = connection_string(&words)
        && (end == words.len() || (section && !REFERENCE_WORDS.contains(&head.as_str())))
    {
        return Some(SecretName::ConnectionString);
    }
    secret_head(head, qualifiers).then_some(SecretName::Secret)
}

/// Where the words `connection string` end (one past), and whether they are .NET's
/// `ConnectionStrings` section, whose keys are each a connection string.
fn connection_string(words: &[String]) -> Option<(usize, bool)> {
    words.iter().enumerate().find_map(|(i, word)| {
        match word.as_str() {
            "connectionstring" | "connstring" | "connstr" => return Some((i + 1, false)),
            "connectionstrings" => return Some((i + 1, true)),
            "connection" | "conn" => {}
            _ => return None,
        }
        match words.get(i + 1).map(String::as_str) {
            Some("string" | "str") => Some((i + 2, false)),
            Some("strings") => Some((i + 2, true)),
            _ => None,
        }
    })
}

/// Whether the last word of a name, with the words before it, denotes a secret.
fn secret_head(head: &str, qualifiers: &[String]) -> bool {
    let previous = qualifiers.last().map(String::as_str);
    let head = match head {
        "passwords" | "secrets" | "tokens" | "keys" | "apikeys" => &head[..head.len() - 1],
        _ => head,
    };
    match head {
        "password" | "passwd" | "passphrase" | "credential" | "credentials" | "creds" | "sas" => {
            true
        }
        // `DB_PASS`, `SMTP_PWD`; `PWD` alone is the shell's working directory.
        "pass" | "pwd" | "pw" => previous.is_some(),
        "secret" => !previous.is_some_and(|q| SECRET_OBJECT_QUALIFIERS.contains(&q)),
        // etcd's `--initial-cluster-token` only keeps clusters apart; it is not a credential.
        "token" => {
            !(previous.is_some_and(|q| NON_SECRET_TOKENS.contains(&q))
                || qualifiers.ends_with(&["initial".to_owned(), "cluster".to_owned()]))
        }
        // A bare `KEY` says nothing; `API_KEY`, `ACCOUNT_KEY`, `PRIVATE_KEY` do.
        "key" => {
            previous.is_some()
                && !qualifiers
                    .iter()
                    .any(|q| NON_SECRET_KEYS.contains(&q.as_str()))
        }
        compound => {
            !compound.starts_with("pub")
                && SECRET_SUFFIXES
                    .iter()
                    .any(|suffix| compound.ends_with(suffix))
        }
    }
}

/// Values that are not a secret whatever the variable is called.
fn cannot_be_secret(value: &str) -> bool {
    let value = value.trim();
    value.is_empty()
        || has_env_reference(value)
        || is_placeholder(value)
        || is_switch_or_none(value)
        || is_short_number(value)
        || is_file_path(value)
        || is_secret_reference(value)
        || (is_url(value) && !url_credential(value))
}

/// `$(OTHER_VAR)`, which Kubernetes replaces with another variable's value (`$$(` escapes it).
fn has_env_reference(value: &str) -> bool {
    value.match_indices("$(").any(|(at, _)| {
        let escaped = value[..at].ends_with('$');
        !escaped && value[at..].contains(')')
    })
}

fn is_switch_or_none(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "true"
            | "false"
            | "yes"
            | "no"
            | "on"
            | "off"
            | "y"
            | "n"
            | "none"
            | "null"
            | "nil"
            | "enabled"
            | "disabled"
            | "-"
    )
}

/// A number or duration too short to be a credential (`3600`, `0`, `30m`, `1.5h`): the value of
/// a lifetime or length whose name the classifier took for the secret itself.
fn is_short_number(value: &str) -> bool {
    let number = value.trim_end_matches(['s', 'm', 'h', 'd', 'w']);
    value.len() <= 5
        && number.starts_with(|c: char| c.is_ascii_digit())
        && number.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// An absolute or relative file path (`/var/run/secrets/token`, `./key.pem`, `C:\keys\a.pfx`).
fn is_file_path(value: &str) -> bool {
    if value.starts_with("./") || value.starts_with("../") || value.starts_with("~/") {
        return !value.contains(char::is_whitespace);
    }
    let bytes = value.as_bytes();
    if bytes.len() > 3 && bytes[0].is_ascii_alphabetic() && &bytes[1..3] == b":\\" {
        return !value.contains(char::is_whitespace);
    }
    // Base64 may start with `/` too, but has no run of path segments made of name characters.
    let Some(rest) = value.strip_prefix('/') else {
        return false;
    };
    let segments: Vec<&str> = rest.split('/').collect();
    segments.len() >= 2
        && segments.iter().all(|segment| {
            !segment.is_empty()
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'@'))
        })
}

/// References to a secret store that the application or an injector resolves: Key Vault
/// references, HashiCorp Vault injector paths, AWS and Google secret manager names.
fn is_secret_reference(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    [
        "@microsoft.keyvault(",
        "vault:",
        "arn:aws:secretsmanager:",
        "arn:aws:ssm:",
        "sm://",
    ]
    .iter()
    .any(|prefix| lower.starts_with(prefix))
        || (lower.starts_with("projects/") && lower.contains("/secrets/"))
}

fn is_url(value: &str) -> bool {
    value.split_once("://").is_some_and(|(scheme, rest)| {
        !scheme.is_empty()
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
            && !rest.contains(char::is_whitespace)
    })
}

/// A value that stands for a credential without being one (a reference, a placeholder).
fn is_indirect(value: &str) -> bool {
    has_env_reference(value) || is_placeholder(value)
}

/// Query parameters of a URL that carry a credential (`sig` is a SAS signature).
const CREDENTIAL_PARAMETERS: &[&str] = &[
    "sig",
    "password",
    "pwd",
    "secret",
    "client_secret",
    "access_token",
    "token",
    "api_key",
    "apikey",
];

/// Whether some URL in `value` embeds a password (`scheme://user:password@host`) or a
/// credential parameter (`?sv=...&sig=...`).
fn url_credential(value: &str) -> bool {
    value.match_indices("://").any(|(at, _)| {
        let rest = &value[at + 3..];
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\''))
            .unwrap_or(rest.len());
        let url = &rest[..end];
        let authority_end = url.find(['/', '?', '#']).unwrap_or(url.len());
        let authority = &url[..authority_end];
        let password = authority
            .rsplit_once('@')
            .and_then(|(userinfo, _)| userinfo.split_once(':'))
            .map(|(_, password)| password);
        if password.is_some_and(|p| !p.is_empty() && !is_indirect(p)) {
            return true;
        }
        let query = url.split_once('?').map_or("", |(_, query)| query);
        let query = query.split_once('#').map_or(query, |(query, _)| query);
        query.split('&').any(|parameter| {
            parameter.split_once('=').is_some_and(|(key, value)| {
                CREDENTIAL_PARAMETERS.contains(&key.to_ascii_lowercase().as_str())
                    && !value.is_empty()
                    && !is_indirect(value)
            })
        })
    })
}

/// Connection-string keys whose value is a credential, lowercase without spaces or `_`.
const CREDENTIAL_KEYS: &[&str] = &[
    "pwd",
    "accountkey",
    "sharedaccesskey",
    "sharedaccesssignature",
    "accesskey",
    "secretkey",
    "secret",
    "clientsecret",
    "apikey",
    "accesstoken",
];

/// Whether a connection string embeds a credential: a `Password=`-like part (`;` or `,`
/// separated, as in ADO.NET, Azure Storage, Service Bus and StackExchange.Redis strings) or a
/// URL with a password.
fn connection_string_credential(value: &str) -> bool {
    let part_has_credential = |part: &str| {
        part.split_once('=').is_some_and(|(key, value)| {
            let key: String = key
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '_')
                .collect::<String>()
                .to_ascii_lowercase();
            let value = value.trim().trim_matches(['"', '\'']);
            (key.ends_with("password") || CREDENTIAL_KEYS.contains(&key.as_str()))
                && !value.is_empty()
                && !is_indirect(value)
        })
    };
    value.split([';', ',']).any(part_has_credential) || url_credential(value)
}

/// A PEM private key (`-----BEGIN RSA PRIVATE KEY-----`, `OPENSSH`, `EC`, `ENCRYPTED`).
fn is_private_key(value: &str) -> bool {
    value
        .find("-----BEGIN")
        .is_some_and(|at| value[at..].contains("PRIVATE KEY-----"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_names_into_words() {
        assert_eq!(words("DB_PASSWORD"), ["db", "password"]);
        assert_eq!(words("clientSecret"), ["client", "secret"]);
        assert_eq!(words("DBPassword"), ["db", "password"]);
        assert_eq!(words("x-api-key"), ["x", "api", "key"]);
        assert_eq!(
            words("ConnectionStrings__Default"),
            ["connection", "strings", "default"]
        );
        assert_eq!(words("OAuth2Token"), ["o", "auth", "2", "token"]);
        assert_eq!(words("app.secret"), ["app", "secret"]);
    }

    #[test]
    fn secret_names() {
        for name in [
            "PASSWORD",
            "DB_PASSWORD",
            "MYSQL_ROOT_PASSWORD",
            "POSTGRES_PASSWORD",
            "adminPassword",
            "DBPASSWORD",
            "REDIS_PASS",
            "SMTP_PWD",
            "DB_PASSWD",
            "KEY_PASSPHRASE",
            "SECRET",
            "CLIENT_SECRET",
            "AZURE_CLIENT_SECRET",
            "jwtSecret",
            "CLIENTSECRET",
            "TOKEN",
            "GITHUB_TOKEN",
            "ACCESS_TOKEN",
            "HUGGING_FACE_HUB_TOKEN",
            "SAS_TOKEN",
            "AZURE_STORAGE_SAS",
            "API_KEY",
            "apiKey",
            "APIKEY",
            "x-api-key",
            "OPENAI_API_KEY",
            "ACCESS_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "PRIVATE_KEY",
            "STORAGE_ACCOUNT_KEY",
            "SECRET_KEY",
            "SECRET_KEY_BASE",
            "SUBSCRIPTION_KEY",
            "API_KEYS",
            "CREDENTIALS",
            "REGISTRY_CREDS",
            "DB_PASSWORD_2",
            "PASSWORD_B64",
            "Database__Password",
        ] {
            assert_eq!(classify(name), Some(SecretName::Secret), "{name}");
        }
    }

    #[test]
    fn connection_string_names() {
        for name in [
            "CONNECTION_STRING",
            "DB_CONNECTION_STRING",
            "AZURE_STORAGE_CONNECTION_STRING",
            "ServiceBusConnectionString",
            "ConnectionStrings__Default",
            "ConnectionStrings__OrdersDb",
            "REDIS_CONN_STR",
        ] {
            assert_eq!(classify(name), Some(SecretName::ConnectionString), "{name}");
        }
    }

    #[test]
    fn names_that_are_not_secrets() {
        for name in [
            "PASSWORD_FILE",
            "DB_PASSWORD_PATH",
            "SECRETS_DIR",
            "TOKEN_URL",
            "OAUTH_TOKEN_URI",
            "DB_HOST",
            "SECRET_NAME",
            "ALLOYDB_SECRET_NAME",
            "CLIENT_ID",
            "ACCESS_KEY_ID",
            "KEY_ID",
            "TOKEN_ENABLED",
            "PASSWORD_LENGTH",
            "TOKEN_TTL",
            "TOKEN_EXPIRY",
            "AUTH_TOKEN_HEADER",
            "SECRET_USERNAME",
            "KEY_VAULT_NAME",
            "AZURE_KEYVAULT_URL",
            "PUBLIC_KEY",
            "VAPID_PUBLIC_KEY",
            "PARTITION_KEY",
            "ROUTING_KEY",
            "CACHE_KEY",
            "KEY",
            "PWD",
            "OLDPWD",
            "PASS",
            "BYPASS",
            "TLS_SECRET",
            "IMAGE_PULL_SECRET",
            "EXISTING_SECRET",
            "NEXT_PAGE_TOKEN",
            "ETCD_INITIAL_CLUSTER_TOKEN",
            "ALLOW_EMPTY_PASSWORD",
            "MYSQL_RANDOM_ROOT_PASSWORD",
            "ARGOCD_REDIS_KEY_PREFIX",
            "CONNECTION_STRING_FILE",
            "ConnectionStrings__Timeout",
            "MAX_CONNECTIONS",
            "TOKENREF_STRICT_MODE",
            "PASSWORD_MIN_LENGTH",
            "",
            "__",
        ] {
            assert_eq!(classify(name), None, "{name}");
        }
    }

    #[test]
    fn values_that_cannot_be_secrets() {
        for value in [
            "",
            "  ",
            "$(DB_PASSWORD)",
            "Bearer $(TOKEN)",
            "${DB_PASSWORD}",
            "#{DbPassword}#",
            "__DbPassword__",
            "{{ .Values.password }}",
            "<your-password>",
            "true",
            "False",
            "yes",
            "none",
            "3600",
            "30m",
            "/var/run/secrets/tokens/azure-identity-token",
            "/etc/ssl/private/tls.key",
            "./secrets/key.pem",
            "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/)",
            "vault:secret/data/app#password",
            "https://kv.vault.azure.net/secrets/db",
        ] {
            assert!(cannot_be_secret(value), "{value:?}");
        }
        for value in [
            "hunter2",
            "$$(NOT_A_REFERENCE)",
            "123456",
            "/Xk3mP+aQ==",
            "changeme",
            "https://admin:hunter2@registry.example.com",
        ] {
            assert!(!cannot_be_secret(value), "{value:?}");
        }
    }

    #[test]
    fn connection_strings_with_and_without_credentials() {
        for value in [
            "Host=db;Username=app;Password=hunter2;Database=app",
            "Server=tcp:sql.database.windows.net;User ID=app;Pwd=hunter2",
            "DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey=bXlrZXk=;EndpointSuffix=core.windows.net",
            "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=abc=",
            "cache.redis.cache.windows.net:6380,password=abc,ssl=True",
            "mongodb://app:hunter2@mongo-0,mongo-1/app",
            "Server=db;User Id=$(DB_USER);Password=hunter2",
        ] {
            assert!(connection_string_credential(value), "{value:?}");
        }
        for value in [
            "projects/p/instances/i/databases/d",
            "Server=tcp:sql.database.windows.net;Authentication=Active Directory Default;Database=app",
            "Server=db;Password=$(DB_PASSWORD)",
            "Server=db;Password=",
            "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/",
            "mongodb://mongo-0/app",
        ] {
            assert!(!connection_string_credential(value), "{value:?}");
        }
    }

    #[test]
    fn values_that_are_secrets_whatever_the_name() {
        assert!(is_private_key(
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----\n"
        ));
        assert!(!is_private_key("-----BEGIN CERTIFICATE-----\nMIIB\n"));
        assert!(url_credential("postgres://app:hunter2@db:5432/app"));
        assert!(url_credential(
            "https://contoso.blob.core.windows.net/c?sv=2022-11-02&sp=r&sig=abc%3D"
        ));
        assert!(!url_credential("postgres://app@db:5432/app"));
        assert!(!url_credential("amqp://app:$(RABBIT_PASSWORD)@rabbit"));
        assert!(!url_credential("https://example.com/path?user=a:b@c"));
        assert_eq!(
            finding(Some("DATABASE_URL"), "postgres://a:b@db/x"),
            Some("a URL with a literal credential")
        );
        assert_eq!(finding(Some("DATABASE_URL"), "postgres://db/x"), None);
        assert_eq!(finding(Some("TOKEN_EXPIRY"), "3600"), None);
        assert_eq!(finding(Some("API_TOKEN"), "3600"), None);
        assert_eq!(
            finding(Some("API_TOKEN"), "ghp_abc123"),
            Some("a literal secret")
        );
    }
}
