//! One migration runner for every database anjian keeps: the device's store and the
//! server's SQLite and PostgreSQL backends. Migrations are numbered by their place in
//! a list that is only ever appended to; the database records how many it has run.
//! A database from a newer version is refused, never downgraded; a migration that
//! fails leaves the recorded version where it was.
//!
//! Hand-rolled rather than refinery or sqlx's migrator: they keep their own history
//! table, while devices and servers in the field already count in `PRAGMA user_version`
//! and `schema_version`, and the server runs a backfill inside one of its migrations.

/// A database the runner can bring up to date.
pub trait Schema {
    type Error;
    /// How many migrations the database has run.
    fn version(&mut self) -> Result<usize, Self::Error>;
    /// Runs migration number `version` (1-based) and records it, atomically: either
    /// both happen or neither.
    fn apply(&mut self, version: usize, sql: &str) -> Result<(), Self::Error>;
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MigrateError<E> {
    #[error("database schema {found} is newer than this program knows ({known})")]
    Newer { found: usize, known: usize },
    #[error(transparent)]
    Backend(E),
}

/// Runs the migrations the database has not run, in order; returns how many ran.
pub fn migrate<S: Schema>(db: &mut S, migrations: &[&str]) -> Result<usize, MigrateError<S::Error>> {
    let found = db.version().map_err(MigrateError::Backend)?;
    if found > migrations.len() {
        return Err(MigrateError::Newer { found, known: migrations.len() });
    }
    for (i, sql) in migrations.iter().enumerate().skip(found) {
        db.apply(i + 1, sql).map_err(MigrateError::Backend)?;
    }
    Ok(migrations.len() - found)
}

#[cfg(feature = "sqlite")]
pub use sqlite::UserVersion;

#[cfg(feature = "sqlite")]
mod sqlite {
    use rusqlite::{Connection, Transaction};

    /// A SQLite connection counting its migrations in `PRAGMA user_version`, each in a
    /// transaction of its own. `after` runs inside a migration's transaction once its
    /// SQL has (for a data backfill that belongs to that migration).
    #[derive(Debug)]
    pub struct UserVersion<'c, F> {
        conn: &'c mut Connection,
        after: F,
    }

    impl<'c> UserVersion<'c, fn(&Transaction<'_>, usize) -> rusqlite::Result<()>> {
        pub fn new(conn: &'c mut Connection) -> Self {
            UserVersion { conn, after: |_, _| Ok(()) }
        }
    }

    impl<'c, F, E> UserVersion<'c, F>
    where
        F: FnMut(&Transaction<'_>, usize) -> Result<(), E>,
    {
        pub fn with_after(conn: &'c mut Connection, after: F) -> Self {
            UserVersion { conn, after }
        }
    }

    impl<F, E> super::Schema for UserVersion<'_, F>
    where
        F: FnMut(&Transaction<'_>, usize) -> Result<(), E>,
        E: From<rusqlite::Error>,
    {
        type Error = E;

        fn version(&mut self) -> Result<usize, E> {
            let v: i64 = self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            // A negative count is no version this program wrote: treat it as newer.
            Ok(usize::try_from(v).unwrap_or(usize::MAX))
        }

        fn apply(&mut self, version: usize, sql: &str) -> Result<(), E> {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            (self.after)(&tx, version)?;
            tx.pragma_update(None, "user_version", version as i64)?;
            tx.commit()?;
            Ok(())
        }
    }
}

#[cfg(all(test, feature = "sqlite"))]
mod tests {
    use super::*;

    const MIGRATIONS: [&str; 3] =
        ["CREATE TABLE a (x INTEGER);", "CREATE TABLE b (y INTEGER);", "INSERT INTO a VALUES (1);"];

    fn version(c: &rusqlite::Connection) -> i64 {
        c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn brings_any_database_up_to_date_and_refuses_a_newer_one() {
        // (migrations run before, what the runner answers, user_version after)
        let cases: [(&[&str], Result<usize, MigrateError<rusqlite::Error>>, i64); 4] = [
            (&[], Ok(3), 3),
            (&MIGRATIONS[..1], Ok(2), 3),
            (&MIGRATIONS, Ok(0), 3),
            (
                &[MIGRATIONS[0], MIGRATIONS[1], MIGRATIONS[2], "CREATE TABLE c (z INTEGER);"],
                Err(MigrateError::Newer { found: 4, known: 3 }),
                4,
            ),
        ];
        for (before, expected, after) in cases {
            let mut c = rusqlite::Connection::open_in_memory().unwrap();
            migrate(&mut UserVersion::new(&mut c), before).unwrap();
            assert_eq!(migrate(&mut UserVersion::new(&mut c), &MIGRATIONS), expected, "{} run before", before.len());
            assert_eq!(version(&c), after);
        }
    }

    #[test]
    fn a_failing_migration_leaves_the_version_and_its_own_work_undone() {
        let mut c = rusqlite::Connection::open_in_memory().unwrap();
        let broken = [MIGRATIONS[0], "CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1);"];
        assert!(matches!(migrate(&mut UserVersion::new(&mut c), &broken), Err(MigrateError::Backend(_))));
        assert_eq!(version(&c), 1);
        let b: i64 = c.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'b'", [], |r| r.get(0)).unwrap();
        assert_eq!(b, 0, "the failed migration's table was rolled back");
    }

    #[test]
    fn after_runs_inside_the_migration_it_belongs_to() {
        let mut c = rusqlite::Connection::open_in_memory().unwrap();
        let mut seen = Vec::new();
        let mut db = UserVersion::with_after(&mut c, |tx: &rusqlite::Transaction<'_>, v| {
            seen.push(v);
            if v == 3 {
                tx.execute("INSERT INTO b VALUES (2)", [])?;
            }
            Ok::<(), rusqlite::Error>(())
        });
        assert_eq!(migrate(&mut db, &MIGRATIONS), Ok(3));
        assert_eq!(seen, [1, 2, 3]);
        assert_eq!(c.query_row("SELECT y FROM b", [], |r| r.get::<_, i64>(0)).unwrap(), 2);
    }
}
