//! Placeholder lists for statements built at run time (`IN (…)` lists, multi-row `VALUES`).

/// `$1, $2, …` for `n` parameters starting at `from`.
pub fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($1, $2), ($3, $4), …`: `rows` tuples of `width` parameters, numbered from `$1`.
pub fn values_list(width: usize, rows: usize) -> String {
    (0..rows)
        .map(|r| format!("({})", placeholders(r * width + 1, width)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_from_the_given_parameter() {
        assert_eq!(placeholders(3, 2), "$3, $4");
        assert_eq!(placeholders(1, 0), "");
        assert_eq!(values_list(2, 2), "($1, $2), ($3, $4)");
    }
}
