//! Placeholders for multi-row statements: many rows, one round trip.

/// `(…), (…)` for `rows` rows of `cols` parameters each, numbered from `$1`;
/// `row(base)` writes one row whose parameters are `$base+1 … $base+cols`.
pub(crate) fn values(rows: usize, cols: usize, row: impl Fn(usize) -> String) -> String {
    (0..rows).map(|r| row(r * cols)).collect::<Vec<_>>().join(", ")
}

/// `($1, …, $cols), ($cols+1, …)`: rows of plain consecutive parameters;
/// on SQLite `(?, …), (?, …)`, bound in the same order: SQLite keeps named
/// parameters (`$n`) in a list it searches for each one bound, which makes
/// a statement of many rows cost the square of its parameters.
pub(crate) fn numbered(conn: &sqlx::AnyConnection, rows: usize, cols: usize) -> String {
    if conn.backend_name() == "SQLite" {
        let row = format!("({})", vec!["?"; cols].join(", "));
        return vec![row; rows].join(", ");
    }
    values(rows, cols, |b| format!("({})", (1..=cols).map(|i| format!("${}", b + i)).collect::<Vec<_>>().join(", ")))
}

#[cfg(test)]
mod tests {
    use sqlx::{Connection, Row};

    #[tokio::test]
    async fn sqlite_rows_take_anonymous_parameters_in_order() {
        sqlx::any::install_default_drivers();
        let mut c = sqlx::AnyConnection::connect("sqlite::memory:").await.unwrap();
        assert_eq!(super::numbered(&c, 2, 3), "(?, ?, ?), (?, ?, ?)");
        sqlx::query("CREATE TABLE t (a BIGINT, b TEXT, c BIGINT)").execute(&mut c).await.unwrap();
        let sql = format!("INSERT INTO t (a, b, c) VALUES {}", super::numbered(&c, 2, 3));
        let q = sqlx::query(&sql).bind(1i64).bind("x").bind(2i64).bind(3i64).bind("y").bind(4i64);
        q.execute(&mut c).await.unwrap();
        let rows = sqlx::query("SELECT a, b, c FROM t ORDER BY a").fetch_all(&mut c).await.unwrap();
        let got: Vec<(i64, String, i64)> = rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
        assert_eq!(got, [(1, "x".to_string(), 2), (3, "y".to_string(), 4)]);
    }

    #[test]
    fn placeholders_count_on_across_rows() {
        assert_eq!(
            super::values(2, 2, |b| format!("(${}, ${}, ${})", b + 1, b + 2, b + 1)),
            "($1, $2, $1), ($3, $4, $3)"
        );
    }
}
