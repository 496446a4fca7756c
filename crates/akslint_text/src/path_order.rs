//! The order of paths in akslint's output, computed without splitting them into components.

use std::cmp::Ordering;
use std::path::Path;

/// Orders two paths as [`Path::cmp`] does (component by component), but from their bytes
/// whenever the bytes decide it. Sorting a thousand discovered files, or the findings of a large
/// run, by `Path::cmp` splits each path into components at every comparison, which cost as much
/// as parsing a small template.
///
/// The bytes decide when, at the first byte where the paths differ, neither has a separator or
/// a dot and neither has ended: the two components that hold that byte then start at the same
/// place (the paths agree up to it), both are names (not `.` or `..`, which are all dots), and
/// names are compared as bytes. Anything else (a difference at a separator, where `a/b` sorts
/// before `a-b`; one path a prefix of the other; `.` and `..`) is left to `Path::cmp`.
#[must_use]
pub fn compare_paths(a: &Path, b: &Path) -> Ordering {
    #[cfg(unix)]
    {
        let (x, y) = (
            a.as_os_str().as_encoded_bytes(),
            b.as_os_str().as_encoded_bytes(),
        );
        let differ = first_difference(x, y);
        // A dot may make a component `.` or `..`, which order apart from names.
        let decisive = |byte: u8| byte != b'/' && byte != b'.';
        if let Some(at) = differ
            && decisive(x[at])
            && decisive(y[at])
        {
            return x[at].cmp(&y[at]);
        }
    }
    a.cmp(b)
}

/// Where two byte strings first differ, if before the end of the shorter: eight bytes at a time
/// over the long prefix that the paths of one directory share.
#[cfg(unix)]
fn first_difference(x: &[u8], y: &[u8]) -> Option<usize> {
    let shorter = x.len().min(y.len());
    let mut at = 0;
    while at + 8 <= shorter && x[at..at + 8] == y[at..at + 8] {
        at += 8;
    }
    (at..shorter).find(|&i| x[i] != y[i])
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_difference_at_a_separator_is_ordered_by_components() {
        let cases = [
            ("a/b", "a-b"),
            ("a/b", "a/b/"),
            ("x/./y", "x/y"),
            ("a", "a/b"),
            ("a/c", "ab"),
        ];
        for (a, b) in cases {
            let (a, b) = (Path::new(a), Path::new(b));
            assert_eq!(compare_paths(a, b), a.cmp(b), "{a:?} {b:?}");
            assert_eq!(compare_paths(b, a), b.cmp(a), "{b:?} {a:?}");
        }
    }

    proptest! {
        #[test]
        fn orders_as_path_cmp(a in "(aaaaaaaa)?[ab./-]{0,10}", b in "(aaaaaaaa)?[ab./-]{0,10}") {
            let (a, b) = (Path::new(&a), Path::new(&b));
            prop_assert_eq!(compare_paths(a, b), a.cmp(b));
        }
    }
}
