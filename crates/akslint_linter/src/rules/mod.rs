//! The rules, one file each, grouped by code prefix.

pub mod akl;
pub mod aks;
pub mod arm;
pub mod k8s;
