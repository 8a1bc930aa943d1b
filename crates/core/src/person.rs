//! How a person's name is written.

/// `last first patronymic`, empty parts skipped, single spaces (CONTRACT.md §1).
pub fn full_name(last: &str, first: &str, patronymic: &str) -> String {
    [last, first, patronymic]
        .iter()
        .flat_map(|part| part.split_whitespace())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_empty_parts_and_extra_spaces() {
        assert_eq!(full_name("Беляев", "Антон", ""), "Беляев Антон");
        assert_eq!(full_name("", " Антон ", "Петрович"), "Антон Петрович");
        assert_eq!(full_name("A", "B", "C"), "A B C");
        assert_eq!(full_name("", "", ""), "");
    }
}
