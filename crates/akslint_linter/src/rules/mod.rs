//! The rules, one file each, grouped by code prefix.

pub mod akl;
pub mod k8s;
