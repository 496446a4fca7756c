//! Any bytes as a YAML manifest (or, when they start with `{`, a JSON file): `fix_text` with
//! unsafe fixes and every rule, then the guarantees of the fix engine
//! (`akslint_linter::fix::apply`):
//!
//! - each round drops the fixes that would leave more syntax errors than the text had, so the
//!   fixed text never has more syntax errors than the input;
//! - rounds repeat until no fix applies (at most `MAX_PASSES`): when the loop stopped because
//!   nothing applied, fixing the fixed text again changes nothing. When it stopped at the
//!   limit no such promise is made, and the target does not check it.
#![no_main]

use std::path::Path;
use std::sync::{Arc, LazyLock};

use akslint_linter::FileFormat;
use akslint_linter::fix::apply_fixes;
use akslint_syntax::{Limits, json, yaml};
use akslint_text::SourceFile;
use akslint_workspace::{Configurations, FixOptions, Overrides, fix_text};
use libfuzzer_sys::fuzz_target;

/// Every rule, and no configuration file: the paths below are in a directory that does not
/// exist, so discovery finds nothing (only `/` is looked at).
static CONFIGURATIONS: LazyLock<Configurations> = LazyLock::new(|| {
    let overrides = Overrides {
        select: vec!["all".to_owned()],
        ..Overrides::default()
    };
    Configurations::new(None, overrides).unwrap_or_else(|e| panic!("configuration: {e}"))
});

const OPTIONS: FixOptions<'static> = FixOptions {
    unsafe_fixes: true,
    filter: None,
};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let (path, format) = if data.first() == Some(&b'{') {
        ("/akslint-fuzz-nonexistent/fuzz.json", FileFormat::Json)
    } else {
        ("/akslint-fuzz-nonexistent/fuzz.yaml", FileFormat::Yaml)
    };
    let path = Path::new(path);
    let (fixed, remaining) = fix_text(path, text.clone(), &CONFIGURATIONS, OPTIONS)
        .unwrap_or_else(|e| panic!("configuration: {e}"));
    assert_eq!(
        fixed.original, text,
        "the original text is given back unchanged"
    );
    if fixed.fixes == 0 {
        assert_eq!(fixed.fixed, text, "no fix applied, yet the text changed");
        return;
    }

    let before = syntax_errors(&text, path, format);
    let after = syntax_errors(&fixed.fixed, path, format);
    assert!(
        after <= before,
        "fixing raised the syntax errors from {before} to {after}:\n--- input\n{text}\n--- fixed\n{}",
        fixed.fixed
    );

    // The last lint's findings: when none of their fixes applies, the loop had converged.
    let last_file = remaining.iter().map(|d| Arc::clone(&d.file)).next();
    let converged =
        last_file.is_none_or(|file| apply_fixes(&file, format, &remaining, true).is_none());
    if converged {
        let (again, _) = fix_text(path, fixed.fixed.clone(), &CONFIGURATIONS, OPTIONS)
            .unwrap_or_else(|e| panic!("configuration: {e}"));
        assert!(
            again.fixed == fixed.fixed,
            "fixing is not idempotent:\n--- input\n{text}\n--- fixed\n{}\n--- fixed again\n{}",
            fixed.fixed,
            again.fixed
        );
    }
});

/// Syntax errors of `text` as the fix engine counts them (without a byte-order mark).
fn syntax_errors(text: &str, path: &Path, format: FileFormat) -> usize {
    let file = SourceFile::new(path, text.to_owned());
    let limits = Limits::default();
    match format {
        FileFormat::Json => json::parse(file.text(), &limits).errors.len(),
        FileFormat::Yaml | FileFormat::Bicep => yaml::parse(file.text(), &limits).errors.len(),
    }
}
