//! Placeholders for multi-row statements: many rows, one round trip.

/// `(…), (…)` for `rows` rows of `cols` parameters each, numbered from `$1`;
/// `row(base)` writes one row whose parameters are `$base+1 … $base+cols`.
pub(crate) fn values(rows: usize, cols: usize, row: impl Fn(usize) -> String) -> String {
    (0..rows).map(|r| row(r * cols)).collect::<Vec<_>>().join(", ")
}

/// `($1, …, $cols), ($cols+1, …)`: rows of plain consecutive parameters.
pub(crate) fn numbered(rows: usize, cols: usize) -> String {
    values(rows, cols, |b| format!("({})", (1..=cols).map(|i| format!("${}", b + i)).collect::<Vec<_>>().join(", ")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_count_on_across_rows() {
        assert_eq!(super::numbered(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(
            super::values(2, 2, |b| format!("(${}, ${}, ${})", b + 1, b + 2, b + 1)),
            "($1, $2, $1), ($3, $4, $3)"
        );
    }
}
