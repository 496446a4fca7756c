//! The policy step of a run: each set of Gatekeeper policies is evaluated once over the
//! objects of every file, and each finding goes to its file when that file's configuration
//! has the same policies and selects the constraint.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use akslint_diagnostics::Diagnostic;
use akslint_linter::ParsedSource;
use akslint_policy::{Input, PolicySet, Problem};
use akslint_text::SourceFile;

use crate::run::{Engine, Source, Step, engine_diagnostic, guarded};

/// Evaluates the policies of the sources' configurations and routes the findings: to
/// `per_file` for the sources, and policy problems (Rego errors, invalid templates) to
/// `elsewhere`, in the policy files.
pub(crate) fn route_policy_findings(
    sources: &[Source],
    parsed: &[Step<ParsedSource<'_>>],
    per_file: &mut [Step<Vec<Diagnostic>>],
    elsewhere: &mut Vec<Diagnostic>,
    internal_errors: &mut Vec<(String, String)>,
) {
    let mut sets: Vec<&Arc<PolicySet>> = Vec::new();
    for (_, _, configured) in sources {
        if let Some(set) = &configured.policies
            && !sets.iter().any(|s| Arc::ptr_eq(s, set))
        {
            sets.push(set);
        }
    }
    if sets.is_empty() {
        return;
    }
    let inputs: Vec<Input<'_>> = parsed
        .iter()
        .filter_map(|source| {
            let source = source.as_ref().ok()?;
            Some(Input {
                file: source.file(),
                parsed: source.parsed()?,
            })
        })
        .collect();
    let file_index: HashMap<&Path, usize> = sources
        .iter()
        .enumerate()
        .map(|(index, (file, _, _))| (file.path(), index))
        .collect();
    for set in sets {
        elsewhere.extend(set.problems().iter().map(problem_diagnostic));
        // Workloads are expanded with the kinds of the first configuration using the set.
        let Some((_, _, configured)) = sources
            .iter()
            .find(|(_, _, c)| c.policies.as_ref().is_some_and(|s| Arc::ptr_eq(s, set)))
        else {
            continue;
        };
        let kinds = &configured.linter.settings().workload_kinds;
        let evaluation = match guarded(|| set.evaluate(&inputs, kinds)) {
            Ok(evaluation) => evaluation,
            Err(panic) => {
                internal_errors.push(("the policy evaluation".to_owned(), panic));
                continue;
            }
        };
        elsewhere.extend(evaluation.problems.iter().map(problem_diagnostic));
        for diagnostic in evaluation.diagnostics {
            let Some(&index) = file_index.get(diagnostic.file.path()) else {
                continue;
            };
            let configured = &sources[index].2;
            let same_set = configured
                .policies
                .as_ref()
                .is_some_and(|s| Arc::ptr_eq(s, set));
            if same_set
                && configured.reports_policy(
                    diagnostic.file.path(),
                    &diagnostic.code,
                    &diagnostic.name,
                )
                && let Ok(found) = &mut per_file[index]
            {
                found.push(diagnostic);
            }
        }
    }
}

/// A problem in a policy file, reported like any input that cannot be read (`AKL001`).
fn problem_diagnostic(problem: &Problem) -> Diagnostic {
    let file: &Arc<SourceFile> = &problem.file;
    engine_diagnostic(
        file,
        Engine::InvalidInput,
        problem.message.clone(),
        problem.span,
    )
}
