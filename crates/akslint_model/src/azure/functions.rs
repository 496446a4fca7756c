//! The ARM template functions that decide configuration, implemented from the function
//! reference (learn.microsoft.com/azure/azure-resource-manager/templates/template-functions).
//!
//! Functions whose result only exists during a deployment (`reference`, `list*`, `newGuid`,
//! `utcNow`, `environment`, ...) return unknown, and so does anything akslint does not
//! implement: an unknown value never makes a rule fail. A call that ARM would reject (a wrong
//! argument type, an index out of range) is unknown too: the deployment would fail anyway, and
//! that is not akslint's finding to make.

use std::cmp::Ordering;
use std::rc::Rc;

use akslint_syntax::{Limits, NodeRef, ScalarStyle, json};

use super::eval::Cx;
use super::expr::{Call, Expr};
use super::value::{Data, Text, Unknown, Value};

/// Longest string an expression may build; longer results are unknown.
const MAX_STRING_BYTES: usize = 1 << 20;

/// Most items `range()` may create.
const MAX_RANGE: i64 = 10_000;

/// The placeholder subscription, resource group and tenant of every evaluation: ids built from
/// them are recognisable as such in messages, and equal wherever the same resource is named.
pub const SUBSCRIPTION_ID: &str = "{subscriptionId}";
/// See [`SUBSCRIPTION_ID`].
pub const RESOURCE_GROUP_NAME: &str = "{resourceGroupName}";
/// See [`SUBSCRIPTION_ID`].
pub const TENANT_ID: &str = "{tenantId}";

/// Evaluates a call.
pub(crate) fn call<'a>(cx: &Cx<'_, 'a>, call: &Call) -> Value<'a> {
    if call.namespace.is_some() {
        return cx.unknown(
            cx.call_text(call),
            "calls a user-defined function, which akslint does not evaluate",
        );
    }
    let name = call.name.to_ascii_lowercase();
    // Functions that do not evaluate all their arguments first.
    match name.as_str() {
        "if" => return if_(cx, call),
        "and" | "or" => return and_or(cx, call, name == "and"),
        "map" | "filter" | "reduce" | "toobject" => return lambda_function(cx, call, &name),
        "lambda" => {
            return cx.unknown(
                cx.call_text(call),
                "is a lambda outside a function that takes one",
            );
        }
        _ => {}
    }
    let args: Vec<Value<'a>> = call.args.iter().map(|arg| cx.eval(arg)).collect();
    let f = Fn_ {
        cx,
        call,
        args: &args,
    };
    let result = match name.as_str() {
        // Template scope.
        "parameters" => f.str_arg(0).map(|n| cx.parameter(n)),
        "variables" => f.str_arg(0).map(|n| cx.variable(n)),
        "copyindex" => copy_index(&f),
        "lambdavariables" => f.str_arg(0).map(|n| lambda_variable(cx, n)),
        // Deployment placeholders and runtime-only values.
        "resourcegroup" => Ok(resource_group(cx)),
        "subscription" => Ok(subscription(cx)),
        "tenant" => Ok(tenant(cx)),
        "deployment" => Ok(deployment(cx)),
        "resourceid" => resource_id(&f, IdScope::ResourceGroup),
        "subscriptionresourceid" => resource_id(&f, IdScope::Subscription),
        "tenantresourceid" => resource_id(&f, IdScope::Tenant),
        "extensionresourceid" => resource_id(&f, IdScope::Extension),
        "managementgroupresourceid" => resource_id(&f, IdScope::ManagementGroup),
        "uniquestring" => f
            .all_strings()
            .map(|parts| cx_string(cx, unique_string(&parts))),
        "guid" => f.all_strings().map(|parts| cx_string(cx, guid(&parts))),
        // Logical and comparison.
        "not" => f.bool_arg(0).map(|b| boolean(cx, !b)),
        "true" => Ok(boolean(cx, true)),
        "false" => Ok(boolean(cx, false)),
        "null" => Ok(Value::new(Data::Null, cx.at)),
        "bool" => to_bool(&f),
        "equals" => f
            .arity(2)
            .and_then(|()| f.deep_known())
            .map(|()| boolean(cx, equal(&args[0], &args[1]))),
        "less" => compare(&f, |o| o == Ordering::Less),
        "lessorequals" => compare(&f, |o| o != Ordering::Greater),
        "greater" => compare(&f, |o| o == Ordering::Greater),
        "greaterorequals" => compare(&f, |o| o != Ordering::Less),
        "coalesce" => Ok(coalesce(cx, &args)),
        "empty" => empty(&f),
        "contains" => contains(&f),
        // Strings.
        "concat" => concat(&f),
        "format" => format(&f),
        "string" => f
            .deep_known()
            .map(|()| cx_string(cx, to_text(&args[0], true))),
        "tolower" => f.str_arg(0).map(|s| cx_string(cx, s.to_lowercase())),
        "toupper" => f.str_arg(0).map(|s| cx_string(cx, s.to_uppercase())),
        "trim" => f.str_arg(0).map(|s| cx_string(cx, s.trim().to_owned())),
        "split" => split(&f),
        "replace" => replace(&f),
        "substring" => substring(&f),
        "startswith" => f.str_arg(0).and_then(|s| {
            let prefix = f.str_arg(1)?;
            Ok(boolean(
                cx,
                s.to_lowercase().starts_with(&prefix.to_lowercase()),
            ))
        }),
        "endswith" => f.str_arg(0).and_then(|s| {
            let suffix = f.str_arg(1)?;
            Ok(boolean(
                cx,
                s.to_lowercase().ends_with(&suffix.to_lowercase()),
            ))
        }),
        "indexof" => index_of(&f, false),
        "lastindexof" => index_of(&f, true),
        "padleft" => pad_left(&f),
        "join" => join(&f),
        "json" => f.str_arg(0).map(|s| parse_json(cx, s)),
        "int" => to_int(&f),
        // Arrays and objects.
        "array" => f.known(0).map(|v| match v.data() {
            Data::Array(_) => v.clone(),
            _ => Value::array(vec![v.clone()], cx.at),
        }),
        "createarray" => Ok(Value::array(args.clone(), cx.at)),
        "createobject" => create_object(&f),
        "length" => length(&f),
        "first" => first_last(&f, true),
        "last" => first_last(&f, false),
        "take" => take_skip(&f, true),
        "skip" => take_skip(&f, false),
        "union" => union(&f),
        "intersection" => intersection(&f),
        "flatten" => flatten(&f),
        "shallowmerge" => shallow_merge(&f),
        "items" => items(&f),
        "objectkeys" => f.object_arg(0).map(|members| {
            let keys = members
                .iter()
                .map(|(k, _)| Value::string(k.clone(), cx.at))
                .collect();
            Value::array(keys, cx.at)
        }),
        "range" => range(&f),
        "min" => min_max(&f, true),
        "max" => min_max(&f, false),
        "tryget" => try_get(&f),
        // Numbers.
        "add" => arithmetic(&f, i64::checked_add),
        "sub" => arithmetic(&f, i64::checked_sub),
        "mul" => arithmetic(&f, i64::checked_mul),
        "div" => arithmetic(&f, i64::checked_div),
        "mod" => arithmetic(&f, i64::checked_rem),
        _ if is_runtime_function(&name) => {
            Err(cx.unknown(cx.call_text(call), "is only known during deployment"))
        }
        _ => Err(cx.unknown(
            cx.call_text(call),
            format!("uses `{}`, which akslint does not evaluate", call.name),
        )),
    };
    result.unwrap_or_else(|unknown| unknown)
}

/// Functions whose value only the deployment knows.
fn is_runtime_function(name: &str) -> bool {
    name.starts_with("list")
        || matches!(
            name,
            "reference"
                | "references"
                | "resourceinfo"
                | "environment"
                | "newguid"
                | "utcnow"
                | "pickzones"
                | "providers"
                | "managementgroup"
                | "deployer"
                | "getsecret"
        )
}

/// A call with its evaluated arguments, and argument accessors that turn anything ARM would
/// not accept into an unknown result.
struct Fn_<'f, 'c, 'a> {
    cx: &'f Cx<'c, 'a>,
    call: &'f Call,
    args: &'f [Value<'a>],
}

type Result_<'a, T> = Result<T, Value<'a>>;

impl<'a> Fn_<'_, '_, 'a> {
    fn invalid(&self, why: &str) -> Value<'a> {
        self.cx.unknown(
            self.cx.call_text(self.call),
            format!("is not valid ({why})"),
        )
    }

    fn arity(&self, n: usize) -> Result_<'a, ()> {
        if self.args.len() == n {
            Ok(())
        } else {
            Err(self.invalid(&format!("takes {n} arguments")))
        }
    }

    /// Argument `i`, unknown when it is.
    fn known(&self, i: usize) -> Result_<'a, &Value<'a>> {
        let arg = self
            .args
            .get(i)
            .ok_or_else(|| self.invalid("an argument is missing"))?;
        if arg.is_unknown() {
            return Err(arg.clone());
        }
        Ok(arg)
    }

    /// Unknown when any argument has an unknown part.
    fn deep_known(&self) -> Result_<'a, ()> {
        for arg in self.args {
            if let Some(unknown) = deep_unknown(arg) {
                return Err(Value::new(Data::Unknown(unknown), self.cx.at));
            }
        }
        Ok(())
    }

    fn str_arg(&self, i: usize) -> Result_<'a, &str> {
        self.known(i)?
            .as_str()
            .ok_or_else(|| self.invalid("expects a string"))
    }

    fn int_arg(&self, i: usize) -> Result_<'a, i64> {
        self.known(i)?
            .as_int()
            .ok_or_else(|| self.invalid("expects an integer"))
    }

    fn bool_arg(&self, i: usize) -> Result_<'a, bool> {
        match self.known(i)?.data() {
            Data::Bool(b) => Ok(*b),
            _ => Err(self.invalid("expects a boolean")),
        }
    }

    fn object_arg(&self, i: usize) -> Result_<'a, &[(Text<'a>, Value<'a>)]> {
        self.known(i)?
            .as_object()
            .ok_or_else(|| self.invalid("expects an object"))
    }

    /// Every argument as text (for hashing functions).
    fn all_strings(&self) -> Result_<'a, Vec<String>> {
        self.deep_known()?;
        Ok(self.args.iter().map(|arg| to_text(arg, false)).collect())
    }
}

fn boolean<'a>(cx: &Cx<'_, 'a>, value: bool) -> Value<'a> {
    Value::new(Data::Bool(value), cx.at)
}

fn int<'a>(cx: &Cx<'_, 'a>, value: i64) -> Value<'a> {
    Value::new(Data::Int(value), cx.at)
}

fn cx_string<'a>(cx: &Cx<'_, 'a>, text: String) -> Value<'a> {
    if text.len() > MAX_STRING_BYTES {
        return cx.unknown(cx.text, "builds a string too long to evaluate");
    }
    Value::string(text, cx.at)
}

/// The first unknown part of a value.
fn deep_unknown(value: &Value<'_>) -> Option<Rc<Unknown>> {
    match value.data() {
        Data::Unknown(unknown) => Some(Rc::clone(unknown)),
        Data::Array(_) => value.as_array()?.iter().find_map(deep_unknown),
        Data::Object(_) => value.as_object()?.iter().find_map(|(_, v)| deep_unknown(v)),
        _ => None,
    }
}

fn if_<'a>(cx: &Cx<'_, 'a>, call: &Call) -> Value<'a> {
    let [condition, then, otherwise] = &call.args[..] else {
        return cx.unknown(cx.call_text(call), "is not valid (takes 3 arguments)");
    };
    let condition = cx.eval(condition);
    match condition.data() {
        Data::Bool(true) => cx.eval(then),
        Data::Bool(false) => cx.eval(otherwise),
        Data::Unknown(_) => {
            // Either branch may be taken; the value is known only when both agree.
            let (a, b) = (cx.eval(then), cx.eval(otherwise));
            if deep_unknown(&a).is_none() && deep_unknown(&b).is_none() && equal(&a, &b) {
                a
            } else {
                condition
            }
        }
        _ => cx.unknown(
            cx.call_text(call),
            "is not valid (the condition is not a boolean)",
        ),
    }
}

/// `and`/`or`: a deciding known argument decides, whatever the unknown ones are.
fn and_or<'a>(cx: &Cx<'_, 'a>, call: &Call, is_and: bool) -> Value<'a> {
    let mut unknown = None;
    for arg in &call.args {
        let value = cx.eval(arg);
        match value.data() {
            Data::Bool(b) if *b != is_and => return boolean(cx, *b),
            Data::Bool(_) => {}
            Data::Unknown(_) => unknown = unknown.or(Some(value)),
            _ => return cx.unknown(cx.call_text(call), "is not valid (expects booleans)"),
        }
    }
    unknown.unwrap_or_else(|| boolean(cx, is_and))
}

fn coalesce<'a>(cx: &Cx<'_, 'a>, args: &[Value<'a>]) -> Value<'a> {
    for arg in args {
        match arg.data() {
            Data::Null => {}
            // An unknown argument may be null, so what follows cannot decide.
            _ => return arg.clone(),
        }
    }
    Value::new(Data::Null, cx.at)
}

fn copy_index<'a>(f: &Fn_<'_, '_, 'a>) -> Result_<'a, Value<'a>> {
    match f.args.len() {
        0 => Ok(f.cx.copy_index(None, 0)),
        1 => match f.known(0)?.data() {
            Data::Int(offset) => Ok(f.cx.copy_index(None, *offset)),
            Data::String(name) => Ok(f.cx.copy_index(Some(name), 0)),
            _ => Err(f.invalid("expects a loop name or an offset")),
        },
        _ => {
            let name = f.str_arg(0)?;
            let offset = f.int_arg(1)?;
            Ok(f.cx.copy_index(Some(name), offset))
        }
    }
}

fn lambda_variable<'a>(cx: &Cx<'_, 'a>, name: &str) -> Value<'a> {
    cx.lambdas
        .iter()
        .rev()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map_or_else(
            || {
                cx.unknown(
                    format!("lambdaVariables('{name}')"),
                    "names no lambda variable in scope",
                )
            },
            |(_, value)| value.clone(),
        )
}

/// A `lambda('x', ['i',] body)` argument: its variable names and body.
fn lambda_parts(expr: &Expr) -> Option<(Vec<Rc<str>>, &Expr)> {
    let Expr::Call(call) = expr else { return None };
    if !call.is("lambda") {
        return None;
    }
    let (body, names) = call.args.split_last()?;
    let names = names
        .iter()
        .map(|name| name.as_str().map(Into::into))
        .collect::<Option<Vec<Rc<str>>>>()?;
    Some((names, body))
}

/// Applies a lambda to `values` bound to its variables.
fn apply<'a>(cx: &Cx<'_, 'a>, names: &[Rc<str>], body: &Expr, values: &[Value<'a>]) -> Value<'a> {
    let mut lambdas = cx.lambdas.to_vec();
    lambdas.extend(names.iter().cloned().zip(values.iter().cloned()));
    let inner = Cx {
        lambdas: &lambdas,
        ..*cx
    };
    inner.eval(body)
}

fn lambda_function<'a>(cx: &Cx<'_, 'a>, call: &Call, name: &str) -> Value<'a> {
    let invalid = || cx.unknown(cx.call_text(call), "is not valid");
    let Some(source) = call.args.first() else {
        return invalid();
    };
    let source = cx.eval(source);
    if source.is_unknown() {
        return source;
    }
    let Some(items) = source.as_array() else {
        return invalid();
    };
    let index = |i: usize| int(cx, i64::try_from(i).unwrap_or(i64::MAX));
    match name {
        "map" | "filter" => {
            let Some((names, body)) = call.args.get(1).and_then(lambda_parts) else {
                return invalid();
            };
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let result = apply(cx, &names, body, &[item.clone(), index(i)]);
                if name == "map" {
                    out.push(result);
                    continue;
                }
                match result.data() {
                    Data::Bool(true) => out.push(item.clone()),
                    Data::Bool(false) => {}
                    Data::Unknown(_) => return result,
                    _ => return invalid(),
                }
            }
            Value::array(out, cx.at)
        }
        "reduce" => {
            let (Some(initial), Some((names, body))) =
                (call.args.get(1), call.args.get(2).and_then(lambda_parts))
            else {
                return invalid();
            };
            let mut accumulator = cx.eval(initial);
            for (i, item) in items.iter().enumerate() {
                accumulator = apply(cx, &names, body, &[accumulator, item.clone(), index(i)]);
                if accumulator.is_unknown() {
                    break;
                }
            }
            accumulator
        }
        _ => {
            // toObject(array, key lambda, [value lambda])
            let Some((key_names, key_body)) = call.args.get(1).and_then(lambda_parts) else {
                return invalid();
            };
            let value_lambda = call.args.get(2).and_then(lambda_parts);
            let mut members = Vec::with_capacity(items.len());
            for item in items {
                let key = apply(cx, &key_names, key_body, std::slice::from_ref(item));
                let Some(key) = key.as_str() else {
                    return if key.is_unknown() { key } else { invalid() };
                };
                let value = match &value_lambda {
                    Some((names, body)) => apply(cx, names, body, std::slice::from_ref(item)),
                    None => item.clone(),
                };
                members.push((Text::Shared(Rc::from(key)), value));
            }
            Value::object(members, cx.at)
        }
    }
}

fn resource_group<'a>(cx: &Cx<'_, 'a>) -> Value<'a> {
    let at = cx.at;
    let runtime = |what: &str| {
        cx.unknown(
            ["resourceGroup().", what].concat(),
            "is only known during deployment",
        )
    };
    Value::object(
        vec![
            (
                "id".into(),
                Value::string(
                    [
                        "/subscriptions/",
                        SUBSCRIPTION_ID,
                        "/resourceGroups/",
                        RESOURCE_GROUP_NAME,
                    ]
                    .concat(),
                    at,
                ),
            ),
            ("name".into(), Value::string(RESOURCE_GROUP_NAME, at)),
            (
                "type".into(),
                Value::string("Microsoft.Resources/resourceGroups", at),
            ),
            ("location".into(), runtime("location")),
            ("managedBy".into(), runtime("managedBy")),
            ("tags".into(), runtime("tags")),
            ("properties".into(), runtime("properties")),
        ],
        at,
    )
}

fn subscription<'a>(cx: &Cx<'_, 'a>) -> Value<'a> {
    let at = cx.at;
    Value::object(
        vec![
            (
                "id".into(),
                Value::string(format!("/subscriptions/{SUBSCRIPTION_ID}"), at),
            ),
            ("subscriptionId".into(), Value::string(SUBSCRIPTION_ID, at)),
            ("tenantId".into(), Value::string(TENANT_ID, at)),
            (
                "displayName".into(),
                cx.unknown(
                    "subscription().displayName",
                    "is only known during deployment",
                ),
            ),
        ],
        at,
    )
}

fn tenant<'a>(cx: &Cx<'_, 'a>) -> Value<'a> {
    let at = cx.at;
    let runtime = |what: &str| {
        cx.unknown(
            ["tenant().", what].concat(),
            "is only known during deployment",
        )
    };
    Value::object(
        vec![
            ("tenantId".into(), Value::string(TENANT_ID, at)),
            ("countryCode".into(), runtime("countryCode")),
            ("displayName".into(), runtime("displayName")),
        ],
        at,
    )
}

fn deployment<'a>(cx: &Cx<'_, 'a>) -> Value<'a> {
    let at = cx.at;
    let runtime = |what: &str| {
        cx.unknown(
            ["deployment().", what].concat(),
            "is only known during deployment",
        )
    };
    Value::object(
        vec![
            ("name".into(), Value::string("{deploymentName}", at)),
            ("location".into(), runtime("location")),
            ("properties".into(), runtime("properties")),
        ],
        at,
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum IdScope {
    ResourceGroup,
    Subscription,
    Tenant,
    Extension,
    ManagementGroup,
}

/// Whether `text` looks like a resource type (`Microsoft.Network/virtualNetworks`): a dotted
/// namespace, a slash and a type name.
fn looks_like_type(text: &str) -> bool {
    text.split_once('/')
        .is_some_and(|(namespace, rest)| namespace.contains('.') && !rest.is_empty())
}

/// `providers/Namespace/type1/name1/type2/name2`.
pub(crate) fn provider_path(resource_type: &str, names: &[&str]) -> String {
    let mut segments = resource_type.split('/');
    let namespace = segments.next().unwrap_or_default();
    let mut out = format!("providers/{namespace}");
    let mut names = names.iter();
    for segment in segments {
        out.push('/');
        out.push_str(segment);
        if let Some(name) = names.next() {
            out.push('/');
            out.push_str(name);
        }
    }
    for name in names {
        out.push('/');
        out.push_str(name);
    }
    out
}

fn resource_id<'a>(f: &Fn_<'_, '_, 'a>, scope: IdScope) -> Result_<'a, Value<'a>> {
    f.deep_known()?;
    let texts: Vec<String> = f.args.iter().map(|arg| to_text(arg, false)).collect();
    let start = usize::from(scope == IdScope::Extension);
    let Some(type_at) = texts
        .iter()
        .skip(start)
        .position(|t| looks_like_type(t))
        .map(|p| p + start)
    else {
        return Err(f.invalid("no resource type"));
    };
    let prefix = &texts[..type_at];
    let names: Vec<&str> = texts[type_at + 1..].iter().map(String::as_str).collect();
    let path = provider_path(&texts[type_at], &names);
    let id = match scope {
        IdScope::ResourceGroup => {
            let (subscription, group) = match prefix {
                [] => (SUBSCRIPTION_ID, RESOURCE_GROUP_NAME),
                [group] => (SUBSCRIPTION_ID, group.as_str()),
                [subscription, group, ..] => (subscription.as_str(), group.as_str()),
            };
            format!("/subscriptions/{subscription}/resourceGroups/{group}/{path}")
        }
        IdScope::Subscription => {
            let subscription = prefix.first().map_or(SUBSCRIPTION_ID, String::as_str);
            format!("/subscriptions/{subscription}/{path}")
        }
        IdScope::Tenant => format!("/{path}"),
        IdScope::Extension => {
            let parent = prefix.first().map_or("", String::as_str);
            format!("{}/{path}", parent.trim_end_matches('/'))
        }
        IdScope::ManagementGroup => {
            let group = prefix
                .first()
                .map_or("{managementGroupName}", String::as_str);
            format!("/providers/Microsoft.Management/managementGroups/{group}/{path}")
        }
    };
    Ok(cx_string(f.cx, id))
}

/// FNV-1a over the parts, separated so that `('ab','c')` and `('a','bc')` differ.
fn hash(parts: &[String], salt: u64) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64 ^ salt;
    for part in parts {
        for byte in part.bytes().chain([0x1f]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// A deterministic stand-in for `uniqueString()`: 13 lowercase characters, equal for equal
/// arguments (so names built with it still match across resources).
fn unique_string(parts: &[String]) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut value = hash(parts, 0);
    (0..13)
        .map(|_| {
            let c = ALPHABET[(value & 31) as usize] as char;
            value >>= 5;
            c
        })
        .collect()
}

/// A deterministic stand-in for `guid()`.
fn guid(parts: &[String]) -> String {
    let (a, b) = (hash(parts, 1), hash(parts, 2));
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

fn to_bool<'a>(f: &Fn_<'_, '_, 'a>) -> Result_<'a, Value<'a>> {
    let value = f.known(0)?;
    let result = match value.data() {
        Data::Bool(b) => *b,
        Data::Int(i) => *i != 0,
        Data::String(s) if s.eq_ignore_ascii_case("true") => true,
        Data::String(s) if s.eq_ignore_ascii_case("false") => false,
        _ => return Err(f.invalid("cannot convert to a boolean")),
    };
    Ok(boolean(f.cx, result))
}

fn to_int<'a>(f: &Fn_<'_, '_, 'a>) -> Result_<'a, Value<'a>> {
    let value = f.known(0)?;
    let result = match value.data() {
        Data::Int(i) => *i,
        Data::String(s) => s
            .trim()
            .parse::<i64>()
            .map_err(|_| f.invalid("cannot convert to an integer"))?,
        _ => return Err(f.invalid("cannot convert to an integer")),
    };
    Ok(int(f.cx, result))
}

/// Deep equality as `equals()` has it: strings compare with case, object keys without.
pub(crate) fn equal(a: &Value<'_>, b: &Value<'_>) -> bool {
    match (a.data(), b.data()) {
        (Data::Null, Data::Null) => true,
        (Data::Bool(x), Data::Bool(y)) => x == y,
        (Data::Int(x), Data::Int(y)) => x == y,
        // JSON numbers with a fraction are rare in templates; compare them as written.
        (Data::Float(x), Data::Int(y)) | (Data::Int(y), Data::Float(x)) => {
            x.to_string() == y.to_string()
        }
        (Data::Float(x), Data::Float(y)) => x.to_bits() == y.to_bits(),
        (Data::String(x), Data::String(y)) => x == y,
        (Data::Array(_), Data::Array(_)) => {
            let (x, y) = (
                a.as_array().unwrap_or_default(),
                b.as_array().unwrap_or_default(),
            );
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| equal(x, y))
        }
        (Data::Object(_), Data::Object(_)) => {
            let (x, y) = (
                a.as_object().unwrap_or_default(),
                b.as_object().unwrap_or_default(),
            );
            x.len() == y.len()
                && x.iter()
                    .all(|(key, value)| b.member(key).is_some_and(|other| equal(value, other)))
        }
        _ => false,
    }
}

fn compare<'a>(f: &Fn_<'_, '_, 'a>, test: impl Fn(Ordering) -> bool) -> Result_<'a, Value<'a>> {
    let (a, b) = (f.known(0)?, f.known(1)?);
    let ordering = match (a.data(), b.data()) {
        (Data::Int(x), Data::Int(y)) => x.cmp(y),
        (Data::String(x), Data::String(y)) => x.cmp(y),
        _ => return Err(f.invalid("compares values of different types")),
    };
    Ok(boolean(f.cx, test(ordering)))
}

fn empty<'a>(f: &Fn_<'_, '_, 'a>) -> Result_<'a, Value<'a>> {
    let value = f.known(0)?;
    let result = match value.data() {
        Data::Null => true,
        Data::String(s) => s.is_empty(),
        Data::Array(_) => value.as_array().is_some_and(<[_]>::is_empty),
        Data::Object(_) => value.as_object().is_some_and(<[_]>::is_empty),
        _ => return Err(f.invalid("expects a string, array or object")),
    };
    Ok(boolean(f.cx, result))
}

fn contains<'a>(f: &Fn_<'_, '_, 'a>) -> Result_<'a, Value<'a>> {
    let container = f.known(0)?;
    let result = match container.data() {
        Data::String(s) => {
            let item = f.known(1)?;
            if item.as_array().is_some() || item.as_object().is_some() {
                return Err(f.invalid("looks for a collection in a string"));
            }
            s.contains(to_text(item, false).as_str())
        }
        Data::Array(_) => {
            let item = f.known(1)?;
            if let Some(unknown) = deep_unknown(item) {
                return Err(Value::new(Data::Unknown(unknown), f.cx.at));
            }
            let items = container.as_array().unwrap_or_default();
            if items.iter().any(|candidate| equal(candidate, item)) {
                true
            } else if let Some(unknown) = items.iter().find_map(deep_unknown) {
                // An unknown item may be the one.
                return Err(Value::new(Data::Unknown(unknown), f.cx.at));
            } else {
                false
            }
        }
        Data::Object(_) => container.member(f.str_arg(1)?).is_some(),
        _ => return Err(f.invalid("expects a string, array or object")),
    };
    Ok(boolean(f.cx, result))
}

/// How a value reads as text: strings as they are, JSON for collections. `dotnet` spells
/// booleans as .NET does (`True`), which `string()` and `format()` do for a top-level boolean.
pub(crate) fn to_text(value: &Value<'_>, dotnet: bool) -> String {
    match value.data() {
        Data::String(s) => s.to_string(),
        Data::Bool(true) if dotnet => "True".to_owned(),
        Data::Bool(false) if dotnet => "False".to_owned(),
        Data::Null => String::new(),
        _ => {
            let mut out = String::new();
            write_json(value, &mut out);
            out
        }
    }
}

fn write_json(value: &Value<'_>, out: &mut String) {
    match value.data() {
        Data::Null => out.push_str("null"),
        Data::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Data::Int(i) => out.push_str(&i.to_string()),
        Data::Float(x) => out.push_str(&x.to_string()),
        Data::String(s) => write_json_string(s, out),
        Data::Array(_) => {
            out.push('[');
            for (i, item) in value.as_array().unwrap_or_default().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Data::Object(_) => {
            out.push('{');
            for (i, (key, member)) in value.as_object().unwrap_or_default().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(key, out);
                out.push(':');
                write_json(member, out);
            }
            out.push('}');
        }
        Data::Unknown(unknown) => out.push_str(&unknown.expression),
    }
}

/// Appends `text` as a JSON string literal (quoted, escaped) to `out`.
pub fn write_json_string(text: &str, out: &mut String) {
    out.reserve(text.len() + 2);
    out.push('"');
    // Runs of characters that need no escape are copied whole: most strings have none.
    let mut plain = 0;
    for (at, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            _ if byte < 0x20 => None,
            _ => continue,
        };
        out.push_str(&text[plain..at]);
        match escape {
            Some(escape) => out.push_str(escape),
            None => out.push_str(&format!("\\u{byte:04x}")),
        }
        plain = at + 1;
    }
    out.push_str(&text[plain..]);
    out.push('"');
}

fn concat<'a>(f: &Fn_<'_, '_, 'a>) -> Result_<'a, Value<'a>> {
    let all_arrays = !f.args.is_empty()
        && f.args
            .iter()
            .all(|arg| matches!(arg.data(), Data::Array(_) | Data::Null));
    if all_arrays {
        let mut items = Vec::new();
        for arg in f.args {
            items.extend(arg.as_array().unwrap_or_default().iter().cloned());
        }
        return Ok(Value::array(items, f.cx.at));
    }
    let mut text = String::new();
    for i in 0..f.args.len() {
        let arg = f.known(i)?;
        if arg.as_array().is_some() || arg.as_object().is_some() {
            return Err(f.invalid("mixes strings and collections"));
        }
        text.push_str(&to_text(arg, false));
        if text.len() > MAX_STRING_BYTES {
            break;
        }
    }
    Ok(cx_string(f.cx, text))
}

/// `format()`: .NET composite formatting; `{0}`, `{1,-5}`, `{0:N}` (alignment and format
/// strings are ignored), `{{` and `}}` for braces.
fn format<'a>(f: &Fn_<'_, '_, 'a>) -> Result_<'a, Value<'a>> {
    let template = f.str_arg(0)?.to_owned();
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut spec = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(c) => spec.push(c),
                        None => return Err(f.invalid("unclosed `{` in the format string")),
                    }
                }
                let index_text = spec.split([',', ':']).next().unwrap_or_default().trim();
                let index: usize = index_text
                    .parse()
                    .map_err(|_| f.invalid("bad placeholder in the format string"))?;
                let arg = f.known(index.saturating_add(1))?;
                if let Some(unknown) = deep_unknown(arg) {
                    return Err(Value::new(Data::Unknown(unknown), f.cx.at));
                }
                out.push_str(&to_text(arg, true));
                if out.len() > MAX_STRING_BYTES {
                    break;
                }
            }
            '}' => return Err(f.invalid("unmatched `}` in the format string")),
            c => out.push(c),
        }
    }
    Ok(cx_string(f.cx, out))
}

fn split<'a>(f: &Fn_<'_, '_, 'a>) -> Result_<'a, Value<'a>> {
    let text = f.str_arg(0)?;
    let separators = f.known(1)?;
    let separators: Vec<String> = match separators.data() {
        Data::String(s) => vec![s.to_string()],
        Data::Array(_) => {
            f.deep_known()?;
            separators
                .as_array()
                .unwrap_or_default()
                .iter()
                .map(|s| to_text(s, false))
                .collect()
        }
        _ => return Err(f.invalid("expects a separator string or array")),
    };
    let separators: Vec<&str> = separators
        .iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    let mut parts = Vec::new();
    let mut rest = text;
    loop {
        let next = separators
            .iter()
            .filter_map(|sep| rest.find(sep).map(|at| (at, sep.len())))
            .min();
        match next {
            Some((at, len)) => {
                parts.push(Value::string(rest[..at].to_owned(), f.cx.at));
                rest = &rest[at + len..];
            }
            None => {
                parts.push(Value::string(rest.to_owned(), f.cx.at));
                break;
            }
        }
    }
    Ok(Value::array(parts, f.cx.at))
}

fn replace<'a>(f: &Fn_<'_, '_, 'a>) -> Result_<'a, Value<'a>> {
    let (text, old, new) = (f.str_arg(0)?, f.str_arg(1)?, f.str_arg(2)?);
    if old.is_empty() {
        return Err(f.invalid("replaces an empty string"));
    }
    let count = text.matches(old).count();
    if text.len() + count.saturating_mul(new.len()) > MAX_STRING_BYTES {
        return Err(f.invalid("builds a string too long to evaluate"));
    }
    Ok(cx_string(f.cx, text.replace(old, new)))
}

fn substring<'a>(f: &Fn_<'_, '_, 'a>) -> Result_<'a, Value<'a>> {
    let text = f.str_arg(0)?;
    let chars: Vec<char> = text.chars().collect();
    let start = usize::try_from(f.int_arg(1)?).map_err(|_| f.invalid("negative start"))?;
    let length = match f.args.get(2) {
        Some(_) => usize::try_from(f.int_arg(2)?).map_err(|_| f.invalid("negative length"))?,
        None => chars.len().saturating_sub(start),
    };
    let end = start.checked_add(length).filter(|end| *end <= chars.len());
    match end {
        Some(end) if start <= chars.len() => {
            Ok(cx_string(f.cx, chars[start..end].iter().collect()))
        }
        _ => Err(f.invalid("the range is outside the string")),
    }
}

fn index_of<'a>(f: &Fn_<'_, '_, 'a>, last: bool) -> Result_<'a, Value<'a>> {
    let container = f.known(0)?;
    if container.as_array().is_some() {
        f.deep_known()?;
        let items = container.as_array().unwrap_or_default();
        let item = f.known(1)?;
        let mut positions = items.iter().enumerate().filter(|(_, c)| equal(c, item));
        let found = if last {
            positions.next_back()
        } else {
            positions.next()
        };
        let index = found.map_or(-1, |(i, _)| i64::try_from(i).unwrap_or(-1));
        return Ok(int(f.cx, index));
    }
    let (text, needle) = (f.str_arg(0)?.to_lowercase(), f.str_arg(1)?.to_lowercase());
    let found = if last {
        text.rfind(&needle)
    } else {
        text.find(&needle)
    };
    let index = found.map_or(-1, |byte| {
        i64::try_from(text[..byte].chars().count()).unwrap_or(-1)
    });
    Ok(int(f.cx, index))
}

fn pad_left<'a>(f: &Fn_<'_, '_, 'a>) -> Result_<'a, Value<'a>> {
    let value = f.known(0)?;
    if value.as_array().is_some() || value.as_object().is_some() {
        return Err(f.invalid("pads a collection"));
    }
    let text = to_text(value, false);
    let width = usize::try_from(f.int_arg(1)?)
        .ok()
        .filter(|w| *w <= 16_384)
        .ok_or_else(|| f.invalid("the width is out of range"))?;
    let pad = match f.args.get(2) {
        Some(_) => f.str_arg(2)?.chars().next().unwrap_or(' '),
        None => ' ',
    };
    let missing = width.saturating_sub(text.chars().count());
    let mut out: String = std::iter::repeat_n(pad, missing).collect();
    out.push_str(&text);
    Ok(cx_string(f.cx, out))
}

fn join<'a>(f: &Fn_<'_, '_, 'a>) -> Result_<'a, Value<'a>> {
    f.deep_known()?;
    let items = f
        .known(0)?
        .as_array()
        .ok_or_else(|| f.invalid("expects an array"))?;
    let separator = f.str_arg(1)?;
    let parts: Vec<String> = items.iter().map(|item| to_text(item, false)).collect();
    Ok(cx_string(f.cx, parts.join(separator)))
}

/// `json()`: parses with the same JSON reader as templates, into values used at the
/// expression.
fn parse_json<'a>(cx: &Cx<'_, 'a>, text: &str) -> Value<'a> {
    let parsed = json::parse(text, &Limits::default());
    let root = parsed
        .documents
        .first()
        .and_then(|document| parsed.root(document));
    match root {
        Some(root) if parsed.errors.is_empty() => from_json(cx, root),
        _ => cx.unknown(cx.text, "is not valid (json() of text that is not JSON)"),
    }
}

fn from_json<'a>(cx: &Cx<'_, 'a>, node: NodeRef<'_>) -> Value<'a> {
    if node.is_mapping() {
        let members = node
            .entries()
            .filter_map(|(key, value)| {
                Some((Text::Shared(Rc::from(key.as_str()?)), from_json(cx, value)))
            })
            .collect();
        return Value::object(members, cx.at);
    }
    if node.is_sequence() {
        return Value::array(
            node.items().map(|item| from_json(cx, item)).collect(),
            cx.at,
        );
    }
    let data = match node.scalar() {
        Some((text, ScalarStyle::DoubleQuoted)) => Data::String(Text::Shared(text.into())),
        Some(("true", _)) => Data::Bool(true),
        Some(("false", _)) => Data::Bool(false),
        Some((text, _)) => match text.parse::<i64>() {
            Ok(i) => Data::Int(i),
            Err(_) => text.parse::<f64>().map_or(Data::Null, Data::Float),
        },
        None => Data::Null,
    };
    Value::new(data, cx.at)
}

fn create_object<'a>(f: &Fn_<'_, '_, 'a>) -> Result_<'a, Value<'a>> {
    if !f.args.len().is_multiple_of(2) {
        return Err(f.invalid("takes key and value pairs"));
    }
    let mut members: Vec<(Text<'a>, Value<'a>)> = Vec::with_capacity(f.args.len() / 2);
    for pair in (0..f.args.len()).step_by(2) {
        let key = Text::Shared(f.str_arg(pair)?.into());
        members.retain(|(existing, _)| !existing.eq_ignore_ascii_case(&key));
        members.push((key, f.args[pair + 1].clone()));
    }
    Ok(Value::object(members, f.cx.at))
}

fn length<'a>(f: &Fn_<'_, '_, 'a>) -> Result_<'a, Value<'a>> {
    let value = f.known(0)?;
    let n = match value.data() {
        Data::String(s) => s.chars().count(),
        Data::Array(_) => value.as_array().map_or(0, <[_]>::len),
        Data::Object(_) => value.as_object().map_or(0, <[_]>::len),
        _ => return Err(f.invalid("expects a string, array or object")),
    };
    Ok(int(f.cx, i64::try_from(n).unwrap_or(i64::MAX)))
}

fn first_last<'a>(f: &Fn_<'_, '_, 'a>, first: bool) -> Result_<'a, Value<'a>> {
    let value = f.known(0)?;
    match value.data() {
        Data::String(s) => {
            let c = if first {
                s.chars().next()
            } else {
                s.chars().last()
            };
            Ok(cx_string(f.cx, c.map(String::from).unwrap_or_default()))
        }
        Data::Array(_) => {
            let items = value.as_array().unwrap_or_default();
            let item = if first { items.first() } else { items.last() };
            Ok(item
                .cloned()
                .unwrap_or_else(|| Value::new(Data::Null, f.cx.at)))
        }
        _ => Err(f.invalid("expects a string or array")),
    }
}

fn take_skip<'a>(f: &Fn_<'_, '_, 'a>, take: bool) -> Result_<'a, Value<'a>> {
    let value = f.known(0)?;
    let count = usize::try_from(f.int_arg(1)?.max(0)).unwrap_or(usize::MAX);
    match value.data() {
        Data::String(s) => {
            let chars = s.chars();
            let text: String = if take {
                chars.take(count).collect()
            } else {
                chars.skip(count).collect()
            };
            Ok(cx_string(f.cx, text))
        }
        Data::Array(_) => {
            let items = value.as_array().unwrap_or_default();
            let split = count.min(items.len());
            let part = if take {
                &items[..split]
            } else {
                &items[split..]
            };
            Ok(Value::array(part.to_vec(), f.cx.at))
        }
        _ => Err(f.invalid("expects a string or array")),
    }
}

/// `union()`: arrays without repeats; objects merged, nested objects merged recursively and
/// later values winning.
fn union<'a>(f: &Fn_<'_, '_, 'a>) -> Result_<'a, Value<'a>> {
    let first = f.known(0)?;
    match first.data() {
        Data::Array(_) => {
            f.deep_known()?;
            let mut items: Vec<Value<'a>> = Vec::new();
            for i in 0..f.args.len() {
                let arg = f.known(i)?;
                let Some(more) = arg.as_array() else {
                    return Err(f.invalid("mixes arrays and other values"));
                };
                for item in more {
                    if !items.iter().any(|existing| equal(existing, item)) {
                        items.push(item.clone());
                    }
                }
            }
            Ok(Value::array(items, f.cx.at))
        }
        Data::Object(_) => {
            let mut merged = first.clone();
            for i in 1..f.args.len() {
                let arg = f.known(i)?;
                if arg.as_object().is_none() {
                    return Err(f.invalid("mixes objects and other values"));
                }
                merged = merge(f.cx, &merged, arg);
            }
            Ok(merged)
        }
        _ => Err(f.invalid("expects arrays or objects")),
    }
}

fn merge<'a>(cx: &Cx<'_, 'a>, base: &Value<'a>, overlay: &Value<'a>) -> Value<'a> {
    let mut members: Vec<(Text<'a>, Value<'a>)> = base.as_object().unwrap_or_default().to_vec();
    for (key, value) in overlay.as_object().unwrap_or_default() {
        match members
            .iter_mut()
            .find(|(existing, _)| existing.eq_ignore_ascii_case(key))
        {
            Some((_, existing))
                if existing.as_object().is_some() && value.as_object().is_some() =>
            {
                *existing = merge(cx, existing, value);
            }
            Some((_, existing)) => *existing = value.clone(),
            None => members.push((key.clone(), value.clone())),
        }
    }
    Value::object(members, cx.at)
}

fn intersection<'a>(f: &Fn_<'_, '_, 'a>) -> Result_<'a, Value<'a>> {
    f.deep_known()?;
    let first = f.known(0)?;
    let rest = &f.args[1..];
    if let Some(items) = first.as_array() {
        let mut out: Vec<Value<'a>> = Vec::new();
        for item in items {
            let everywhere = rest.iter().all(|other| {
                other
                    .as_array()
                    .is_some_and(|others| others.iter().any(|o| equal(o, item)))
            });
            if everywhere && !out.iter().any(|existing| equal(existing, item)) {
                out.push(item.clone());
            }
        }
        return Ok(Value::array(out, f.cx.at));
    }
    if let Some(members) = first.as_object() {
        let out = members
            .iter()
            .filter(|(key, value)| {
                rest.iter()
                    .all(|other| other.member(key).is_some_and(|o| equal(o, value)))
            })
            .cloned()
            .collect();
        return Ok(Value::object(out, f.cx.at));
    }
    Err(f.invalid("expects arrays or objects"))
}

fn flatten<'a>(f: &Fn_<'_, '_, 'a>) -> Result_<'a, Value<'a>> {
    let value = f.known(0)?;
    let items = value
        .as_array()
        .ok_or_else(|| f.invalid("expects an array"))?;
    let mut out = Vec::new();
    for item in items {
        match item.data() {
            Data::Array(_) => out.extend(item.as_array().unwrap_or_default().iter().cloned()),
            Data::Unknown(_) => return Err(item.clone()),
            _ => return Err(f.invalid("expects an array of arrays")),
        }
    }
    Ok(Value::array(out, f.cx.at))
}

/// `shallowMerge([a, b, ...])`: the objects' members, a later object's replacing an earlier
/// one's whole (Bicep's `{ ...a, ...b }`).
fn shallow_merge<'a>(f: &Fn_<'_, '_, 'a>) -> Result_<'a, Value<'a>> {
    let value = f.known(0)?;
    let objects = value
        .as_array()
        .ok_or_else(|| f.invalid("expects an array of objects"))?;
    let mut members: Vec<(Text<'a>, Value<'a>)> = Vec::new();
    for object in objects {
        if object.is_unknown() {
            return Err(object.clone());
        }
        let Some(more) = object.as_object() else {
            return Err(f.invalid("expects an array of objects"));
        };
        for (key, value) in more {
            members.retain(|(existing, _)| !existing.eq_ignore_ascii_case(key));
            members.push((key.clone(), value.clone()));
        }
    }
    Ok(Value::object(members, f.cx.at))
}

fn items<'a>(f: &Fn_<'_, '_, 'a>) -> Result_<'a, Value<'a>> {
    let mut members = f.object_arg(0)?.to_vec();
    // ARM returns the entries sorted by key.
    members.sort_by(|(a, _), (b, _)| a.cmp(b));
    let at = f.cx.at;
    let entries = members
        .into_iter()
        .map(|(key, value)| {
            Value::object(
                vec![
                    ("key".into(), Value::string(key, at)),
                    ("value".into(), value),
                ],
                at,
            )
        })
        .collect();
    Ok(Value::array(entries, at))
}

fn range<'a>(f: &Fn_<'_, '_, 'a>) -> Result_<'a, Value<'a>> {
    let (start, count) = (f.int_arg(0)?, f.int_arg(1)?);
    if !(0..=MAX_RANGE).contains(&count) || start.checked_add(count).is_none() {
        return Err(f.invalid("the count is out of range"));
    }
    let items = (start..start + count).map(|i| int(f.cx, i)).collect();
    Ok(Value::array(items, f.cx.at))
}

fn min_max<'a>(f: &Fn_<'_, '_, 'a>, min: bool) -> Result_<'a, Value<'a>> {
    f.deep_known()?;
    let values: &[Value<'a>] = match f.args {
        [single] if single.as_array().is_some() => single.as_array().unwrap_or_default(),
        args => args,
    };
    let numbers = values
        .iter()
        .map(Value::as_int)
        .collect::<Option<Vec<i64>>>()
        .ok_or_else(|| f.invalid("expects integers"))?;
    let result = if min {
        numbers.iter().min()
    } else {
        numbers.iter().max()
    };
    result
        .map(|n| int(f.cx, *n))
        .ok_or_else(|| f.invalid("expects at least one integer"))
}

fn try_get<'a>(f: &Fn_<'_, '_, 'a>) -> Result_<'a, Value<'a>> {
    let mut current = f.known(0)?.clone();
    for i in 1..f.args.len() {
        let key = f.known(i)?;
        current = f.cx.index(&current, key, true);
        if current.is_unknown() {
            break;
        }
    }
    Ok(current)
}

fn arithmetic<'a>(f: &Fn_<'_, '_, 'a>, op: fn(i64, i64) -> Option<i64>) -> Result_<'a, Value<'a>> {
    let (a, b) = (f.int_arg(0)?, f.int_arg(1)?);
    op(a, b)
        .map(|n| int(f.cx, n))
        .ok_or_else(|| f.invalid("overflows or divides by zero"))
}
