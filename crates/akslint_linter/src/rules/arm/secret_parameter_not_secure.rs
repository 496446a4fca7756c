use akslint_model::azure::{EvaluatedTemplate, member_node};

use crate::context::WithHelp;
use crate::{Context, Rule, Scope, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `string` parameters whose name says they hold a secret: a password (`password`,
    /// `passwd`, `pwd`, `passphrase`), a secret, a token, a key (`accountKey`, `apiKey`,
    /// `sharedKey`), credentials, a connection string or a shared access signature (`sas`,
    /// `sharedAccessSignature`), in the template and in the inline templates of nested
    /// deployments.
    ///
    /// ## Why it matters
    /// ARM writes the value of a plain `string` parameter into the deployment history and the
    /// activity logs, where everyone with read access to the resource group can read it. A
    /// `securestring` parameter is neither stored nor logged, and can take its value from a
    /// Key Vault reference in the parameter file.
    ///
    /// The name is split into words (camelCase, PascalCase, snake_case, kebab-case, digits, and
    /// the known secret words inside an all-lowercase name such as `adminpassword`). A
    /// parameter is flagged when its last secret word ends the name, or is followed only by
    /// words that still mean the secret itself (`passwordValue`, `secretText`,
    /// `connectionString`, `sasUrl`). So names about a secret rather than holding one pass:
    /// `keyVaultName`, `secretName`, `passwordLength`, `tokenLifetime`, `keyId`, `secretUri`,
    /// `sasExpiry`, `connectionStringName`. Keys that are not secrets pass too: SSH keys are
    /// public keys in templates (`sshPublicKey`, `adminSshKey`, `linuxProfile.ssh.publicKeys`;
    /// `sshPrivateKey` is flagged), and so are partition, row and sort keys, idempotency keys
    /// and Application Insights instrumentation keys. A parameter with `allowedValues` is a
    /// choice among published values, not a secret, and is not flagged.
    ///
    /// ## Example
    /// ```json
    /// "parameters": {
    ///   "windowsAdminPassword": { "type": "string" }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "parameters": {
    ///   "windowsAdminPassword": { "type": "securestring" }
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [ARM templates: security recommendations for parameters](https://learn.microsoft.com/azure/azure-resource-manager/templates/best-practices#security-recommendations-for-parameters)
    /// - [ARM template test toolkit: secure string parameters cannot have default](https://learn.microsoft.com/azure/azure-resource-manager/templates/template-test-cases#secure-parameters-cant-have-hard-coded-default)
    /// - [Bicep linter: secure-secrets-in-params](https://learn.microsoft.com/azure/azure-resource-manager/bicep/linter-rule-secure-secrets-in-parameters)
    /// - [Use Key Vault to pass secure parameter values](https://learn.microsoft.com/azure/azure-resource-manager/templates/key-vault-parameter)
    pub struct SecretParameterNotSecure {
        code: "ARM003",
        name: "secret-parameter-not-secure",
        category: TemplateHygiene,
        severity: Warning,
        default_enabled: true,
        scope: Scope::ArmTemplates,
        references: ["bicep linter" => "secure-secrets-in-params"],
    }
}

impl Rule for SecretParameterNotSecure {
    fn check_template(&self, template: &EvaluatedTemplate<'_>, cx: &mut Context<'_>) {
        for parameter in template.templates.iter().flat_map(|t| &t.parameters) {
            let is_string = parameter
                .type_name
                .is_some_and(|t| t.eq_ignore_ascii_case("string"));
            if !is_string
                || member_node(parameter.decl, "allowedValues").is_some()
                || !looks_secret(&parameter.name)
            {
                continue;
            }
            let at = member_node(parameter.decl, "type").unwrap_or(parameter.key);
            let bicep = cx.is_bicep();
            cx.report_node(
                at,
                format!(
                    "parameter `{}` looks like a secret but is a plain `string`: its value is kept in the deployment history and logs",
                    parameter.name
                ),
            )
            .help(if bicep {
                "declare it with the `@secure()` decorator and pass the value at deployment, e.g. with `getSecret()` in the `.bicepparam` file"
            } else {
                "declare it `\"type\": \"securestring\"` and pass the value at deployment, e.g. from a Key Vault reference in the parameter file"
            });
        }
    }
}

/// Secret words that may be written inside an all-lowercase word (`adminpassword`), longest
/// first where one contains another; `key`, `pwd`, `sas` and the like are too short to find
/// inside other words (`monkey`, `keyvault`).
const EMBEDDED_TERMS: &[&str] = &[
    "connectionstrings",
    "connectionstring",
    "credentials",
    "credential",
    "passphrase",
    "privatekey",
    "accountkey",
    "accesskey",
    "passwords",
    "password",
    "sastoken",
    "acctkey",
    "secrets",
    "passwd",
    "apikey",
    "secret",
    "tokens",
    "token",
];

/// Words that name a secret on their own.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwords",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "secret",
    "secrets",
    "token",
    "tokens",
    "credential",
    "credentials",
    "cred",
    "creds",
    "key",
    "keys",
    "apikey",
    "accountkey",
    "acctkey",
    "accesskey",
    "privatekey",
    "sas",
    "sastoken",
    "connectionstring",
    "connectionstrings",
];

/// Words after a secret word that still name the secret itself, not something about it.
const VALUE_WORDS: &[&str] = &[
    "value",
    "values",
    "string",
    "text",
    "plain",
    "plaintext",
    "raw",
    "b64",
    "base64",
    "encoded",
    "data",
    "content",
];

/// Words right before `key` that make it something other than a secret.
const NON_SECRET_KEY_KINDS: &[&str] = &[
    "public",
    "ssh",
    "partition",
    "row",
    "sort",
    "shard",
    "idempotency",
    "foreign",
    "instrumentation",
    "routing",
    "lookup",
];

/// Parts of every secret word and two-word secret term: an ASCII name without any of them
/// cannot look secret, and most parameter names are ruled out by this before they are split.
const SECRET_STEMS: &[&[u8]] = &[
    b"pass",
    b"pwd",
    b"secret",
    b"token",
    b"cred",
    b"key",
    b"sas",
    b"connection",
    b"signature",
];

/// Whether a parameter name says the parameter holds a secret.
pub(crate) fn looks_secret(name: &str) -> bool {
    // Outside ASCII, lowercasing may turn a character into the ASCII letters of a stem.
    if name.is_ascii() && !contains_stem(name.as_bytes()) {
        return false;
    }
    let words = split_words(name);
    let Some((start, end)) = last_secret(&words) else {
        return false;
    };
    let term = words[end].as_str();
    let trailing_ok = words[end + 1..].iter().all(|word| {
        VALUE_WORDS.contains(&word.as_str())
            || word.bytes().all(|b| b.is_ascii_digit())
            || (term == "sas" && matches!(word.as_str(), "url" | "uri"))
    });
    if !trailing_ok {
        return false;
    }
    if matches!(term, "key" | "keys") && !words.iter().any(|w| w == "private") {
        let kind = start.checked_sub(1).map(|i| words[i].as_str());
        if kind.is_some_and(|kind| NON_SECRET_KEY_KINDS.contains(&kind)) {
            return false;
        }
    }
    true
}

/// Which (lowercase) bytes start one of [`SECRET_STEMS`].
const STARTS_STEM: [bool; 256] = {
    let mut starts = [false; 256];
    let mut i = 0;
    while i < SECRET_STEMS.len() {
        starts[SECRET_STEMS[i][0] as usize] = true;
        i += 1;
    }
    starts
};

/// Whether `name` contains one of [`SECRET_STEMS`], in any ASCII case.
fn contains_stem(name: &[u8]) -> bool {
    // One pass over the name, comparing only the stems that start with the letter there: most
    // names hold no stem, and are read once instead of once per stem.
    (0..name.len()).any(|at| {
        let rest = &name[at..];
        let first = rest[0].to_ascii_lowercase();
        STARTS_STEM[usize::from(first)]
            && SECRET_STEMS.iter().any(|stem| {
                stem.first() == Some(&first)
                    && rest
                        .get(..stem.len())
                        .is_some_and(|window| window.eq_ignore_ascii_case(stem))
            })
    })
}

/// The first and last word of the last secret term: a secret word, `connection string` or
/// `access signature`.
fn last_secret(words: &[String]) -> Option<(usize, usize)> {
    (0..words.len()).rev().find_map(|end| {
        let word = words[end].as_str();
        let previous = end.checked_sub(1).map(|i| words[i].as_str());
        if SECRET_WORDS.contains(&word) {
            Some((end, end))
        } else if matches!(
            (previous, word),
            (Some("connection"), "string" | "strings") | (Some("access"), "signature")
        ) {
            Some((end - 1, end))
        } else {
            None
        }
    })
}

/// Splits an identifier into lowercase words: at `_`, `-`, `.` and other punctuation, at
/// camelCase and PascalCase boundaries (`SASToken` is `sas` `token`), between letters and
/// digits, and around the secret words written inside an all-lowercase word.
fn split_words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            push_word(&mut words, &mut current);
            continue;
        }
        if let Some(&previous) = i.checked_sub(1).and_then(|p| chars.get(p))
            && !current.is_empty()
        {
            let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let boundary = (previous.is_lowercase() && c.is_uppercase())
                || (previous.is_uppercase() && c.is_uppercase() && next_is_lower)
                || (previous.is_alphabetic() && c.is_numeric())
                || (previous.is_numeric() && c.is_alphabetic());
            if boundary {
                push_word(&mut words, &mut current);
            }
        }
        current.extend(c.to_lowercase());
    }
    push_word(&mut words, &mut current);
    words
}

/// Ends the current word, splitting out any secret word written inside it.
fn push_word(words: &mut Vec<String>, current: &mut String) {
    let mut rest = std::mem::take(current);
    while !rest.is_empty() {
        if SECRET_WORDS.contains(&rest.as_str()) {
            words.push(rest);
            return;
        }
        let found = EMBEDDED_TERMS
            .iter()
            .filter_map(|term| rest.find(term).map(|at| (at, *term)))
            .min_by_key(|&(at, term)| (at, std::cmp::Reverse(term.len())));
        let Some((at, term)) = found else {
            words.push(rest);
            return;
        };
        if at > 0 {
            words.push(rest[..at].to_owned());
        }
        words.push(term.to_owned());
        rest = rest[at + term.len()..].to_owned();
    }
}

#[cfg(test)]
mod tests {
    use super::{EMBEDDED_TERMS, SECRET_WORDS, contains_stem, looks_secret, split_words};

    #[test]
    fn identifiers_split_into_words() {
        assert_eq!(
            split_words("sshRSAPublicKey"),
            ["ssh", "rsa", "public", "key"]
        );
        assert_eq!(split_words("SASToken"), ["sas", "token"]);
        assert_eq!(split_words("admin_password-2"), ["admin", "password", "2"]);
        assert_eq!(
            split_words("storage.connection_string"),
            ["storage", "connection", "string"]
        );
        assert_eq!(split_words("sqladminpassword"), ["sqladmin", "password"]);
        assert_eq!(split_words("mysastoken"), ["my", "sastoken"]);
        assert_eq!(split_words("AKSClientSecret"), ["aks", "client", "secret"]);
        assert_eq!(
            split_words("_artifactsLocationSasToken"),
            ["artifacts", "location", "sas", "token"]
        );
        assert_eq!(split_words(""), Vec::<String>::new());
    }

    #[test]
    fn every_secret_term_contains_a_stem() {
        let terms = SECRET_WORDS
            .iter()
            .chain(EMBEDDED_TERMS)
            .chain(&["connection", "access signature"]);
        for term in terms {
            assert!(contains_stem(term.as_bytes()), "{term}");
        }
    }

    #[test]
    fn secret_names_are_recognised() {
        for name in [
            "adminPassword",
            "windowsAdminPassword",
            "AdminPassword",
            "admin_password",
            "admin-password",
            "adminpassword",
            "ccadminRawPassword",
            "vmAdminPwd",
            "adminPass",
            "certificatePassphrase",
            "servicePrincipalClientSecret",
            "clientSecret",
            "aadServerAppSecret",
            "hostpoolToken",
            "githubToken",
            "_artifactsLocationSasToken",
            "storageSas",
            "blobSasUrl",
            "sharedAccessSignature",
            "storageAccountKey",
            "storageaccountkey",
            "accessKey",
            "apiKey",
            "API_KEY",
            "sharedKey",
            "sshPrivateKey",
            "privateSshKey",
            "registryCredentials",
            "acrCreds",
            "storageConnectionString",
            "connectionstring",
            "ConnectionStrings",
            "adminPasswordOrKey",
            "sshKeyOrPassword",
            "passwordValue",
            "secretText",
            "adminPassword2",
            "secrets",
        ] {
            assert!(looks_secret(name), "{name} should look secret");
        }
    }

    #[test]
    fn names_about_secrets_are_not_secrets() {
        for name in [
            "keyVaultName",
            "keyvaultname",
            "keyVaultResourceId",
            "sshPublicKey",
            "sshRSAPublicKey",
            "adminSshKey",
            "csadminSshKey",
            "sshKeyData",
            "publicKey",
            "tokenLifetime",
            "tokenExpirationTime",
            "secretName",
            "secretname",
            "keyVaultSecretName",
            "secretUrlWithVersion",
            "secretUri",
            "passwordLength",
            "passwordlength",
            "keyId",
            "keyVaultKmsByoKeyId",
            "keySize",
            "keyType",
            "sasExpiry",
            "connectionStringName",
            "connectionName",
            "authenticationType",
            "partitionKey",
            "rowKey",
            "instrumentationKey",
            "idempotencyKey",
            "passThrough",
            "bypassNetworkRules",
            "monkeyName",
            "passwordSecretName",
            "clusterName",
            "diagnosticsEventHubAuthRuleId",
            "",
        ] {
            assert!(!looks_secret(name), "{name} should not look secret");
        }
    }
}
