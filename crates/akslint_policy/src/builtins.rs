//! Deprecated OPA builtins that Gatekeeper (and so the Azure Policy add-on) still runs and
//! regorus does not have: `re_match`, `any` and `all`.

use std::collections::HashMap;

use anyhow::{Result, bail};
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
        Box::new(|args: Vec<Value>| Ok(Value::from(members(&args)?.iter().any(|v| *v == Value::from(true))))),
    )?;
    engine.add_extension(
        "all".to_owned(),
        1,
        Box::new(|args: Vec<Value>| Ok(Value::from(members(&args)?.iter().all(|v| *v == Value::from(true))))),
    )?;
    Ok(())
}

/// `re_match(pattern, value)`: the alias of `regex.match`. Patterns are compiled once.
fn re_match(cache: &mut HashMap<String, Regex>, args: &[Value]) -> Result<Value> {
    let [Value::String(pattern), Value::String(value)] = args else {
        bail!("re_match expects two strings");
    };
    if !cache.contains_key(pattern.as_ref()) {
        let regex = Regex::new(pattern)?;
        cache.insert(pattern.to_string(), regex);
    }
    Ok(Value::from(
        cache.get(pattern.as_ref()).is_some_and(|regex| regex.is_match(value)),
    ))
}

/// The members of the array or set argument of `any`/`all`.
fn members(args: &[Value]) -> Result<Vec<Value>> {
    match args {
        [Value::Array(items)] => Ok(items.iter().cloned().collect()),
        [Value::Set(items)] => Ok(items.iter().cloned().collect()),
        _ => bail!("expects an array or a set"),
    }
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
            "package t\nr { re_match(\"^a+$\", \"aaa\") }\ny { any([false, true]) }\nn { all({true, false}) }\n".to_owned(),
        )?;
        assert_eq!(engine.eval_rule("data.t.r".to_owned())?, Value::from(true));
        assert_eq!(engine.eval_rule("data.t.y".to_owned())?, Value::from(true));
        assert_eq!(engine.eval_rule("data.t.n".to_owned())?, Value::Undefined);
        Ok(())
    }
}
