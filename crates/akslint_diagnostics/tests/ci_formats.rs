//! The CI output formats (SARIF, GitHub, GitLab, JUnit) on a few hand-made diagnostics: a file
//! with non-ASCII text before the finding, a file with CRLF line ends, a multi-line range, a
//! related location, and messages carrying hostile manifest content.

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use akslint_diagnostics::render::{
    PathBase, RuleDescriptor, SarifOptions, github, gitlab, junit, sarif,
};
use akslint_diagnostics::{Diagnostic, ObjectRef, Related, Severity, rule_url};
use akslint_text::{SourceFile, Span};
use serde_json::Value;

/// `𝄞` is one character but two UTF-16 code units, so columns after it differ by unit.
const UNICODE_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: wéb
  namespace: shop
spec:
  containers:
    - {name: \"𝄞-api\", image: nginx, securityContext: {privileged: true}}
";

const CRLF_DEPLOYMENT: &str = "apiVersion: apps/v1\r\nkind: Deployment\r\nmetadata:\r\n  name: api\r\n  namespace: shop\r\nspec:\r\n  template:\r\n    spec:\r\n      hostNetwork: true\r\n      containers:\r\n        - name: api\r\n";

fn span_of(file: &SourceFile, needle: &str) -> Span {
    let start = file.text().find(needle).expect("needle in the fixture");
    Span::from_range(start..start + needle.len())
}

fn object(kind: &str, name: &str) -> Option<Arc<ObjectRef>> {
    Some(Arc::new(ObjectRef {
        kind: kind.to_owned(),
        name: Some(name.to_owned()),
        namespace: Some("shop".to_owned()),
    }))
}

fn diagnostic(
    file: &Arc<SourceFile>,
    needle: &str,
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: &str,
) -> Diagnostic {
    Diagnostic {
        code: Cow::Borrowed(code),
        name: Cow::Borrowed(name),
        severity,
        message: message.to_owned(),
        help: None,
        file: Arc::clone(file),
        span: span_of(file, needle),
        object: None,
        source_template: None,
        rendered_range: None,
        related: Vec::new(),
        url: Some(rule_url(code).into()),
        fix: None,
    }
}

/// Four findings in output order: two in the CRLF file (the first across lines), two in the
/// Unicode file (the second with a related location in the other file).
fn diagnostics() -> Vec<Diagnostic> {
    let crlf = SourceFile::new("deploy/crlf.yaml", CRLF_DEPLOYMENT);
    let pod = SourceFile::new("deploy/my app/pod.yaml", UNICODE_POD);

    let mut host_network = diagnostic(
        &crlf,
        "true",
        "K8S107",
        "host-network",
        Severity::Error,
        "Deployment `api` sets `hostNetwork: true`: its pods share the node's network namespace",
    );
    host_network.help = Some("remove `hostNetwork` from the pod spec".into());
    host_network.object = object("Deployment", "api");

    let mut template = diagnostic(
        &crlf,
        "template:\r\n    spec:",
        "K8S301",
        "resources-missing",
        Severity::Warning,
        "container `api` of Deployment `api` sets no resource limits",
    );
    template.object = object("Deployment", "api");

    let mut privileged = diagnostic(
        &pod,
        "true",
        "K8S101",
        "privileged-container",
        Severity::Error,
        "container `𝄞-api` of Pod `wéb` is privileged",
    );
    privileged.help = Some("set `privileged: false`, or remove it".into());
    privileged.object = object("Pod", "wéb");
    privileged.related.push(Related {
        file: Arc::clone(&crlf),
        span: span_of(&crlf, "hostNetwork"),
        message: "the Deployment in the same namespace".to_owned(),
    });

    // A constraint from a policy: no rule descriptor is passed for it.
    let mut policy = diagnostic(
        &pod,
        "nginx",
        "K8sAllowedRepos",
        "allowed-repos",
        Severity::Note,
        "image `nginx` is not from an allowed repository",
    );
    policy.url = None;
    policy.object = object("Pod", "wéb");

    let mut all = vec![host_network, template, privileged, policy];
    all.sort_by(Diagnostic::output_order);
    all
}

fn descriptors() -> Vec<RuleDescriptor> {
    let mut privileged = RuleDescriptor::new(
        "K8S101",
        "privileged-container",
        "pod-security",
        Severity::Error,
    );
    privileged.summary = "Flags containers that run privileged.".to_owned();
    privileged.description =
        "Flags containers whose `securityContext.privileged` is `true`.".to_owned();
    privileged.help_markdown =
        "# K8S101 privileged-container\n\nSet `privileged: false`.\n".to_owned();
    privileged.extra_tags = vec!["pss-baseline".to_owned()];
    privileged.security_severity = Some(9.0);

    let mut host_network =
        RuleDescriptor::new("K8S107", "host-network", "pod-security", Severity::Error);
    host_network.summary = "Flags pods that set `hostNetwork: true`.".to_owned();

    let resources = RuleDescriptor::new(
        "K8S301",
        "resources-missing",
        "resources",
        Severity::Warning,
    );
    // A rule without results: it must not be listed.
    let unused = RuleDescriptor::new("K8S999", "never-fires", "images", Severity::Note);
    vec![privileged, host_network, resources, unused]
}

fn base() -> PathBase {
    PathBase::new("/repo")
}

fn render_sarif(diagnostics: &[Diagnostic]) -> String {
    let rules = descriptors();
    let paths = base();
    sarif(
        diagnostics,
        SarifOptions {
            rules: &rules,
            paths: &paths,
        },
    )
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).expect("valid JSON")
}

/// Upstream copies of the schema carry a `language` pattern that is not a valid regex for
/// `jsonschema`; the vendored copy is already corrected, and so is any copy dropped in later.
const BROKEN_LANGUAGE_PATTERN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
const LANGUAGE_PATTERN: &str = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$";

fn assert_valid_sarif(text: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif-schema-2.1.0.json");
    let schema = std::fs::read_to_string(path)
        .expect("schema fixture")
        .replace(BROKEN_LANGUAGE_PATTERN, LANGUAGE_PATTERN);
    let schema = parse(&schema);
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let instance = parse(text);
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|error| format!("{error} at {}", error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "invalid SARIF:\n{}\n{text}",
        errors.join("\n")
    );
}

fn without_version(text: &str) -> String {
    text.replace(
        &format!("\"{}\"", env!("CARGO_PKG_VERSION")),
        "\"[version]\"",
    )
}

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!("sarif", without_version(&render_sarif(&diagnostics())));
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    assert_valid_sarif(&render_sarif(&diagnostics()));
    assert_valid_sarif(&render_sarif(&[]));
    // A file outside the project root gets an absolute file URI and no base.
    let outside = SourceFile::new("/tmp/other dir/pod.yaml", UNICODE_POD);
    let finding = diagnostic(
        &outside,
        "true",
        "K8S101",
        "privileged-container",
        Severity::Error,
        "m",
    );
    let text = render_sarif(&[finding]);
    assert_valid_sarif(&text);
    let location = &parse(&text)["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"],
        serde_json::json!({"uri": "file:///tmp/other%20dir/pod.yaml"})
    );
}

#[test]
fn the_schema_rejects_a_broken_log() {
    // Guards the guard: a validator that accepted everything would make the test above moot.
    let mut log = parse(&render_sarif(&diagnostics()));
    log["runs"][0]["results"][0]["level"] = Value::from("fatal");
    let text = log.to_string();
    let result = std::panic::catch_unwind(|| assert_valid_sarif(&text));
    assert!(result.is_err());
}

#[test]
fn sarif_has_one_run_and_github_required_rule_metadata() {
    let log = parse(&render_sarif(&diagnostics()));
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        "file:///repo/"
    );
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "akslint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        driver["informationUri"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://"))
    );

    let rules = driver["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    // Only rules with results, in code order; the policy constraint gets a descriptor of its own.
    assert_eq!(ids, ["K8S101", "K8S107", "K8S301", "K8sAllowedRepos"]);
    for rule in rules {
        for text in [
            &rule["shortDescription"]["text"],
            &rule["fullDescription"]["text"],
            &rule["help"]["text"],
        ] {
            assert!(
                text.as_str().is_some_and(|t| !t.trim().is_empty()),
                "{rule}"
            );
        }
        let score: f64 = rule["properties"]["security-severity"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("security-severity is a numeric string");
        assert!((0.1..=10.0).contains(&score));
        assert_eq!(rule["properties"]["tags"][0], "security");
    }
    assert_eq!(rules[0]["helpUri"], rule_url("K8S101"));
    assert_eq!(rules[0]["properties"]["security-severity"], "9.0");
    assert_eq!(
        rules[0]["properties"]["tags"],
        serde_json::json!(["security", "pod-security", "pss-baseline"])
    );
    assert_eq!(rules[1]["properties"]["security-severity"], "8.0");
    assert_eq!(rules[2]["properties"]["security-severity"], "5.0");
    assert_eq!(rules[2]["defaultConfiguration"]["level"], "warning");
    assert_eq!(rules[3]["properties"]["security-severity"], "2.0");

    for result in run["results"].as_array().expect("results") {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex");
        let index = usize::try_from(index).expect("small index");
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
}

#[test]
fn sarif_regions_count_utf16_code_units_and_ignore_crlf() {
    let log = parse(&render_sarif(&diagnostics()));
    let results = log["runs"][0]["results"].as_array().expect("results");
    let region = |i: usize| results[i]["locations"][0]["physicalLocation"]["region"].clone();
    let uri = |i: usize| {
        results[i]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].clone()
    };

    // `template:\r\n    spec:` ends on the next line, after `spec:`; `\r` is never a column.
    assert_eq!(uri(0), "deploy/crlf.yaml");
    assert_eq!(
        region(0),
        serde_json::json!({"startLine": 7, "startColumn": 3, "endLine": 8, "endColumn": 10})
    );
    // `      hostNetwork: true` on line 9 of the CRLF file: `true` is columns 20..24.
    assert_eq!(
        region(1),
        serde_json::json!({"startLine": 9, "startColumn": 20, "endLine": 9, "endColumn": 24})
    );

    // Line 8 of the pod: `true` starts at character 67 but UTF-16 column 68 (𝄞 is a pair).
    assert_eq!(uri(3), "deploy/my%20app/pod.yaml");
    let line = UNICODE_POD.lines().nth(7).expect("line 8");
    let chars_before = line[..line.find("true").expect("true")].chars().count();
    assert_eq!(chars_before, 66);
    assert_eq!(
        region(3),
        serde_json::json!({"startLine": 8, "startColumn": 68, "endLine": 8, "endColumn": 72})
    );
    // The JSON format counts characters for the same finding.
    assert_eq!(diagnostics()[3].range().start.column, 67);

    let related = &results[3]["relatedLocations"][0];
    assert_eq!(related["id"], 0);
    assert_eq!(
        related["message"]["text"],
        "the Deployment in the same namespace"
    );
    assert_eq!(
        related["physicalLocation"]["region"],
        serde_json::json!({"startLine": 9, "startColumn": 7, "endLine": 9, "endColumn": 18})
    );
    assert_eq!(
        results[3]["message"]["text"],
        "container `𝄞-api` of Pod `wéb` is privileged\nhelp: set `privileged: false`, or remove it"
    );
}

fn sarif_fingerprint(text: &str, i: usize) -> String {
    parse(text)["runs"][0]["results"][i]["partialFingerprints"]["akslintObjectIdentity/v1"]
        .as_str()
        .expect("fingerprint")
        .to_owned()
}

#[test]
fn fingerprints_survive_moved_lines_but_not_edited_ones() {
    let before = render_sarif(&diagnostics()[1..2]);
    let fingerprint = sarif_fingerprint(&before, 0);
    assert_eq!(fingerprint.len(), 16);

    let moved = SourceFile::new(
        "deploy/crlf.yaml",
        CRLF_DEPLOYMENT.replace(
            "spec:\r\n  template:",
            "spec:\r\n  replicas: 2\r\n\r\n  template:",
        ),
    );
    let mut finding = diagnostics().remove(1);
    finding.span = span_of(&moved, "true");
    finding.file = Arc::clone(&moved);
    let after = render_sarif(&[finding.clone()]);
    assert_ne!(
        parse(&after)["runs"][0]["results"][0]["locations"],
        parse(&before)["runs"][0]["results"][0]["locations"]
    );
    assert_eq!(sarif_fingerprint(&after, 0), fingerprint);

    let edited = SourceFile::new(
        "deploy/crlf.yaml",
        CRLF_DEPLOYMENT.replace("hostNetwork: true", "hostNetwork:   true # why"),
    );
    finding.span = span_of(&edited, "true");
    finding.file = edited;
    assert_ne!(sarif_fingerprint(&render_sarif(&[finding]), 0), fingerprint);
}

/// Two containers with the same offending line in one object: the same identity twice.
fn twin_findings() -> Vec<Diagnostic> {
    let text = "kind: Pod\nmetadata:\n  name: twins\nspec:\n  containers:\n    - name: a\n      securityContext: {privileged: true}\n    - name: b\n      securityContext: {privileged: true}\n";
    let file = SourceFile::new("twins.yaml", text);
    let second = text.rfind("true").expect("second");
    let mut first = diagnostic(
        &file,
        "true",
        "K8S101",
        "privileged-container",
        Severity::Error,
        "privileged",
    );
    first.object = object("Pod", "twins");
    let mut other = first.clone();
    other.span = Span::from_range(second..second + 4);
    vec![first, other]
}

#[test]
fn colliding_fingerprints_are_made_unique_in_both_formats() {
    let findings = twin_findings();
    let report = parse(&gitlab(&findings, &base()));
    let gitlab_prints: Vec<&str> = report
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|issue| issue["fingerprint"].as_str())
        .collect();
    assert_eq!(gitlab_prints.len(), 2);
    assert_ne!(gitlab_prints[0], gitlab_prints[1]);

    let text = render_sarif(&findings);
    let sarif_prints = [sarif_fingerprint(&text, 0), sarif_fingerprint(&text, 1)];
    assert_ne!(sarif_prints[0], sarif_prints[1]);
    // One identity, one hash, whichever format shows it.
    assert_eq!(sarif_prints, [gitlab_prints[0], gitlab_prints[1]]);
}

#[test]
fn github_snapshot() {
    insta::assert_snapshot!("github", github(&diagnostics(), &base()));
}

#[test]
fn github_commands_cannot_be_injected_through_manifest_content() {
    let file = SourceFile::new("deploy/a,line=1:b.yaml", UNICODE_POD);
    let mut finding = diagnostic(
        &file,
        "true",
        "K8S101",
        "privileged-container",
        Severity::Warning,
        "container `x\n::error file=evil.yaml,line=1::forged` is privileged 100%\r",
    );
    finding.help = Some("see ::add-mask::secret".into());
    let out = github(&[finding], &base());
    assert_eq!(out.lines().count(), 1, "{out}");
    assert_eq!(
        out,
        "::warning file=deploy/a%2Cline=1%3Ab.yaml,line=8,endLine=8,col=67,endColumn=71,\
         title=K8S101 privileged-container::container `x%0A::error file=evil.yaml,line=1::forged` \
         is privileged 100%25%0D%0Ahelp: see ::add-mask::secret\n"
    );
}

#[test]
fn github_drops_columns_on_multi_line_ranges() {
    let out = github(&diagnostics(), &base());
    let multi = out.lines().next().expect("first command");
    assert!(
        multi.starts_with("::warning file=deploy/crlf.yaml,line=7,endLine=8,title="),
        "{multi}"
    );
    assert!(!multi.contains("col="));
    assert!(
        out.lines()
            .nth(2)
            .is_some_and(|l| l.starts_with("::notice "))
    );
}

#[test]
fn gitlab_snapshot() {
    insta::assert_snapshot!("gitlab", gitlab(&diagnostics(), &base()));
}

#[test]
fn gitlab_issues_have_the_code_quality_shape() {
    let paths = PathBase {
        working_dir: "/repo/deploy".into(),
        project_root: "/repo".into(),
    };
    let file = SourceFile::new("crlf.yaml", CRLF_DEPLOYMENT);
    let mut finding = diagnostics().remove(1);
    finding.file = file;
    let report = parse(&gitlab(&[finding], &paths));
    let issue = &report[0];
    assert_eq!(issue["check_name"], "K8S107");
    assert_eq!(issue["severity"], "major");
    assert!(
        issue["description"]
            .as_str()
            .is_some_and(|d| d.starts_with("K8S107 Deployment `api`"))
    );
    // Relative to the project root (CI_PROJECT_DIR), not to where akslint ran.
    assert_eq!(issue["location"]["path"], "deploy/crlf.yaml");
    assert_eq!(issue["location"]["lines"]["begin"], 9);
    let severities: Vec<Value> = parse(&gitlab(&diagnostics(), &base()))
        .as_array()
        .expect("array")
        .iter()
        .map(|i| i["severity"].clone())
        .collect();
    assert_eq!(severities, ["minor", "major", "info", "major"]);
    assert_eq!(gitlab(&[], &base()), "[]\n");
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!("junit", junit(&diagnostics()));
}

#[test]
fn junit_escapes_hostile_content_and_counts_cases() {
    let file = SourceFile::new("deploy/<x>&y.yaml", UNICODE_POD);
    let finding = diagnostic(
        &file,
        "true",
        "K8S101",
        "privileged-container",
        Severity::Error,
        "container `]]></failure><injected/>\u{1}\"'` is privileged",
    );
    let out = junit(&[finding]);
    assert!(!out.contains("<injected/>"), "{out}");
    assert!(!out.contains('\u{1}'));
    assert!(out.contains("name=\"deploy/&lt;x&gt;&amp;y.yaml\""));
    assert!(out.contains(
        "message=\"container `]]&gt;&lt;/failure&gt;&lt;injected/&gt;\u{FFFD}&quot;&apos;` is privileged\""
    ));
    assert_eq!(out.matches("<testcase ").count(), 1);
    assert_eq!(
        out.matches("<failure ").count(),
        out.matches("</failure>").count()
    );

    let all = junit(&diagnostics());
    assert_eq!(all.matches("<testsuite ").count(), 2);
    assert_eq!(all.matches("<testcase ").count(), 4);
    assert!(all.contains("<testsuites name=\"akslint\" tests=\"4\" failures=\"4\" errors=\"0\">"));

    let clean = junit(&[]);
    assert!(clean.contains("<testsuite name=\"akslint\" tests=\"0\""));
    assert!(!clean.contains("<testcase"));
}
