//! Properties of position conversion on arbitrary text: every byte offset on a character
//! boundary converts to a line and column (in characters or UTF-16 units) and back to itself,
//! whatever mix of `\n`, `\r\n`, lone `\r`, multi-byte characters and byte-order marks.

use akslint_text::{LineCol, LineIndex, SourceText};
use proptest::prelude::*;

/// Pieces that stress conversion: one to four UTF-8 bytes, one or two UTF-16 units, the three
/// line ends, and a byte-order mark (only a leading one is removed by [`SourceText`]).
const PIECES: &[&str] = &[
    "a", "key: ", "é", "中", "𝄞", "\t", " ", "\n", "\r\n", "\r", "\u{feff}", "\r\r\n", "\n\r",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..60).prop_map(|pieces| pieces.concat())
}

/// Whether `offset` sits inside a line terminator (on the `\n` of a `\r\n`), where a position
/// cannot name it: it is reported at the end of the line instead.
fn inside_crlf(text: &str, offset: usize) -> bool {
    offset > 0
        && text.as_bytes()[offset - 1] == b'\r'
        && text.as_bytes().get(offset) == Some(&b'\n')
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).expect("test texts are small")
}

proptest! {
    // Failures print their minimal input; a fixed one becomes a plain regression test.
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn offsets_round_trip_through_character_and_utf16_positions(text in text()) {
        let index = LineIndex::new(&text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            if inside_crlf(&text, offset) {
                continue;
            }
            let at = to_u32(offset);
            let chars = index.char_position(at, &text);
            let utf16 = index.utf16_position(at, &text);
            prop_assert_eq!(index.offset_of_char(chars, &text), at, "chars {:?}", chars);
            prop_assert_eq!(index.offset_of_utf16(utf16, &text), at, "utf16 {:?}", utf16);
            prop_assert_eq!(chars.line, utf16.line);
            prop_assert_eq!(index.line_col(at).line, chars.line);
            // A UTF-16 column counts each character as one or two units.
            prop_assert!(utf16.col >= chars.col && utf16.col <= 2 * chars.col);
            // A column never exceeds the characters of its line.
            let line = index.line_span(chars.line, &text);
            prop_assert!(chars.col as usize <= text[line.range()].chars().count());
        }
    }

    #[test]
    fn positions_never_go_backwards(text in text()) {
        let index = LineIndex::new(&text);
        let mut previous = LineCol { line: 0, col: 0 };
        for offset in 0..=text.len() {
            let position = index.char_position(to_u32(offset), &text);
            prop_assert!(position >= previous, "{:?} after {:?} at {}", position, previous, offset);
            previous = position;
        }
    }

    #[test]
    fn offsets_inside_a_character_land_on_its_start(text in text()) {
        let index = LineIndex::new(&text);
        for (start, ch) in text.char_indices().filter(|(_, c)| c.len_utf8() > 1) {
            let expected = index.char_position(to_u32(start), &text);
            for inside in start + 1..start + ch.len_utf8() {
                prop_assert_eq!(index.char_position(to_u32(inside), &text), expected);
                prop_assert_eq!(
                    index.utf16_position(to_u32(inside), &text),
                    index.utf16_position(to_u32(start), &text)
                );
            }
        }
    }

    #[test]
    fn lines_split_at_each_terminator_once(text in text()) {
        let index = LineIndex::new(&text);
        let terminators = text.replace("\r\n", "\n").matches(['\n', '\r']).count();
        prop_assert_eq!(index.line_count() as usize, terminators + 1);
        // The lines, each followed by its own terminator, are the text again.
        let mut rebuilt = String::new();
        for line in 0..index.line_count() {
            let span = index.line_span(line, &text);
            let content = &text[span.range()];
            prop_assert!(!content.contains(['\n', '\r']), "line {} is {:?}", line, content);
            rebuilt.push_str(content);
            let rest = &text[span.end as usize..];
            let terminator = ["\r\n", "\n", "\r"].into_iter().find(|t| rest.starts_with(t));
            if line + 1 < index.line_count() {
                rebuilt.push_str(terminator.unwrap_or_default());
            }
        }
        prop_assert_eq!(rebuilt, text);
    }

    #[test]
    fn positions_past_the_end_clamp_to_the_end(text in text(), past in 1u32..1000) {
        let index = LineIndex::new(&text);
        let end = to_u32(text.len());
        prop_assert_eq!(index.char_position(end + past, &text), index.char_position(end, &text));
        let beyond = LineCol { line: index.line_count() + past, col: past };
        prop_assert_eq!(index.offset_of_char(beyond, &text), end);
    }

    #[test]
    fn one_leading_byte_order_mark_is_removed(text in text(), bom in any::<bool>()) {
        let input = if bom { format!("\u{feff}{text}") } else { text.clone() };
        let source = SourceText::new(input.clone());
        let expected = input.strip_prefix('\u{feff}').unwrap_or(&input);
        prop_assert_eq!(source.as_str(), expected);
        prop_assert_eq!(source.had_bom(), input.starts_with('\u{feff}'));
    }
}
