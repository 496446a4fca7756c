//! Any bytes as a YAML file: loader, model, every rule, renderers.
#![no_main]

use akslint_fuzz::lint;
use akslint_linter::FileFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| lint(data, FileFormat::Yaml));
