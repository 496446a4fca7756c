use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use rayon::prelude::*;

use crate::{Applicability, Diagnostic, Severity};

/// Options of the full, human-oriented format.
#[derive(Debug, Clone, Copy, Default)]
pub struct FullOptions {
    /// Use ANSI colours.
    pub color: bool,
}

/// Each finding with the source lines it covers, the range underlined, and its help.
#[must_use]
pub fn full(diagnostics: &[Diagnostic], options: FullOptions) -> String {
    let renderer = if options.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
    .decor_style(DecorStyle::Ascii);
    // Laying out excerpts is the costly part of printing thousands of findings: it is shared
    // between threads, each finding on its own, and joined in order.
    let rendered: Vec<String> = diagnostics
        .par_iter()
        .map(|diagnostic| render_one(&renderer, diagnostic))
        .collect();
    let mut out = String::with_capacity(rendered.iter().map(|r| r.len() + 2).sum());
    for one in rendered {
        out.push_str(&one);
        out.push_str("\n\n");
    }
    out
}

fn render_one(renderer: &Renderer, diagnostic: &Diagnostic) -> String {
    let file = &diagnostic.file;
    let text = file.text();
    let index = file.line_index();
    let first_line = index.line_of(diagnostic.span.start);
    let last_line = index.line_of(diagnostic.span.end);
    // Only the lines the range covers are handed to the renderer: a finding in a 20 MB stream
    // must not cost a pass over the whole stream.
    let excerpt_start = index.line_span(first_line, text).start;
    let excerpt_end = index.line_span(last_line, text).end;
    let excerpt = &text[excerpt_start as usize..excerpt_end as usize];
    let mut start = (diagnostic.span.start - excerpt_start) as usize;
    let mut end = (diagnostic.span.end.min(excerpt_end) - excerpt_start) as usize;
    if start == end {
        // An empty range (an error between characters) still gets a visible mark.
        if let Some(ch) = excerpt[start..].chars().next() {
            end = start + ch.len_utf8();
        } else if start > 0 {
            start = excerpt[..start].char_indices().last().map_or(0, |(i, _)| i);
        }
    }
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    };
    let path = diagnostic.path();
    let mut groups = vec![
        level
            .primary_title(diagnostic.message.as_str())
            .id(diagnostic.code.as_ref())
            .element(
                Snippet::source(excerpt)
                    .line_start(first_line as usize + 1)
                    .path(path.as_ref())
                    .annotation(
                        AnnotationKind::Primary
                            .span(start..end)
                            .label(diagnostic.name.as_ref()),
                    ),
            ),
    ];
    if let Some(template) = &diagnostic.source_template {
        let note = match diagnostic.rendered_range {
            // akslint rendered it: the range above is in the template.
            Some(range) => format!(
                "rendered from `{template}`; at line {}, column {} of the rendered output",
                range.start.line, range.start.column
            ),
            None => format!("rendered from Helm template `{template}`"),
        };
        groups.push(Group::with_title(Level::NOTE.secondary_title(note)));
    }
    if let Some(help) = &diagnostic.help {
        groups.push(Group::with_title(
            Level::HELP.secondary_title(help.as_ref()),
        ));
    }
    if let Some(fix) = &diagnostic.fix {
        let how = match fix.applicability {
            Applicability::Safe => "`--fix`",
            Applicability::Unsafe => "`--fix --unsafe-fixes`",
        };
        groups.push(Group::with_title(Level::NOTE.secondary_title(format!(
            "{} fix ({how}): {}",
            fix.applicability.as_str(),
            fix.message
        ))));
    }
    renderer.render(&groups)
}
