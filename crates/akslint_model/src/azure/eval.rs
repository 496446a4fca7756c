//! The evaluator: template JSON and expressions to [`Value`]s, within one template scope
//! (parameters and variables) and the active copy loops.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use akslint_syntax::{NodeId, NodeRef, ScalarStyle};

use super::expr::{self, Call, Expr, TemplateString};
use super::functions;
use super::value::{Data, OriginKind, Unknown, Value, same_key};

/// ARM's own limit on the count of a copy loop.
pub(crate) const MAX_COPY_COUNT: i64 = 800;

/// How many evaluation steps one template (with all its nested deployments) may take before
/// the rest is unknown: bounds the time spent on hostile or pathological input.
const BUDGET: u64 = 1_000_000;

/// How deep evaluation may recurse (nested JSON, nested calls, and references to parameters
/// and variables, which evaluate lazily) before the value is unknown: keeps the stack bounded
/// on a 2 MiB thread, whatever chain of references a template builds.
const MAX_RECURSION: usize = 160;

/// State shared by every scope of one evaluation: the step budget, the recursion depth and
/// parsed expressions.
pub(crate) struct Evaluator {
    budget: Cell<u64>,
    recursion: Cell<usize>,
    expressions: RefCell<ExpressionCache>,
}

/// Parsed expressions by the node of their string, so that a copy loop parses its body once.
type ExpressionCache =
    HashMap<NodeId, Rc<Result<Expr, expr::ParseError>>, BuildHasherDefault<NodeIdHasher>>;

/// Hashes a [`NodeId`] with one multiplication: the cache is read for every expression
/// evaluated, and ids the parser numbers need no protection against chosen keys.
#[derive(Default)]
struct NodeIdHasher(u64);

impl Hasher for NodeIdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u8(byte);
        }
    }

    fn write_u8(&mut self, value: u8) {
        self.write_u64(u64::from(value));
    }

    fn write_u32(&mut self, value: u32) {
        self.write_u64(u64::from(value));
    }

    fn write_u64(&mut self, value: u64) {
        // An odd constant near 2^64 / golden ratio spreads consecutive ids over the high bits
        // the table's probing reads.
        self.0 = (self.0 ^ value).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// One level of evaluation recursion, given back when dropped.
pub(crate) struct Level<'e>(&'e Cell<usize>);

impl Drop for Level<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get().saturating_sub(1));
    }
}

impl Evaluator {
    pub(crate) fn new() -> Self {
        Self {
            budget: Cell::new(BUDGET),
            recursion: Cell::new(0),
            expressions: RefCell::new(ExpressionCache::default()),
        }
    }

    /// Enters one level of recursion; `None` when it would go too deep.
    pub(crate) fn enter(&self) -> Option<Level<'_>> {
        let depth = self.recursion.get();
        if depth >= MAX_RECURSION {
            return None;
        }
        self.recursion.set(depth + 1);
        Some(Level(&self.recursion))
    }

    /// Spends `steps`; false once the budget is gone.
    pub(crate) fn spend(&self, steps: u64) -> bool {
        let left = self.budget.get();
        if left < steps {
            self.budget.set(0);
            false
        } else {
            self.budget.set(left - steps);
            true
        }
    }

    pub(crate) fn exhausted(&self) -> bool {
        self.budget.get() == 0
    }

    fn parsed(&self, node: NodeRef<'_>, text: &str) -> Rc<Result<Expr, expr::ParseError>> {
        // Parsing reads only `text`, so the cache stays borrowed while it runs: one hash per
        // expression instead of a lookup and an insertion.
        Rc::clone(
            self.expressions
                .borrow_mut()
                .entry(node.id())
                .or_insert_with(|| Rc::new(expr::parse(text))),
        )
    }
}

/// A lazily evaluated parameter or variable.
enum Slot<'a> {
    Pending,
    InProgress,
    Done(Value<'a>, OriginKind),
}

/// A parameter of a template scope.
pub(crate) struct ParameterSlot<'a> {
    pub(crate) name: Rc<str>,
    /// The declaration (`{"type": ..., "defaultValue": ...}`).
    pub(crate) decl: NodeRef<'a>,
    /// A value given from outside: a parameter file or the nested deployment's `parameters`.
    pub(crate) provided: Option<(Value<'a>, OriginKind)>,
    state: RefCell<Slot<'a>>,
}

impl<'a> ParameterSlot<'a> {
    pub(crate) fn new(
        name: Rc<str>,
        decl: NodeRef<'a>,
        provided: Option<(Value<'a>, OriginKind)>,
    ) -> Self {
        Self {
            name,
            decl,
            provided,
            state: RefCell::new(Slot::Pending),
        }
    }
}

/// A variable of a template scope: a value node, or a `variables.copy` loop.
pub(crate) struct VariableSlot<'a> {
    pub(crate) name: Rc<str>,
    pub(crate) node: NodeRef<'a>,
    /// Whether `node` is a `copy` loop entry (`{name, count, input}`) rather than the value.
    pub(crate) is_loop: bool,
    state: RefCell<Slot<'a>>,
}

impl<'a> VariableSlot<'a> {
    pub(crate) fn new(name: Rc<str>, node: NodeRef<'a>, is_loop: bool) -> Self {
        Self {
            name,
            node,
            is_loop,
            state: RefCell::new(Slot::Pending),
        }
    }
}

/// The parameters and variables one template's expressions see.
pub(crate) struct TemplateScope<'a> {
    pub(crate) parameters: Vec<ParameterSlot<'a>>,
    pub(crate) variables: Vec<VariableSlot<'a>>,
}

impl<'a> TemplateScope<'a> {
    /// Evaluates every parameter and variable in declaration order. Templates (and Bicep's
    /// output) mostly declare what a value refers to before it, so each reference then finds
    /// a value already evaluated and lazy evaluation does not recurse along long chains.
    pub(crate) fn prepare(&self, ev: &Evaluator, at: NodeRef<'a>) {
        let cx = Cx::new(ev, self, &[], at);
        for slot in &self.parameters {
            cx.resolved_parameter(slot);
        }
        for slot in &self.variables {
            cx.resolved_variable(slot);
        }
    }

    /// Reads the `parameters` and `variables` sections of `template`; `provided` gives values
    /// from outside by parameter name (compared without case).
    pub(crate) fn new(
        template: NodeRef<'a>,
        provided: &mut dyn FnMut(&str) -> Option<(Value<'a>, OriginKind)>,
    ) -> Self {
        let parameters = member_node(template, "parameters")
            .into_iter()
            .flat_map(NodeRef::entries)
            .filter_map(|(key, decl)| {
                let name: Rc<str> = key.as_str()?.into();
                let given = provided(&name);
                Some(ParameterSlot::new(name, decl, given))
            })
            .collect();
        let mut variables = Vec::new();
        for (key, value) in member_node(template, "variables")
            .into_iter()
            .flat_map(NodeRef::entries)
        {
            let Some(name) = key.as_str() else { continue };
            if name.eq_ignore_ascii_case("copy") && value.is_sequence() {
                for entry in value.items() {
                    if let Some(loop_name) = member_node(entry, "name").and_then(NodeRef::as_str) {
                        variables.push(VariableSlot::new(loop_name.into(), entry, true));
                    }
                }
            } else {
                variables.push(VariableSlot::new(name.into(), value, false));
            }
        }
        Self {
            parameters,
            variables,
        }
    }

    pub(crate) fn parameter(&self, name: &str) -> Option<&ParameterSlot<'a>> {
        // The last declaration wins, as with duplicate JSON keys.
        self.parameters
            .iter()
            .rev()
            .find(|slot| slot.name.eq_ignore_ascii_case(name))
    }

    fn variable(&self, name: &str) -> Option<&VariableSlot<'a>> {
        self.variables
            .iter()
            .rev()
            .find(|slot| slot.name.eq_ignore_ascii_case(name))
    }
}

/// One active copy loop: its name (`None` for an unnamed resource loop) and the current index
/// (`None` when the count is unknown and one representative instance is evaluated).
#[derive(Debug, Clone)]
pub(crate) struct LoopIndex {
    pub(crate) name: Option<Rc<str>>,
    pub(crate) index: Option<i64>,
    /// Whether this is the resource's own loop, which `copyIndex()` without a name refers to.
    pub(crate) resource: bool,
}

/// Where an evaluation happens: the scope, the loops, the node being evaluated.
#[derive(Clone, Copy)]
pub(crate) struct Cx<'c, 'a> {
    pub(crate) ev: &'c Evaluator,
    pub(crate) scope: &'c TemplateScope<'a>,
    pub(crate) loops: &'c [LoopIndex],
    /// The template node whose value is being computed: every value an expression creates is
    /// used here.
    pub(crate) at: NodeRef<'a>,
    /// The expression text, for naming unknown sub-expressions.
    pub(crate) text: &'c str,
    /// Lambda variables in scope (`lambdaVariables('x')`).
    pub(crate) lambdas: &'c [(Rc<str>, Value<'a>)],
}

impl<'c, 'a> Cx<'c, 'a> {
    pub(crate) fn new(
        ev: &'c Evaluator,
        scope: &'c TemplateScope<'a>,
        loops: &'c [LoopIndex],
        at: NodeRef<'a>,
    ) -> Self {
        Self {
            ev,
            scope,
            loops,
            at,
            text: "",
            lambdas: &[],
        }
    }

    /// An unknown value at the current node.
    pub(crate) fn unknown(
        &self,
        expression: impl Into<String>,
        reason: impl Into<String>,
    ) -> Value<'a> {
        Value::unknown(self.at, expression, reason)
    }

    /// The text of a call, for messages.
    pub(crate) fn call_text(&self, call: &Call) -> String {
        self.text
            .get(call.range.clone())
            .map_or_else(|| format!("{}(...)", call.name), str::to_owned)
    }

    fn out_of_budget(&self) -> Value<'a> {
        self.unknown(self.text, "is too costly to evaluate offline")
    }

    fn too_deep(&self) -> Value<'a> {
        self.unknown(self.text, "nests or refers too deeply to evaluate offline")
    }

    /// Evaluates a node of the template: a literal, an expression string, a collection.
    /// Property `copy` loops inside objects are expanded.
    pub(crate) fn node(&self, node: NodeRef<'a>) -> Value<'a> {
        let cx = Cx { at: node, ..*self };
        if !cx.ev.spend(1) {
            return cx.out_of_budget();
        }
        let Some(_level) = cx.ev.enter() else {
            return cx.too_deep();
        };
        if node.is_mapping() {
            return cx.mapping(node, &[]);
        }
        if node.is_sequence() {
            let items = node.items().map(|item| cx.node(item)).collect();
            return Value::array(items, node);
        }
        match node.scalar() {
            Some((text, ScalarStyle::DoubleQuoted)) => match expr::classify(text) {
                TemplateString::Literal(literal) => Value::string(literal, node),
                TemplateString::Expression(inner) => cx.expression(node, inner),
            },
            Some((text, _)) => literal_scalar(text, node),
            None => Value::new(Data::Null, node),
        }
    }

    /// Evaluates a mapping, leaving out the members named in `skip` (compared without case).
    pub(crate) fn mapping(&self, node: NodeRef<'a>, skip: &[&str]) -> Value<'a> {
        let cx = Cx { at: node, ..*self };
        let mut members = Vec::with_capacity(node.entries().len());
        for (key, value) in node.entries() {
            let Some(name) = key.as_str() else { continue };
            if skip.iter().any(|s| s.eq_ignore_ascii_case(name)) {
                continue;
            }
            if name.eq_ignore_ascii_case("copy") && is_property_loop(value) {
                for entry in value.items() {
                    let Some(loop_name) = member_node(entry, "name").and_then(NodeRef::as_str)
                    else {
                        continue;
                    };
                    members.push((loop_name.into(), cx.property_loop(entry)));
                }
                continue;
            }
            members.push((name.into(), cx.node(value)));
        }
        Value::object(members, node)
    }

    /// Expands one `{name, count, input}` loop into an array.
    pub(crate) fn property_loop(&self, entry: NodeRef<'a>) -> Value<'a> {
        let cx = Cx { at: entry, ..*self };
        let name: Option<Rc<str>> = member_node(entry, "name")
            .and_then(NodeRef::as_str)
            .map(Into::into);
        let Some(input) = member_node(entry, "input") else {
            return Value::array(Vec::new(), entry);
        };
        match cx.copy_count(entry) {
            Ok(count) => {
                let mut items = Vec::new();
                for index in 0..count {
                    let mut loops = cx.loops.to_vec();
                    loops.push(LoopIndex {
                        name: name.clone(),
                        index: Some(index),
                        resource: false,
                    });
                    let inner = Cx {
                        loops: &loops,
                        ..cx
                    };
                    items.push(inner.node(input));
                    if cx.ev.exhausted() {
                        return cx.out_of_budget();
                    }
                }
                Value::array(items, entry)
            }
            Err(unknown) => unknown,
        }
    }

    /// The `count` of a copy loop: known and within ARM's limit, or the unknown value.
    pub(crate) fn copy_count(&self, entry: NodeRef<'a>) -> Result<i64, Value<'a>> {
        let Some(count_node) = member_node(entry, "count") else {
            return Err(Value::unknown(entry, "copy", "has no `count`"));
        };
        let count = self.node(count_node);
        match count.data() {
            Data::Int(n) if (0..=MAX_COPY_COUNT).contains(n) => Ok(*n),
            Data::Int(n) => Err(Value::unknown(
                count_node,
                n.to_string(),
                format!("is outside the copy count ARM allows (0 to {MAX_COPY_COUNT})"),
            )),
            Data::String(text) => match text.trim().parse::<i64>() {
                Ok(n) if (0..=MAX_COPY_COUNT).contains(&n) => Ok(n),
                _ => Err(Value::unknown(
                    count_node,
                    text.to_string(),
                    "is not a valid copy count",
                )),
            },
            Data::Unknown(_) => Err(count),
            _ => Err(Value::unknown(
                count_node,
                count.display(),
                "is not a valid copy count",
            )),
        }
    }

    /// Evaluates the expression `inner` written in the string `node`.
    fn expression(&self, node: NodeRef<'a>, inner: &str) -> Value<'a> {
        let parsed = self.ev.parsed(node, inner);
        let cx = Cx {
            at: node,
            text: inner,
            ..*self
        };
        match parsed.as_ref() {
            Ok(expr) => cx.eval(expr).moved_to(node),
            Err(error) => cx.unknown(inner, format!("cannot be parsed ({error})")),
        }
    }

    /// Evaluates a parsed expression.
    pub(crate) fn eval(&self, expr: &Expr) -> Value<'a> {
        if !self.ev.spend(1) {
            return self.out_of_budget();
        }
        let Some(_level) = self.ev.enter() else {
            return self.too_deep();
        };
        match expr {
            Expr::String(text) => Value::string(Rc::clone(text), self.at),
            Expr::Int(value) => Value::new(Data::Int(*value), self.at),
            Expr::Bool(value) => Value::new(Data::Bool(*value), self.at),
            Expr::Null => Value::new(Data::Null, self.at),
            Expr::Call(call) => functions::call(self, call),
            Expr::Member {
                target,
                name,
                optional,
            } => {
                let target = self.eval(target);
                self.member(&target, name, *optional)
            }
            Expr::Index {
                target,
                index,
                optional,
            } => {
                let target = self.eval(target);
                let index = self.eval(index);
                self.index(&target, &index, *optional)
            }
        }
    }

    /// `target.name`: a member of an object, compared without case.
    pub(crate) fn member(&self, target: &Value<'a>, name: &str, optional: bool) -> Value<'a> {
        match target.data() {
            Data::Unknown(_) => target.clone(),
            Data::Object(_) => match target.member(name) {
                Some(value) => value.clone(),
                None if optional => Value::new(Data::Null, self.at),
                None => self.unknown(
                    format!("{}.{name}", self.text),
                    format!("reads `{name}`, which the value does not have"),
                ),
            },
            Data::Null if optional => Value::new(Data::Null, self.at),
            _ => self.unknown(
                format!("{}.{name}", self.text),
                format!("reads `{name}` of a value that is not an object"),
            ),
        }
    }

    /// `target[index]`: an array item or an object member.
    pub(crate) fn index(&self, target: &Value<'a>, index: &Value<'a>, optional: bool) -> Value<'a> {
        match (target.data(), index.data()) {
            (Data::Unknown(_), _) => target.clone(),
            (_, Data::Unknown(_)) => index.clone(),
            (Data::Array(_), Data::Int(i)) => {
                let items = target.as_array().unwrap_or_default();
                match usize::try_from(*i).ok().and_then(|i| items.get(i)) {
                    Some(item) => item.clone(),
                    None if optional => Value::new(Data::Null, self.at),
                    None => {
                        self.unknown(self.text, format!("reads item {i}, which does not exist"))
                    }
                }
            }
            (Data::Object(_), Data::String(key)) => self.member(target, key, optional),
            (Data::Null, _) if optional => Value::new(Data::Null, self.at),
            _ => self.unknown(self.text, "indexes a value that cannot be indexed that way"),
        }
    }

    /// `parameters('name')`.
    pub(crate) fn parameter(&self, name: &str) -> Value<'a> {
        let Some(slot) = self.scope.parameter(name) else {
            return self.unknown(
                format!("parameters('{name}')"),
                format!("refers to parameter `{name}`, which the template does not declare"),
            );
        };
        let (value, kind) = self.resolved_parameter(slot);
        if !self.ev.spend(value.size()) {
            return self.out_of_budget();
        }
        value.relocate(self.at, kind, &slot.name)
    }

    /// The value of a parameter where it is written (parameter file, default), evaluated once.
    pub(crate) fn resolved_parameter(&self, slot: &ParameterSlot<'a>) -> (Value<'a>, OriginKind) {
        let done = match &*slot.state.borrow() {
            Slot::Done(value, kind) => Some((value.clone(), *kind)),
            Slot::InProgress => Some((
                self.unknown(parameter_expression(slot), "refers to itself"),
                OriginKind::ParameterDefault,
            )),
            Slot::Pending => None,
        };
        if let Some(done) = done {
            return done;
        }
        *slot.state.borrow_mut() = Slot::InProgress;
        let (value, kind) = self.resolve_parameter(slot);
        *slot.state.borrow_mut() = Slot::Done(value.clone(), kind);
        (value, kind)
    }

    fn resolve_parameter(&self, slot: &ParameterSlot<'a>) -> (Value<'a>, OriginKind) {
        if let Some((value, kind)) = &slot.provided {
            return (value.clone(), *kind);
        }
        // Defaults are evaluated in the template's scope, outside any loop.
        let cx = Cx {
            loops: &[],
            lambdas: &[],
            text: "",
            at: slot.decl,
            ..*self
        };
        if let Some(default) = member_node(slot.decl, "defaultValue") {
            return (cx.node(default), OriginKind::ParameterDefault);
        }
        let allowed: Vec<NodeRef<'a>> = member_node(slot.decl, "allowedValues")
            .into_iter()
            .flat_map(NodeRef::items)
            .collect();
        if let [only] = allowed[..] {
            // A parameter that may take only one value has that value.
            return (cx.node(only), OriginKind::ParameterDefault);
        }
        let unknown = Unknown {
            expression: parameter_expression(slot),
            reason: format!(
                "has no value: parameter `{}` has no default and no parameter file gives it",
                slot.name
            ),
            allowed: allowed.iter().map(|node| literal_text(*node)).collect(),
        };
        (
            Value::new(Data::Unknown(Rc::new(unknown)), slot.decl),
            OriginKind::ParameterDefault,
        )
    }

    /// `variables('name')`.
    pub(crate) fn variable(&self, name: &str) -> Value<'a> {
        let Some(slot) = self.scope.variable(name) else {
            return self.unknown(
                format!("variables('{name}')"),
                format!("refers to variable `{name}`, which the template does not declare"),
            );
        };
        let value = self.resolved_variable(slot);
        if !self.ev.spend(value.size()) {
            return self.out_of_budget();
        }
        value.relocate(self.at, OriginKind::Variable, &slot.name)
    }

    /// The value of a variable where it is written, evaluated once.
    pub(crate) fn resolved_variable(&self, slot: &VariableSlot<'a>) -> Value<'a> {
        let done = match &*slot.state.borrow() {
            Slot::Done(value, _) => Some(value.clone()),
            Slot::InProgress => {
                Some(self.unknown(format!("variables('{}')", slot.name), "refers to itself"))
            }
            Slot::Pending => None,
        };
        if let Some(value) = done {
            return value;
        }
        *slot.state.borrow_mut() = Slot::InProgress;
        // Variables are evaluated in the template's scope, outside any loop or lambda.
        let cx = Cx {
            loops: &[],
            lambdas: &[],
            text: "",
            at: slot.node,
            ..*self
        };
        let value = if slot.is_loop {
            cx.property_loop(slot.node)
        } else {
            cx.node(slot.node)
        };
        *slot.state.borrow_mut() = Slot::Done(value.clone(), OriginKind::Variable);
        value
    }

    /// `copyIndex([loopName], [offset])`.
    pub(crate) fn copy_index(&self, name: Option<&str>, offset: i64) -> Value<'a> {
        let active = match name {
            Some(name) => self.loops.iter().rev().find(|l| {
                l.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            }),
            None => self.loops.iter().rev().find(|l| l.resource),
        };
        match active {
            Some(LoopIndex {
                index: Some(index), ..
            }) => match index.checked_add(offset) {
                Some(value) => Value::new(Data::Int(value), self.at),
                None => self.unknown(self.text, "overflows"),
            },
            Some(_) => self.unknown(
                "copyIndex()",
                "is the index of a copy loop whose count is unknown",
            ),
            None => self.unknown("copyIndex()", "is used outside a copy loop"),
        }
    }
}

/// `parameters('name')`, for the unknown value of a parameter; only written when one is.
fn parameter_expression(slot: &ParameterSlot<'_>) -> String {
    format!("parameters('{}')", slot.name)
}

/// A plain JSON scalar (number, boolean, null).
fn literal_scalar<'a>(text: &'a str, node: NodeRef<'a>) -> Value<'a> {
    let data = match text {
        "true" => Data::Bool(true),
        "false" => Data::Bool(false),
        "null" => Data::Null,
        _ => match text.parse::<i64>() {
            Ok(value) => Data::Int(value),
            Err(_) => match text.parse::<f64>() {
                Ok(value) => Data::Float(value),
                Err(_) => Data::String(text.into()),
            },
        },
    };
    Value::new(data, node)
}

/// A JSON value read literally, without evaluating expressions (parameter files).
pub(crate) fn literal<'a>(node: NodeRef<'a>) -> Value<'a> {
    if node.is_mapping() {
        let members = node
            .entries()
            .filter_map(|(key, value)| Some((key.as_str()?.into(), literal(value))))
            .collect();
        return Value::object(members, node);
    }
    if node.is_sequence() {
        return Value::array(node.items().map(literal).collect(), node);
    }
    match node.scalar() {
        Some((text, ScalarStyle::DoubleQuoted)) => Value::string(text, node),
        Some((text, _)) => literal_scalar(text, node),
        None => Value::new(Data::Null, node),
    }
}

/// The text of a literal node for messages.
fn literal_text(node: NodeRef<'_>) -> String {
    match node.scalar() {
        Some((text, _)) => text.to_owned(),
        None => "{...}".to_owned(),
    }
}

/// The member `key` of a mapping node, compared without case (ARM property names ignore case);
/// the last one wins.
#[must_use]
pub fn member_node<'a>(node: NodeRef<'a>, key: &str) -> Option<NodeRef<'a>> {
    node.entries()
        .filter(|(k, _)| is_key(*k, key))
        .last()
        .map(|(_, value)| value)
}

/// The members of a mapping node named `keys` (compared as ARM compares keys; the last one
/// wins), found in one pass over its entries.
pub(crate) fn members_named<'a, const N: usize>(
    node: NodeRef<'a>,
    keys: [&str; N],
) -> [Option<NodeRef<'a>>; N] {
    let mut found = [None; N];
    for (key, value) in node.entries() {
        if let Some(slot) = keys.iter().position(|name| is_key(key, name)) {
            found[slot] = Some(value);
        }
    }
    found
}

/// Whether the mapping key `key` is the string `name`, compared as ARM compares keys.
#[must_use]
pub fn is_key(key: NodeRef<'_>, name: &str) -> bool {
    // The written text is compared first: resolving the scalar (a key that reads as `null` is
    // not a string) is only needed for the one key that matches.
    key.scalar().is_some_and(|(text, _)| same_key(text, name)) && key.as_str().is_some()
}

/// Whether `value` (the value of a `copy` member inside an object) is a property loop: an
/// array of `{name, count, input}` objects. A resource's own `copy` is an object, not this.
fn is_property_loop(value: NodeRef<'_>) -> bool {
    value.is_sequence()
        && value.items().len() > 0
        && value.items().all(|entry| {
            entry.is_mapping()
                && member_node(entry, "name").is_some()
                && member_node(entry, "input").is_some()
        })
}
