use super::*;
use crate::NodeRef;

/// The lowered tree as compact JSON-like text, for assertions.
fn show(node: NodeRef<'_>) -> String {
    if let Some((text, style)) = node.scalar() {
        return if style == crate::ScalarStyle::Plain {
            text.to_owned()
        } else {
            format!("{text:?}")
        };
    }
    if node.is_mapping() {
        let members: Vec<String> = node
            .entries()
            .map(|(k, v)| format!("{}: {}", k.scalar().map_or("", |s| s.0), show(v)))
            .collect();
        return format!("{{{}}}", members.join(", "));
    }
    let items: Vec<String> = node.items().map(show).collect();
    format!("[{}]", items.join(", "))
}

fn lowered(text: &str) -> String {
    let parsed = parse(text, &Limits::default());
    assert_eq!(parsed.errors, vec![], "{text}");
    let root = parsed.root(&parsed.documents[0]).expect("a root");
    show(root)
}

fn section(text: &str, key: &str) -> String {
    let parsed = parse(text, &Limits::default());
    assert_eq!(parsed.errors, vec![], "{text}");
    let root = parsed.root(&parsed.documents[0]).expect("a root");
    show(root.get(key).expect("the section"))
}

#[test]
fn parameters_and_variables() {
    let text = "@secure()\nparam p string\n@allowed(['a', 'b'])\nparam q string = 'a'\nparam r 'x' | 'y'\nparam n int?\nvar v = '${q}-{x}'\n";
    assert_eq!(
        section(text, "parameters"),
        r#"{p: {type: "securestring"}, q: {type: "string", allowedValues: ["a", "b"], defaultValue: "a"}, r: {type: "string", allowedValues: ["x", "y"]}, n: {type: "int", nullable: true}}"#
    );
    assert_eq!(
        section(text, "variables"),
        r#"{v: "[format('{0}-{{x}}', parameters('q'))]"}"#
    );
}

#[test]
fn expressions_become_arm_expressions() {
    let text = "param a object\nvar x = !a.b && a.?c == 'd' ? a[0]! : a.e ?? -1\nvar y = [for (i, n) in range(0, 2): { k: i }]\nvar z = filter(a.list, x => x.on)\nvar w = '[not an expression]'\n";
    assert_eq!(
        section(text, "variables"),
        r#"{x: "[if(and(not(parameters('a').b), equals(tryGet(parameters('a'), 'c'), 'd')), parameters('a')[0], coalesce(parameters('a').e, -1))]", y: "[map(range(0, 2), lambda('item0', 'index0', createObject('k', lambdaVariables('item0'))))]", z: "[filter(parameters('a').list, lambda('x', lambdaVariables('x').on))]", w: "[[not an expression]"}"#
    );
}

#[test]
fn resources_nested_children_loops_and_conditions() {
    let text = "param name string\nparam pools array\nresource aks 'Microsoft.ContainerService/managedClusters@2024-01-01' = {\n  name: name\n  properties: {\n    enableRBAC: false\n  }\n  resource np 'agentPools' = {\n    name: 'np1'\n  }\n}\nresource extra 'Microsoft.ContainerService/managedClusters/agentPools@2024-02-01' = [for p in pools: if (p.on) {\n  parent: aks\n  name: p.name\n}]\nresource diag 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {\n  name: 'd'\n  scope: aks\n}\n";
    assert_eq!(
        section(text, "resources"),
        concat!(
            r#"{aks: {type: "Microsoft.ContainerService/managedClusters", apiVersion: "2024-01-01", name: "[parameters('name')]", properties: {enableRBAC: false}}, "#,
            r#"np: {type: "Microsoft.ContainerService/managedClusters/agentPools", apiVersion: "2024-01-01", name: "[format('{0}/{1}', parameters('name'), 'np1')]", dependsOn: ["aks"]}, "#,
            r#"extra: {type: "Microsoft.ContainerService/managedClusters/agentPools", apiVersion: "2024-02-01", copy: {name: "extra", count: "[length(parameters('pools'))]"}, condition: "[parameters('pools')[copyIndex()].on]", name: "[format('{0}/{1}', parameters('name'), parameters('pools')[copyIndex()].name)]", dependsOn: ["aks"]}, "#,
            r#"diag: {type: "Microsoft.Insights/diagnosticSettings", apiVersion: "2021-05-01-preview", name: "d", scope: "[format('Microsoft.ContainerService/managedClusters/{0}', parameters('name'))]", dependsOn: ["aks"]}}"#
        )
    );
}

#[test]
fn a_parameters_file() {
    assert_eq!(
        lowered("using './main.bicep'\nparam a = 'x'\nparam b = getSecret('s', 'rg', 'kv', 'n')\n"),
        r#"{$schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", parameters: {a: {value: "x"}, b: {reference: "[bicep.getSecret()]"}}, using: "./main.bicep"}"#
    );
}

#[test]
fn local_modules_are_inlined_at_their_path() {
    let text = "module m './mod.bicep' = {\n  params: { n: 'x' }\n}\nmodule r 'br/public:avm/res/x:1.0.0' = {\n  name: 'r'\n}\n";
    let mut loader = |path: &Path| -> Option<String> {
        assert!(path.ends_with("infra/mod.bicep"), "{path:?}");
        Some("param n string\nresource a 'Microsoft.ContainerService/managedClusters@2024-01-01' = {\n  name: n\n}\nmodule again './mod.bicep' = {}\n".to_owned())
    };
    let parsed = parse_with_modules(
        text,
        &Limits::default(),
        Path::new("infra/main.bicep"),
        &mut loader,
    );
    assert_eq!(parsed.errors, vec![]);
    let root = parsed.root(&parsed.documents[0]).expect("a root");
    let module = root.get_path("resources.m").expect("the module");
    let template = module.get_path("properties.template").expect("inlined");
    assert!(
        show(template).contains("managedClusters"),
        "{}",
        show(template)
    );
    // Inside the module, every node is at the module's path in main.bicep.
    let cluster = template.get_path("resources.a").expect("the cluster");
    assert_eq!(cluster.span(), Span::from_range(9..22));
    // The module's own reference to itself is a cycle, not followed.
    assert!(
        template
            .get_path("resources.again.properties.template")
            .is_none()
    );
    assert!(root.get_path("resources.r.properties.template").is_none());
}

/// Found by fuzzing: a stray `}` where an array item belongs made the array loop read it
/// forever.
#[test]
fn stray_closers_never_stall_the_parser() {
    for text in [
        "var a = [\n  1\n  }\n]\nvar b = 2\n",
        "var a = [ ) ]\n",
        "param p string = x: 'y'\n  z: []\n}\n]\n",
        "var a = { b: [ } }\n",
        "var a = f(1, ] )\n",
        "}}]])) var x = 1\n",
    ] {
        let parsed = parse(text, &Limits::default());
        assert!(!parsed.errors.is_empty(), "{text}");
    }
}
