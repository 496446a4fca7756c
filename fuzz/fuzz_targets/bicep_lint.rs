//! Any bytes as a Bicep file: lexer, parser, lowering to the ARM model, ARM evaluator, every
//! rule, renderers.
#![no_main]

use akslint_fuzz::lint;
use akslint_linter::FileFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| lint(data, FileFormat::Bicep));
