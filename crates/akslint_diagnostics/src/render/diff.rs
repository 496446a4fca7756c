//! Unified diffs of fixed files (`akslint check --diff`), on a line diff of our own: fixes touch
//! a few lines of a file, which the O((N+M)·D) algorithm of Myers handles in linear time.

use std::fmt::Write;

/// Lines of context around each change, as `diff -u` prints them.
const CONTEXT: usize = 3;

/// Past this many differing lines the exact shortest script is not searched for; the changed
/// region is shown as removed and added whole (still a correct diff, only a longer one).
const MAX_EDIT_DISTANCE: usize = 4096;

/// A unified diff from `old` to `new`, both shown as `path`; empty when they are equal.
///
/// Lines compare with their terminators, so a changed line ending shows as a change; a last line
/// without a terminator is marked `\ No newline at end of file`.
#[must_use]
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = diff_lines(&a, &b);
    let mut out = format!("--- {path}\n+++ {path}\n");
    for hunk in hunks(&ops) {
        write_hunk(&mut out, &ops[hunk.0..hunk.1], &a, &b);
    }
    out
}

/// One step of the script turning `a` into `b`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// `a[i]` equals `b[j]`.
    Equal(usize, usize),
    /// `a[i]` is removed.
    Delete(usize),
    /// `b[j]` is added.
    Insert(usize),
}

/// The shortest edit script from `a` to `b`, with the common head and tail trimmed first.
fn diff_lines(a: &[&str], b: &[&str]) -> Vec<Op> {
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let mut ops: Vec<Op> = (0..head).map(|i| Op::Equal(i, i)).collect();
    let middle_a = &a[head..a.len() - tail];
    let middle_b = &b[head..b.len() - tail];
    let middle = myers(middle_a, middle_b).unwrap_or_else(|| {
        let deletes = (0..middle_a.len()).map(Op::Delete);
        deletes.chain((0..middle_b.len()).map(Op::Insert)).collect()
    });
    ops.extend(middle.into_iter().map(|op| match op {
        Op::Equal(i, j) => Op::Equal(i + head, j + head),
        Op::Delete(i) => Op::Delete(i + head),
        Op::Insert(j) => Op::Insert(j + head),
    }));
    let (a_tail, b_tail) = (a.len() - tail, b.len() - tail);
    ops.extend((0..tail).map(|k| Op::Equal(a_tail + k, b_tail + k)));
    ops
}

/// Myers' greedy algorithm; `None` when the edit distance exceeds [`MAX_EDIT_DISTANCE`].
///
/// `frontier[k]` is the furthest `x` reached on diagonal `k = x - y`; a copy of the reachable
/// part of it is kept per distance `d`, which is enough to walk the path back.
fn myers(a: &[&str], b: &[&str]) -> Option<Vec<Op>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = usize::try_from(n + m).ok()?.min(MAX_EDIT_DISTANCE) as isize;
    let offset = max + 1;
    let index = |k: isize| (k + offset) as usize;
    let mut frontier = vec![0isize; (2 * max + 3) as usize];
    let mut history: Vec<Vec<isize>> = Vec::new();
    for d in 0..=max {
        // The diagonals -(d-1)..=d-1, as they were after d - 1 steps.
        history.push(frontier[index(-d + 1).min(index(0))..=index(d - 1).max(index(0))].to_vec());
        for k in (-d..=d).step_by(2) {
            let down = k == -d || (k != d && frontier[index(k - 1)] < frontier[index(k + 1)]);
            let mut x = if down {
                frontier[index(k + 1)]
            } else {
                frontier[index(k - 1)] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            frontier[index(k)] = x;
            if x >= n && y >= m {
                return Some(backtrack(&history, n, m));
            }
        }
    }
    None
}

/// Walks the saved frontiers back from `(n, m)` to `(0, 0)`.
fn backtrack(history: &[Vec<isize>], n: isize, m: isize) -> Vec<Op> {
    let mut ops = Vec::new();
    let (mut x, mut y) = (n, m);
    for d in (1..history.len() as isize).rev() {
        let saved = &history[d as usize];
        // `saved` starts at diagonal -(d - 1).
        let at = |k: isize| saved[(k + d - 1) as usize];
        let k = x - y;
        let previous_k = if k == -d || (k != d && at(k - 1) < at(k + 1)) {
            k + 1
        } else {
            k - 1
        };
        let previous_x = at(previous_k);
        let previous_y = previous_x - previous_k;
        while x > previous_x && y > previous_y {
            x -= 1;
            y -= 1;
            ops.push(Op::Equal(x as usize, y as usize));
        }
        if x == previous_x {
            ops.push(Op::Insert(previous_y as usize));
        } else {
            ops.push(Op::Delete(previous_x as usize));
        }
        x = previous_x;
        y = previous_y;
    }
    while x > 0 && y > 0 {
        x -= 1;
        y -= 1;
        ops.push(Op::Equal(x as usize, y as usize));
    }
    ops.reverse();
    ops
}

/// Ranges of `ops` that form hunks: each change with up to [`CONTEXT`] equal lines around it,
/// changes closer than twice that joined.
fn hunks(ops: &[Op]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        if matches!(op, Op::Equal(..)) {
            continue;
        }
        let start = i.saturating_sub(CONTEXT);
        let end = (i + 1 + CONTEXT).min(ops.len());
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = end,
            _ => out.push((start, end)),
        }
    }
    out
}

fn write_hunk(out: &mut String, ops: &[Op], a: &[&str], b: &[&str]) {
    let old_count = ops.iter().filter(|op| !matches!(op, Op::Insert(_))).count();
    let new_count = ops.iter().filter(|op| !matches!(op, Op::Delete(_))).count();
    // A hunk starts at the first line it shows; an empty side names the line before it.
    let old_start = ops.iter().find_map(|op| match op {
        Op::Equal(i, _) | Op::Delete(i) => Some(*i),
        Op::Insert(_) => None,
    });
    let new_start = ops.iter().find_map(|op| match op {
        Op::Equal(_, j) | Op::Insert(j) => Some(*j),
        Op::Delete(_) => None,
    });
    let _ = writeln!(
        out,
        "@@ -{} +{} @@",
        range(old_start, old_count, ops, true),
        range(new_start, new_count, ops, false)
    );
    for op in ops {
        let (marker, line) = match *op {
            Op::Equal(i, _) => (' ', a[i]),
            Op::Delete(i) => ('-', a[i]),
            Op::Insert(j) => ('+', b[j]),
        };
        out.push(marker);
        let content = line.strip_suffix('\n').unwrap_or(line);
        out.push_str(content.strip_suffix('\r').unwrap_or(content));
        out.push('\n');
        if !line.ends_with('\n') {
            out.push_str("\\ No newline at end of file\n");
        }
    }
}

/// `start,count` of one side of a hunk header (1-based; `,1` is left out as `diff -u` does).
fn range(start: Option<usize>, count: usize, ops: &[Op], old: bool) -> String {
    let first = match start {
        Some(index) => index + 1,
        // No line of this side in the hunk: the position is the line before the change.
        None => ops.first().map_or(0, |op| match op {
            Op::Insert(j) if old => *j,
            Op::Delete(i) if !old => *i,
            _ => 0,
        }),
    };
    if count == 1 {
        first.to_string()
    } else {
        format!("{first},{count}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(unified_diff("a.yaml", "x\n", "x\n"), "");
    }

    #[test]
    fn an_inserted_line_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nd\nd2\ne\nf\ng\nh\n";
        assert_eq!(
            unified_diff("x.yaml", old, new),
            "--- x.yaml\n+++ x.yaml\n@@ -2,6 +2,7 @@\n b\n c\n d\n+d2\n e\n f\n g\n"
        );
    }

    #[test]
    fn distant_changes_make_two_hunks_and_close_ones_one() {
        let lines = |renamed: &[(u32, &str)]| -> String {
            (1..=20)
                .map(|i| match renamed.iter().find(|(n, _)| *n == i) {
                    Some((_, name)) => format!("{name}\n"),
                    None => format!("{i}\n"),
                })
                .collect()
        };
        let old = lines(&[]);
        let diff = unified_diff("f", &old, &lines(&[(2, "two"), (18, "eighteen")]));
        assert_eq!(diff.matches("@@ -").count(), 2, "{diff}");
        let diff = unified_diff("f", &old, &lines(&[(5, "five"), (9, "nine")]));
        assert_eq!(diff.matches("@@ -").count(), 1, "{diff}");
        assert!(diff.contains("@@ -2,11 +2,11 @@"), "{diff}");
    }

    #[test]
    fn missing_final_newline_and_crlf_lines() {
        let diff = unified_diff("f", "a\r\nb", "a\r\nc");
        assert_eq!(
            diff,
            "--- f\n+++ f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn insertion_into_an_empty_file_and_deletion_of_everything() {
        assert_eq!(
            unified_diff("f", "", "a\n"),
            "--- f\n+++ f\n@@ -0,0 +1 @@\n+a\n"
        );
        assert_eq!(
            unified_diff("f", "a\n", ""),
            "--- f\n+++ f\n@@ -1 +0,0 @@\n-a\n"
        );
    }

    #[test]
    fn the_script_is_minimal_and_reproduces_the_new_text() {
        let a: Vec<&str> = "a b c a b b a".split(' ').collect();
        let b: Vec<&str> = "c b a b a c".split(' ').collect();
        let ops = diff_lines(&a, &b);
        let changes = ops.iter().filter(|op| !matches!(op, Op::Equal(..))).count();
        // The classic example of Myers' paper has an edit distance of 5.
        assert_eq!(changes, 5);
        let rebuilt: Vec<&str> = ops
            .iter()
            .filter_map(|op| match op {
                Op::Equal(_, j) | Op::Insert(j) => Some(b[*j]),
                Op::Delete(_) => None,
            })
            .collect();
        assert_eq!(rebuilt, b);
        let kept: Vec<&str> = ops
            .iter()
            .filter_map(|op| match op {
                Op::Equal(i, _) | Op::Delete(i) => Some(a[*i]),
                Op::Insert(_) => None,
            })
            .collect();
        assert_eq!(kept, a);
    }
}
