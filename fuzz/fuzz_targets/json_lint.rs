//! Any bytes as a JSON file (Kubernetes JSON or an ARM template): loader, model, every rule,
//! renderers.
#![no_main]

use akslint_fuzz::lint;
use akslint_linter::FileFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| lint(data, FileFormat::Json));
