//! Deprecated OPA builtins that Gatekeeper (and so the Azure Policy add-on) still runs and
//! regorus does not have: `re_match`, `any` and `all`.

use std::collections::HashMap;

use anyhow::Result;
use regex::Regex;
use regorus::{Engine, Value};

/// Adds the builtins to `engine`.
///
/// # Errors
/// When the engine already has a function of one of these names.
pub fn add_legacy_builtins(engine: &mut Engine) -> Result<()> {
    let mut cache: HashMap<String, Regex> = HashMap::new();
    engine.add_extension(
        "re_match".to_owned(),
        2,
        Box::new(move |args: Vec<Value>| re_match(&mut cache, &args)),
    )?;
    engine.add_extension(
        "any".to_owned(),
        1,
        Box::new(|args: Vec<Value>| Ok(members_test(&args, false))),
    )?;
    engine.add_extension(
        "all".to_owned(),
        1,
        Box::new(|args: Vec<Value>| Ok(members_test(&args, true))),
    )?;
    Ok(())
}

/// `re_match(pattern, value)`: the alias of `regex.match`. Patterns are compiled once.
/// Arguments that are not strings, or a pattern that does not compile, leave the call
/// undefined, as OPA's builtins do when their errors are not strict.
fn re_match(cache: &mut HashMap<String, Regex>, args: &[Value]) -> Result<Value> {
    let [Value::String(pattern), Value::String(value)] = args else {
        return Ok(Value::Undefined);
    };
    if !cache.contains_key(pattern.as_ref()) {
        let Ok(regex) = Regex::new(pattern) else {
            return Ok(Value::Undefined);
        };
        cache.insert(pattern.to_string(), regex);
    }
    Ok(cache
        .get(pattern.as_ref())
        .map_or(Value::Undefined, |regex| Value::from(regex.is_match(value))))
}

/// `any`/`all` over the array or set argument: whether any (all) members are `true`;
/// undefined for another argument.
fn members_test(args: &[Value], all: bool) -> Value {
    let members: Vec<&Value> = match args {
        [Value::Array(items)] => items.iter().collect(),
        [Value::Set(items)] => items.iter().collect(),
        _ => return Value::Undefined,
    };
    let is_true = |v: &&Value| **v == Value::from(true);
    Value::from(if all {
        members.iter().all(is_true)
    } else {
        members.iter().any(is_true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legacy_builtins_evaluate() -> Result<()> {
        let mut engine = Engine::new();
        engine.set_rego_v0(true);
        add_legacy_builtins(&mut engine)?;
        engine.add_policy(
            "t.rego".to_owned(),
            "package t\nr { re_match(\"^a+$\", \"aaa\") }\ny { any([false, true]) }\nn { all({true, false}) }\nu { not re_match(null, \"a\") }\n".to_owned(),
        )?;
        assert_eq!(engine.eval_rule("data.t.r".to_owned())?, Value::from(true));
        assert_eq!(engine.eval_rule("data.t.y".to_owned())?, Value::from(true));
        assert_eq!(engine.eval_rule("data.t.n".to_owned())?, Value::Undefined);
        assert_eq!(engine.eval_rule("data.t.u".to_owned())?, Value::from(true));
        Ok(())
    }
}
