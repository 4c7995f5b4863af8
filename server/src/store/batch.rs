//! Several statements sent as one. Every statement through sqlx's SQLite driver is a
//! hand-off to the connection's own thread and back, and on a busy 2-core machine those
//! hand-offs, not SQLite, are what a write costs (BENCHMARKS.md). The driver steps through
//! a string of several statements in one hand-off, binding plain `?` parameters from one
//! list of values, each statement taking the next ones (numbered `?N` parameters do not
//! survive that: a statement's unused lower numbers take values from the list); so on
//! SQLite a batch is one call, each `$N` written `?` and its value listed where it
//! appears. PostgreSQL's protocol takes one statement with parameters at a time:
//! there a batch runs its statements in turn. Either way they run in order, in the
//! caller's transaction, and the rows of those that return any come back in order.
//!
//! Statements are written with `$1`, `$2`, ... numbered from 1 each (as `stmt` takes them),
//! and never with a `$` inside a string literal. A batch is for a few small statements:
//! the driver prepares and keeps each distinct text per connection, so a batch whose
//! text grows with its rows (hundreds of tasks) would keep a large statement per variant.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, QueryResult, Statement, Value};

#[derive(Debug, Default)]
pub(super) struct Batch {
    parts: Vec<(String, Vec<Value>)>,
}

impl Batch {
    /// Adds a statement, its values numbered `$1` on.
    pub fn push(&mut self, sql: impl Into<String>, values: impl IntoIterator<Item = Value>) {
        self.parts.push((sql.into(), values.into_iter().collect()));
    }

    /// Adds every statement of `other` after this one's.
    pub fn append(&mut self, other: Batch) {
        self.parts.extend(other.parts);
    }

    /// Runs the statements in order; the rows they return, in order.
    pub async fn run(self, db: &impl ConnectionTrait) -> Result<Vec<QueryResult>, DbErr> {
        let backend = db.get_database_backend();
        if backend != DbBackend::Sqlite {
            let mut rows = Vec::new();
            for (sql, values) in self.parts {
                rows.extend(db.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await?);
            }
            return Ok(rows);
        }
        let (mut sql, mut values) = (String::new(), Vec::new());
        for (part, part_values) in self.parts {
            if !sql.is_empty() {
                sql.push_str(";\n");
            }
            let (text, order) = positional(&part);
            sql.push_str(&text);
            for n in order {
                let value = part_values.get(n - 1).cloned();
                values.push(value.ok_or_else(|| DbErr::Custom(format!("${n} has no value in: {part}")))?);
            }
        }
        if sql.is_empty() {
            return Ok(Vec::new());
        }
        db.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await
    }
}

/// `sql` with each `$N` written `?`, and the Ns in the order they appear.
fn positional(sql: &str) -> (String, Vec<usize>) {
    let (mut out, mut order) = (String::with_capacity(sql.len()), Vec::new());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        let mut n = None;
        while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
            n = Some(n.unwrap_or(0) * 10 + d as usize);
            chars.next();
        }
        match n {
            Some(n) => {
                out.push('?');
                order.push(n);
            }
            None => out.push('$'),
        }
    }
    (out, order)
}

#[cfg(test)]
mod tests {
    use super::{positional, Batch};
    use sea_orm::{ConnectionTrait, Database, Value};

    /// Every statement runs, in order, with its own values; rows come from those that
    /// return any.
    #[tokio::test]
    async fn a_batch_runs_every_statement_in_order() {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        db.execute_unprepared("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)").await.unwrap();
        let mut batch = Batch::default();
        batch.push("INSERT INTO t (k, v) VALUES ($1, $2), ($3, $4)", [1.into(), "a".into(), 2.into(), "b".into()]);
        batch.push("UPDATE t SET v = $1 WHERE k = $2 RETURNING k, v", ["c".into(), 1.into()]);
        batch.push("UPDATE t SET v = CASE k WHEN $1 THEN $2 END WHERE k IN ($3)", [2.into(), "d".into(), 2.into()]);
        batch.push("INSERT INTO t (k, v) VALUES ($1, $2)", [3.into(), Value::from("e")]);
        let returned = batch.run(&db).await.unwrap();
        assert_eq!(returned.len(), 1);
        assert_eq!(returned[0].try_get_by_index::<String>(1).unwrap(), "c");
        let rows = db
            .query_all_raw(sea_orm::Statement::from_string(db.get_database_backend(), "SELECT v FROM t ORDER BY k"))
            .await
            .unwrap();
        let values: Vec<String> = rows.iter().map(|r| r.try_get_by_index(0).unwrap()).collect();
        assert_eq!(values, ["c", "d", "e"]);
    }

    #[test]
    fn numbered_parameters_become_positional_in_the_order_they_appear() {
        assert_eq!(
            positional("UPDATE t SET a = $2, b = $2 WHERE id = $1"),
            ("UPDATE t SET a = ?, b = ? WHERE id = ?".into(), vec![2, 2, 1])
        );
        assert_eq!(positional("VALUES ($1, $12, $3)"), ("VALUES (?, ?, ?)".into(), vec![1, 12, 3]));
        assert_eq!(positional("SELECT $ FROM x WHERE y = $1"), ("SELECT $ FROM x WHERE y = ?".into(), vec![1]));
    }
}
