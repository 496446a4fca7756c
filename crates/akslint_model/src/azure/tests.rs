//! Tests of template evaluation: function semantics, escaping, unknown propagation, copy loops,
//! nested deployment scopes, case-insensitivity, origins and the cluster view.

use akslint_syntax::{Limits, ParsedFile, json};

use super::*;

fn parse(text: &str) -> ParsedFile<'_> {
    let parsed = json::parse(text, &Limits::default());
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    parsed
}

fn root<'a>(parsed: &'a ParsedFile<'a>) -> akslint_syntax::NodeRef<'a> {
    parsed.root(&parsed.documents[0]).expect("a root")
}

/// A template with these parameters and variables and one resource whose `properties.v` is
/// `value` (a JSON value).
fn template(parameters: &str, variables: &str, value: &str) -> String {
    format!(
        r#"{{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
            "parameters": {{{parameters}}}, "variables": {{{variables}}},
            "resources": [{{"type": "Microsoft.Test/things", "apiVersion": "2024-01-01", "name": "t",
                            "properties": {{"v": {value}}}}}]}}"#
    )
}

/// Evaluates `value` (JSON text) in a template with `parameters` and `variables` and renders
/// the result with `Debug`.
fn eval_with(parameters: &str, variables: &str, value: &str) -> String {
    let text = template(parameters, variables, value);
    let parsed = parse(&text);
    let evaluated = EvaluatedTemplate::evaluate(root(&parsed), None);
    let resource = &evaluated.resources[0];
    let value = resource
        .body
        .member("properties")
        .and_then(|p| p.member("v"))
        .expect("properties.v");
    format!("{value:?}")
}

/// Evaluates one expression (the text between the brackets).
fn eval(expression: &str) -> String {
    let quoted = serde_like_quote(&format!("[{expression}]"));
    eval_with(
        r#""p": {"type": "string", "defaultValue": "Value"},
           "n": {"type": "int", "defaultValue": 3},
           "o": {"type": "object", "defaultValue": {"a": 1, "nested": {"x": true}}}"#,
        r#""v": "var", "list": ["a", "b"]"#,
        &quoted,
    )
}

fn serde_like_quote(text: &str) -> String {
    let mut out = String::from('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[test]
fn string_functions() {
    assert_eq!(eval("concat('a', parameters('p'), 1)"), r#""aValue1""#);
    assert_eq!(eval("format('{0}-{1}-{{x}}', 'a', 2)"), r#""a-2-{x}""#);
    assert_eq!(eval("format('{0}', true)"), r#""True""#);
    assert_eq!(eval("toLower('AbC')"), r#""abc""#);
    assert_eq!(eval("toUpper('abc')"), r#""ABC""#);
    assert_eq!(eval("trim('  x ')"), r#""x""#);
    assert_eq!(eval("split('a/b//c', '/')"), r#"["a", "b", "", "c"]"#);
    assert_eq!(
        eval("split('a,b;c', createArray(',', ';'))"),
        r#"["a", "b", "c"]"#
    );
    assert_eq!(eval("replace('aXbX', 'X', '-')"), r#""a-b-""#);
    assert_eq!(eval("substring('hello', 1, 3)"), r#""ell""#);
    assert_eq!(eval("substring('hello', 2)"), r#""llo""#);
    assert!(eval("substring('hello', 4, 3)").starts_with("unknown"));
    assert_eq!(eval("startsWith('Hello', 'he')"), "true");
    assert_eq!(eval("endsWith('Hello', 'LO')"), "true");
    assert_eq!(eval("indexOf('abcABC', 'C')"), "2");
    assert_eq!(eval("lastIndexOf('abcABC', 'c')"), "5");
    assert_eq!(eval("length('héllo')"), "5");
    assert_eq!(eval("first('abc')"), r#""a""#);
    assert_eq!(eval("last('abc')"), r#""c""#);
    assert_eq!(eval("take('abc', 2)"), r#""ab""#);
    assert_eq!(eval("skip('abc', 2)"), r#""c""#);
    assert_eq!(eval("padLeft('7', 3, '0')"), r#""007""#);
    assert_eq!(
        eval("string(parameters('o'))"),
        r#""{\"a\":1,\"nested\":{\"x\":true}}""#
    );
    assert_eq!(eval("string(false)"), r#""False""#);
    assert_eq!(eval("join(createArray('a', 'b'), ',')"), r#""a,b""#);
    assert_eq!(eval("contains('abc', 'b')"), "true");
    assert_eq!(eval("contains('abc', 'B')"), "false");
}

#[test]
fn logical_comparison_and_conversion_functions() {
    assert_eq!(
        eval("if(equals(parameters('n'), 3), 'yes', 'no')"),
        r#""yes""#
    );
    assert_eq!(eval("equals('a', 'A')"), "false");
    assert_eq!(
        eval("equals(createArray(1, 'x'), createArray(1, 'x'))"),
        "true"
    );
    assert_eq!(eval("not(true)"), "false");
    assert_eq!(eval("and(true, false)"), "false");
    assert_eq!(eval("or(false, true)"), "true");
    assert_eq!(eval("bool('TRUE')"), "true");
    assert_eq!(eval("bool(0)"), "false");
    assert_eq!(eval("int('42')"), "42");
    assert_eq!(eval("less(1, 2)"), "true");
    assert_eq!(eval("greaterOrEquals('b', 'a')"), "true");
    assert_eq!(eval("coalesce(null(), null(), 'x')"), r#""x""#);
    assert_eq!(eval("empty('')"), "true");
    assert_eq!(eval("empty(createObject())"), "true");
    assert_eq!(eval("empty(variables('list'))"), "false");
    assert_eq!(
        eval("json('{\"a\": [1, true, null]}')"),
        r#"{"a": [1, true, null]}"#
    );
    assert_eq!(eval("json('null')"), "null");
    assert_eq!(eval("true()"), "true");
}

#[test]
fn array_object_and_numeric_functions() {
    assert_eq!(eval("createArray(1, 2)"), "[1, 2]");
    assert_eq!(
        eval("concat(createArray(1), variables('list'))"),
        r#"[1, "a", "b"]"#
    );
    assert_eq!(
        eval("union(createArray(1, 2), createArray(2, 3))"),
        "[1, 2, 3]"
    );
    assert_eq!(
        eval("union(parameters('o'), createObject('b', 2, 'nested', createObject('y', false)))"),
        r#"{"a": 1, "nested": {"x": true, "y": false}, "b": 2}"#
    );
    assert_eq!(
        eval("intersection(createArray(1, 2), createArray(2, 3))"),
        "[2]"
    );
    assert_eq!(eval("contains(parameters('o'), 'A')"), "true");
    assert_eq!(eval("contains(variables('list'), 'b')"), "true");
    assert_eq!(eval("first(variables('list'))"), r#""a""#);
    assert_eq!(eval("last(variables('list'))"), r#""b""#);
    assert_eq!(eval("length(parameters('o'))"), "2");
    assert_eq!(eval("range(2, 3)"), "[2, 3, 4]");
    assert_eq!(eval("take(range(0, 5), 2)"), "[0, 1]");
    assert_eq!(eval("skip(range(0, 5), 4)"), "[4]");
    assert_eq!(eval("min(3, 1, 2)"), "1");
    assert_eq!(eval("max(createArray(3, 7))"), "7");
    assert_eq!(eval("add(1, mul(2, 3))"), "7");
    assert_eq!(eval("sub(1, 3)"), "-2");
    assert_eq!(eval("div(7, 2)"), "3");
    assert_eq!(eval("mod(7, 2)"), "1");
    assert!(eval("div(1, 0)").starts_with("unknown"));
    assert_eq!(eval("parameters('o').nested.x"), "true");
    assert_eq!(eval("parameters('o')['a']"), "1");
    assert_eq!(eval("variables('list')[1]"), r#""b""#);
    assert_eq!(eval("parameters('o').?missing"), "null");
    assert!(eval("parameters('o').missing").starts_with("unknown"));
    assert_eq!(eval("items(createObject('b', 1, 'a', 2))[0].key"), r#""a""#);
    assert_eq!(
        eval("flatten(createArray(createArray(1), createArray(2)))"),
        "[1, 2]"
    );
    assert_eq!(
        eval("map(range(0, 3), lambda('i', mul(lambdaVariables('i'), 2)))"),
        "[0, 2, 4]"
    );
    assert_eq!(
        eval("filter(variables('list'), lambda('x', equals(lambdaVariables('x'), 'b')))"),
        r#"["b"]"#
    );
}

#[test]
fn deployment_functions_give_recognisable_placeholders() {
    assert_eq!(
        eval("resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'snet')"),
        r#""/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet""#
    );
    assert_eq!(
        eval("resourceId('rg2', 'Microsoft.ContainerService/managedClusters', 'aks')"),
        r#""/subscriptions/{subscriptionId}/resourceGroups/rg2/providers/Microsoft.ContainerService/managedClusters/aks""#
    );
    assert_eq!(
        eval("subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'r')"),
        r#""/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/r""#
    );
    assert_eq!(
        eval("extensionResourceId('/x/y', 'Microsoft.Authorization/locks', 'l')"),
        r#""/x/y/providers/Microsoft.Authorization/locks/l""#
    );
    assert_eq!(eval("resourceGroup().name"), r#""{resourceGroupName}""#);
    assert!(eval("resourceGroup().location").starts_with("unknown"));
    assert_eq!(
        eval("subscription().subscriptionId"),
        r#""{subscriptionId}""#
    );
    let unique = eval("uniqueString(resourceGroup().id)");
    assert_eq!(unique.len(), 15, "{unique}");
    assert_eq!(unique, eval("uniqueString(resourceGroup().id)"));
    assert_ne!(unique, eval("uniqueString('other')"));
    let guid = eval("guid('a', 'b')");
    assert_eq!(guid.len(), 38, "{guid}");
    for runtime in [
        "reference('x').outputs",
        "listKeys('x', '2020-01-01').keys[0].value",
        "environment().suffixes.storage",
        "newGuid()",
        "utcNow()",
        "deployment().properties.templateLink.uri",
        "ns.custom(1)",
        "base64('x')",
    ] {
        assert!(eval(runtime).starts_with("unknown"), "{runtime}");
    }
}

#[test]
fn escapes_are_literals() {
    assert_eq!(
        eval_with("", "", r#""[[parameters('p')]""#),
        r#""[parameters('p')]""#
    );
    assert_eq!(
        eval_with("", "", r#""[not an expression""#),
        r#""[not an expression""#
    );
    assert_eq!(eval("concat('it''s', '')"), r#""it's""#);
    assert_eq!(eval("'[[x]'"), r#""[[x]""#);
}

#[test]
fn unknown_propagates_only_where_it_decides() {
    assert!(eval("concat('a', reference('x').y)").starts_with("unknown"));
    assert_eq!(eval("and(false, reference('x').y)"), "false");
    assert_eq!(eval("or(true, reference('x').y)"), "true");
    assert!(eval("and(true, reference('x').y)").starts_with("unknown"));
    assert_eq!(eval("if(reference('x').y, 'same', 'same')"), r#""same""#);
    assert!(eval("if(reference('x').y, 'a', 'b')").starts_with("unknown"));
    assert!(eval("coalesce(reference('x').y, 'b')").starts_with("unknown"));
    let object = eval("createObject('known', 1, 'runtime', reference('x').y)");
    assert!(
        object.starts_with(r#"{"known": 1, "runtime": unknown("#),
        "{object}"
    );
    assert_eq!(eval("length(createArray(reference('x'), 1))"), "2");
    assert_eq!(eval("contains(createArray(reference('x'), 1), 1)"), "true");
    assert!(eval("contains(createArray(reference('x'), 1), 2)").starts_with("unknown"));
    assert!(eval("equals(reference('x'), 1)").starts_with("unknown"));
    assert!(eval("parameters('missing')").starts_with("unknown"));
    assert!(eval("concat(").starts_with("unknown"));
}

#[test]
fn parameters_without_value_are_unknown_and_record_allowed_values() {
    let text = template(
        r#""tier": {"type": "string", "allowedValues": ["Free", "Standard"]},
           "only": {"type": "string", "allowedValues": ["Premium"]}"#,
        "",
        r#"{"a": "[parameters('tier')]", "b": "[parameters('only')]"}"#,
    );
    let parsed = parse(&text);
    let evaluated = EvaluatedTemplate::evaluate(root(&parsed), None);
    let resource = &evaluated.resources[0];
    let tier = resource.property("v.a");
    let unknown = tier.unknown().expect("unknown");
    assert_eq!(unknown.expression, "parameters('tier')");
    assert_eq!(unknown.allowed, ["Free", "Standard"]);
    assert_eq!(resource.property("v.b").as_str(), Some("Premium"));
}

#[test]
fn property_names_functions_and_references_ignore_case() {
    let text = r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "Parameters": {"ClusterName": {"Type": "string", "DefaultValue": "AKS"}},
        "Variables": {"RBAC": false},
        "Resources": [{"Type": "microsoft.containerservice/MANAGEDCLUSTERS", "ApiVersion": "2024-01-01",
            "Name": "[PARAMETERS('clustername')]",
            "Properties": {"EnableRBAC": "[Variables('rbac')]",
                           "AddonProfiles": {"omsAgent": {"Enabled": true}, "AZUREPOLICY": {"enabled": false}}}}]}"#;
    let parsed = parse(text);
    let evaluated = EvaluatedTemplate::evaluate(root(&parsed), None);
    let clusters = evaluated.managed_clusters();
    assert_eq!(clusters.len(), 1);
    let cluster = &clusters[0];
    assert_eq!(cluster.resource.name.as_str(), Some("AKS"));
    assert!(cluster.property("enableRbac").is_false());
    assert!(cluster.addon("omsagent").get("enabled").is_true());
    assert!(cluster.addon("azurePolicy").get("enabled").is_false());
    assert_eq!(
        cluster.api_version().map(|v| v.to_string()).as_deref(),
        Some("2024-01-01")
    );
}

#[test]
fn origins_name_parameter_defaults_files_and_variables() {
    let text = template(
        r#""fromDefault": {"type": "bool", "defaultValue": false},
           "fromFile": {"type": "bool", "defaultValue": true},
           "props": {"type": "object", "defaultValue": {"inner": {"flag": false}}}"#,
        r#""viaVariable": "[parameters('fromDefault')]", "literal": {"x": 1}"#,
        r#"{"a": "[parameters('fromDefault')]", "b": "[parameters('fromFile')]",
            "c": "[variables('viaVariable')]", "d": "[variables('literal')]",
            "e": "[parameters('props')]", "f": false}"#,
    );
    let parameters = r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
        "parameters": {"FROMFILE": {"value": false}, "unused": {"value": 1}}}"#;
    let parsed = parse(&text);
    let parsed_parameters = parse(parameters);
    let file = ParameterFile::from_root(root(&parsed_parameters)).expect("parameter file");
    let evaluated = EvaluatedTemplate::evaluate(root(&parsed), Some(file));
    let resource = &evaluated.resources[0];

    let a = resource.property("v.a");
    let origin = a.origin().expect("origin");
    assert_eq!(origin.kind, OriginKind::ParameterDefault);
    assert_eq!(&*origin.name, "fromDefault");
    assert_eq!(
        &text[origin.node.span().start as usize..origin.node.span().end as usize],
        "false"
    );
    assert!(a.node().as_str().is_some_and(|s| s.contains("fromDefault")));

    let b = resource.property("v.b");
    assert!(b.is_false());
    let origin = b.origin().expect("origin");
    assert!(origin.in_parameter_file());
    assert_eq!(
        origin.describe(),
        "value of parameter `fromFile` in the parameter file"
    );

    // The innermost place the value is written wins: the parameter default, not the variable.
    let c = resource.property("v.c");
    assert_eq!(
        c.origin().map(|o| o.kind),
        Some(OriginKind::ParameterDefault)
    );
    let d = resource.property("v.d.x");
    assert_eq!(d.origin().map(|o| o.kind), Some(OriginKind::Variable));
    let e = resource.property("v.e.inner.flag");
    assert!(e.is_false());
    assert_eq!(
        e.origin().map(|o| o.kind),
        Some(OriginKind::ParameterDefault)
    );
    let f = resource.property("v.f");
    assert!(f.origin().is_none());

    let parameter = &evaluated.parameters()[1];
    assert_eq!(&*parameter.name, "fromFile");
    assert_eq!(parameter.value_origin, OriginKind::ParameterFile);
}

#[test]
fn absent_lookups_point_at_the_nearest_parent() {
    let text = template("", "", r#"{"present": {"x": null}}"#);
    let parsed = parse(&text);
    let evaluated = EvaluatedTemplate::evaluate(root(&parsed), None);
    let resource = &evaluated.resources[0];
    let lookup = resource.property("v.present.x.deeper");
    let Lookup::Absent {
        parent,
        missing,
        null,
    } = &lookup
    else {
        panic!("absent expected: {lookup:?}");
    };
    assert_eq!(missing, "x.deeper");
    assert!(parent.member("x").is_some());
    assert!(null.is_some());
    let span = lookup.span();
    assert_eq!(
        &text[span.start as usize..span.end as usize],
        r#""x": null"#
    );
    let span = resource.property("v.present.y").span();
    assert_eq!(
        &text[span.start as usize..span.end as usize],
        r#""present""#
    );
    assert!(resource.property("nothing.here").is_absent());
}

#[test]
fn resource_property_and_variable_copy_loops() {
    let text = r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "parameters": {"count": {"type": "int", "defaultValue": 2}},
        "variables": {"copy": [{"name": "zones", "count": 3, "input": "[string(add(copyIndex('zones'), 1))]"}],
                      "nested": {"copy": [{"name": "items", "count": 2, "input": {"i": "[copyIndex('items')]"}}]}},
        "resources": [
          {"type": "Microsoft.Test/things", "apiVersion": "2024-01-01",
           "name": "[concat('t', copyIndex(1))]",
           "copy": {"name": "loop", "count": "[parameters('count')]"},
           "properties": {
             "zones": "[variables('zones')]",
             "nested": "[variables('nested')]",
             "copy": [{"name": "disks", "count": "[add(copyIndex(), 1)]",
                       "input": {"lun": "[copyIndex('disks')]", "of": "[copyIndex('loop')]"}}]}},
          {"type": "Microsoft.Test/things", "apiVersion": "2024-01-01", "name": "unknownCount",
           "copy": {"name": "u", "count": "[length(reference('x').items)]"},
           "properties": {"i": "[copyIndex()]"}},
          {"type": "Microsoft.Test/things", "apiVersion": "2024-01-01", "name": "tooMany",
           "copy": {"name": "big", "count": 5000}, "properties": {}},
          {"type": "Microsoft.Test/things", "apiVersion": "2024-01-01", "name": "none",
           "copy": {"name": "zero", "count": 0}, "properties": {}}]}"#;
    let parsed = parse(text);
    let evaluated = EvaluatedTemplate::evaluate(root(&parsed), None);
    let names: Vec<_> = evaluated
        .resources
        .iter()
        .map(Resource::name_text)
        .collect();
    assert_eq!(names, ["t1", "t2", "unknownCount", "tooMany"]);
    let second = &evaluated.resources[1];
    assert_eq!(
        format!("{:?}", second.property("zones").known().expect("zones")),
        r#"["1", "2", "3"]"#
    );
    assert_eq!(
        format!("{:?}", second.property("nested").known().expect("nested")),
        r#"{"items": [{"i": 0}, {"i": 1}]}"#
    );
    assert_eq!(
        format!("{:?}", second.property("disks").known().expect("disks")),
        r#"[{"lun": 0, "of": 1}, {"lun": 1, "of": 1}]"#
    );
    assert_eq!(second.copy.as_ref().and_then(|c| c.index), Some(1));
    let unknown = &evaluated.resources[2];
    assert_eq!(unknown.copy.as_ref().map(|c| c.index), Some(None));
    assert!(unknown.property("i").is_unknown());
    assert!(
        evaluated.resources[3]
            .copy
            .as_ref()
            .is_some_and(|c| c.index.is_none())
    );
}

#[test]
fn conditions_leave_out_resources_known_not_to_deploy() {
    let text = r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "parameters": {"deploy": {"type": "bool", "defaultValue": false}},
        "resources": [
          {"condition": "[parameters('deploy')]", "type": "Microsoft.Test/a", "apiVersion": "1", "name": "skipped"},
          {"condition": "[not(parameters('deploy'))]", "type": "Microsoft.Test/a", "apiVersion": "1", "name": "kept"},
          {"condition": "[reference('x').enabled]", "type": "Microsoft.Test/a", "apiVersion": "1", "name": "maybe"}]}"#;
    let parsed = parse(text);
    let evaluated = EvaluatedTemplate::evaluate(root(&parsed), None);
    let found: Vec<_> = evaluated
        .resources
        .iter()
        .map(|r| (r.name_text(), r.condition))
        .collect();
    assert_eq!(
        found,
        [
            ("kept".to_owned(), Condition::Deployed),
            ("maybe".to_owned(), Condition::Unknown)
        ]
    );
}

#[test]
fn nested_deployments_follow_inner_and_outer_scope() {
    let text = r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "parameters": {"name": {"type": "string", "defaultValue": "outerName"}},
        "variables": {"v": "outerVar"},
        "resources": [
          {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "inner",
           "properties": {
             "expressionEvaluationOptions": {"scope": "inner"},
             "mode": "Incremental",
             "parameters": {"name": {"value": "[concat(parameters('name'), '-passed')]"},
                            "secret": {"reference": {"keyVault": {"id": "kv"}, "secretName": "s"}}},
             "template": {
               "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
               "parameters": {"name": {"type": "string", "defaultValue": "innerDefault"},
                              "secret": {"type": "securestring"}},
               "variables": {"v": "innerVar"},
               "resources": [{"type": "Microsoft.Test/a", "apiVersion": "1", "name": "[parameters('name')]",
                              "properties": {"v": "[variables('v')]", "s": "[parameters('secret')]"}}]}}},
          {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "outer",
           "properties": {
             "mode": "Incremental",
             "template": {
               "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
               "resources": [{"type": "Microsoft.Test/a", "apiVersion": "1", "name": "[parameters('name')]",
                              "properties": {"v": "[variables('v')]"},
                              "resources": [{"type": "children", "apiVersion": "1", "name": "c"}]}]}}}]}"#;
    let parsed = parse(text);
    let evaluated = EvaluatedTemplate::evaluate(root(&parsed), None);
    let tests: Vec<&Resource<'_>> = evaluated
        .resources
        .iter()
        .filter(|r| r.is_type("Microsoft.Test/a"))
        .collect();
    assert_eq!(tests.len(), 2);
    assert_eq!(tests[0].name.as_str(), Some("outerName-passed"));
    assert_eq!(tests[0].property("v").as_str(), Some("innerVar"));
    assert!(tests[0].property("s").is_unknown());
    assert_eq!(
        tests[0].property("v").origin().map(|o| o.kind),
        Some(OriginKind::Variable)
    );
    assert_eq!(
        tests[0].name.origin().map(|o| o.kind),
        Some(OriginKind::DeploymentParameter)
    );
    assert_eq!(tests[1].name.as_str(), Some("outerName"));
    assert_eq!(tests[1].property("v").as_str(), Some("outerVar"));
    assert!(tests[0].deployment.is_some());
    let child = evaluated
        .resources
        .iter()
        .find(|r| r.is_type("Microsoft.Test/a/children"))
        .expect("nested child");
    assert_eq!(child.name.as_str(), Some("outerName/c"));
    assert_eq!(evaluated.templates.len(), 3);
    assert!(evaluated.templates[1].inner_scope);
    assert!(!evaluated.templates[2].inner_scope);
}

#[test]
fn node_pools_come_from_profiles_and_every_kind_of_child_resource() {
    let text = r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "parameters": {"clusterName": {"type": "string"}},
        "resources": [
          {"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-05-01",
           "name": "[parameters('clusterName')]",
           "properties": {"agentPoolProfiles": [{"name": "system", "mode": "System"}, {"name": "user"}]},
           "resources": [{"type": "agentPools", "apiVersion": "2024-05-01", "name": "nested",
                          "properties": {"vnetSubnetID": "x"}}]},
          {"type": "Microsoft.ContainerService/managedClusters/agentPools", "apiVersion": "2024-05-01",
           "name": "[format('{0}/{1}', parameters('clusterName'), 'byname')]", "properties": {}},
          {"type": "Microsoft.ContainerService/managedClusters/agentPools", "apiVersion": "2024-05-01",
           "name": "[variables('unknownPool')]",
           "dependsOn": ["[resourceId('Microsoft.ContainerService/managedClusters', parameters('clusterName'))]"],
           "properties": {}},
          {"type": "Microsoft.ContainerService/managedClusters/agentPools", "apiVersion": "2024-05-01",
           "name": "elsewhere/orphan", "properties": {}},
          {"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-05-01",
           "name": "referenced", "existing": true}]}"#;
    let parsed = parse(text);
    let evaluated = EvaluatedTemplate::evaluate(root(&parsed), None);
    let clusters = evaluated.managed_clusters();
    assert_eq!(clusters.len(), 1, "existing clusters are left out");
    let pools = clusters[0].pools();
    let described: Vec<&str> = pools.iter().map(AgentPool::describe).collect();
    assert_eq!(described.len(), 5, "{described:?}");
    assert!(pools[0].is_system());
    assert_eq!(pools[1].name().as_deref(), Some("user"));
    assert!(described[2].starts_with("agentPools `"), "{described:?}");
    assert_eq!(pools[2].property("vnetSubnetID").as_str(), Some("x"));
    assert!(pools[3].property("vnetSubnetID").is_absent());
    let orphan = evaluated
        .child_pools()
        .into_iter()
        .find(|(_, p)| p.name().as_deref() == Some("orphan"))
        .expect("orphan");
    assert_eq!(orphan.1.cluster, None);
}

#[test]
fn symbolic_resources_of_language_version_2() {
    let text = r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "languageVersion": "2.0",
        "resources": {
          "aks": {"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-05-01",
                  "name": "[variables('missing')]", "properties": {"enableRBAC": true}},
          "pool": {"type": "Microsoft.ContainerService/managedClusters/agentPools", "apiVersion": "2024-05-01",
                   "name": "[format('{0}/p', uniqueString(reference('aks').fqdn))]", "dependsOn": ["aks"],
                   "properties": {}},
          "diag": {"type": "Microsoft.Insights/diagnosticSettings", "apiVersion": "2021-05-01-preview",
                   "scope": "[format('Microsoft.ContainerService/managedClusters/{0}', 'other')]",
                   "name": "d", "properties": {}}}}"#;
    let parsed = parse(text);
    let evaluated = EvaluatedTemplate::evaluate(root(&parsed), None);
    assert_eq!(evaluated.resources[0].symbolic_name, Some("aks"));
    let clusters = evaluated.managed_clusters();
    assert_eq!(clusters[0].pools().len(), 1);
    assert!(clusters[0].property("enableRBAC").is_true());
    assert_eq!(evaluated.owner(2, MANAGED_CLUSTERS), None);
    assert_eq!(
        name_in_id(
            "Microsoft.ContainerService/managedClusters/other",
            MANAGED_CLUSTERS
        ),
        Some("other")
    );
    assert_eq!(
        name_in_id(
            "/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/aks/agentPools/x",
            MANAGED_CLUSTERS
        ),
        Some("aks")
    );
}

#[test]
fn hostile_templates_do_not_panic_or_hang() {
    // Variables that double in size, refer to themselves, or nest deeply.
    let mut variables = String::from(r#""v0": "x""#);
    for i in 1..80 {
        variables.push_str(&format!(
            r#", "v{i}": "[concat(variables('v{p}'), variables('v{p}'))]""#,
            p = i - 1
        ));
    }
    for i in 0..300 {
        variables.push_str(&format!(
            r#", "a{i}": "[createArray(variables('a{}'))]""#,
            i + 1
        ));
    }
    variables.push_str(r#", "a300": "[variables('a0')]""#);
    variables.push_str(r#", "self": "[variables('self')]""#);
    let mut doubling = String::from(r#", "d0": [1]"#);
    for i in 1..80 {
        doubling.push_str(&format!(
            r#", "d{i}": "[createArray(variables('d{p}'), variables('d{p}'))]""#,
            p = i - 1
        ));
    }
    variables.push_str(&doubling);
    let value = r#"{"s": "[variables('v79')]", "a": "[variables('a0')]", "self": "[variables('self')]",
                    "d": "[string(variables('d79'))]", "r": "[range(0, 100000000)]",
                    "p": "[padLeft('x', 100000000)]"}"#;
    let text = template(
        r#""n": {"type": "int", "defaultValue": 1000000}"#,
        &variables,
        value,
    );
    let parsed = parse(&text);
    let evaluated = EvaluatedTemplate::evaluate(root(&parsed), None);
    let resource = &evaluated.resources[0];
    for key in ["s", "a", "self", "d", "r", "p"] {
        let lookup = resource.property(&format!("v.{key}"));
        let partly_unknown = lookup.known().is_some_and(|v| v.find_unknown().is_some());
        assert!(lookup.is_unknown() || partly_unknown, "{key}: {lookup:?}");
    }
    assert!(evaluated.truncated, "the budget ran out");
    // A copy count over ARM's limit, and deeply nested expressions.
    let deep = format!("\"[{}1{}]\"", "string(".repeat(500), ")".repeat(500));
    let text = template("", "", &deep);
    let parsed = parse(&text);
    let evaluated = EvaluatedTemplate::evaluate(root(&parsed), None);
    assert!(evaluated.resources[0].property("v").is_unknown());
}

#[test]
fn api_versions_compare_by_date() {
    let version = ApiVersion::parse("2023-02-02-preview").expect("parses");
    assert!(version.preview);
    assert!(version.at_least("2023-02-01"));
    assert!(!version.at_least("2023-03-01"));
    assert!(ApiVersion::parse("latest").is_none());
}

#[test]
fn deep_reference_chains_and_nesting_fit_a_small_stack() {
    // Variables referring to the next one, each through a deeply nested expression, declared
    // in the order that makes lazy evaluation recurse the furthest; and deeply nested JSON.
    let nest = |inner: String| format!("{}{inner}{}", "string(".repeat(60), ")".repeat(60));
    let mut variables = Vec::new();
    for i in 0..200 {
        variables.push(format!(
            r#""v{i}": "[{}]""#,
            nest(format!("variables('v{}')", i + 1))
        ));
    }
    variables.push(r#""v200": "end""#.to_owned());
    // As deep as the parser accepts (`Limits::MAX_DEPTH`); deeper JSON never reaches here.
    let deep_json = format!("{}1{}", "[".repeat(240), "]".repeat(240));
    let value = format!(r#"{{"chain": "[variables('v0')]", "deep": {deep_json}}}"#);
    let text = template("", &variables.join(", "), &value);
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let parsed = json::parse(&text, &Limits::default());
            let root = parsed.root(&parsed.documents[0]).expect("root");
            let evaluated = EvaluatedTemplate::evaluate(root, None);
            evaluated.resources.len()
        })
        .expect("thread");
    assert_eq!(handle.join().expect("no stack overflow"), 1);
}
