//! Bureau accounts: argon2id passwords, one-time passwords changed at first sign-in,
//! lockout after repeated failures, sessions kept as token hashes, and the audit log.
//! Written once over `Sql`, so SQLite and PostgreSQL behave alike.

use chrono::{DateTime, Duration, SecondsFormat, Utc};

use super::{Role, text};
use crate::storage::{Result, Sql, StorageError};

/// Wrong passwords in a row that lock an account.
pub const MAX_FAILURES: i64 = 5;
/// How long a locked account stays locked.
pub const LOCK_MINUTES: i64 = 15;
/// A session ends this long after sign-in, whatever happens.
pub const SESSION_HOURS: i64 = 12;
/// …and this long after its last use.
pub const IDLE_HOURS: i64 = 2;
/// The shortest password a person may choose.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Instants as stored: UTC, milliseconds, so text order is time order.
pub fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A signed-in person, as a request sees them.
#[derive(Debug, Clone)]
pub struct Session {
    pub account_id: String,
    pub name: String,
    pub role: Role,
    pub must_change: bool,
    pub csrf: String,
    pub token_hash: String,
}

/// What a sign-in came to.
#[derive(Debug)]
pub enum SignIn {
    Ok {
        token: String,
        session: Session,
    },
    /// Unknown name or wrong password: the same answer for both.
    Refused,
    /// Locked until this instant (the password was not even checked).
    Locked(DateTime<Utc>),
}

/// A one-time password: 12 characters a person can read off a screen and type
/// (no 0/O, 1/l/I), about 70 bits.
pub fn one_time_password() -> std::io::Result<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(format!("no randomness from the OS: {e}")))?;
    // 256 is not a multiple of 56: the bias (1 in 64 for the first 32 characters) costs
    // well under a bit of the 70.
    Ok(bytes.iter().map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()])).collect())
}

/// argon2id with the crate's defaults (19 MiB, 2 passes: OWASP's recommendation).
pub fn hash_password(password: &str) -> Result<String> {
    use argon2::PasswordHasher;
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| StorageError::Io(std::io::Error::other(e.to_string())))?;
    let salt = argon2::password_hash::SaltString::encode_b64(&salt)
        .map_err(|e| StorageError::Database(format!("salt: {e}")))?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StorageError::Database(format!("argon2: {e}")))
}

fn password_matches(password: &str, stored: &str) -> bool {
    use argon2::PasswordVerifier;
    argon2::password_hash::PasswordHash::new(stored)
        .is_ok_and(|h| argon2::Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash nobody's password matches, verified for unknown names so that a wrong name
/// takes as long as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy — no account has this").unwrap_or_default())
}

/// Whether a new password may be chosen; the reason in Chinese if not.
pub fn check_new_password(new: &str, current: &str, name: &str) -> std::result::Result<(), String> {
    let chars = new.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(format!("新密码至少{MIN_PASSWORD_CHARS}个字符"));
    }
    if chars > 128 {
        return Err("新密码不能超过128个字符".into());
    }
    if new == current {
        return Err("新密码不能与原密码相同".into());
    }
    if new.contains(name) && !name.is_empty() {
        return Err("新密码不能包含姓名".into());
    }
    let mut distinct: Vec<char> = new.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 4 {
        return Err("新密码过于简单，请混用不同的字符".into());
    }
    if new.chars().any(char::is_control) {
        return Err("新密码不能含有控制字符".into());
    }
    Ok(())
}

/// Checks a name as accounts are named: a person's name, as the app's forms take it.
pub fn check_name(name: &str) -> std::result::Result<String, String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 30 || name.chars().any(char::is_control) {
        return Err("姓名须为1到30个字符".into());
    }
    Ok(name.to_owned())
}

/// Creates an account with a one-time password, which is returned (and never kept).
pub fn add(sql: &mut dyn Sql, name: &str, role: Role, now: DateTime<Utc>) -> Result<String> {
    let name = check_name(name).map_err(StorageError::Refused)?;
    let taken = sql.query("SELECT 1 FROM console_account WHERE name = ?", &[text(&name)])?;
    if !taken.is_empty() {
        return Err(StorageError::Refused(format!("已有名为“{name}”的账号")));
    }
    let password = one_time_password()?;
    sql.execute(
        "INSERT INTO console_account (id, name, role, password_hash, must_change, failures, created_at) VALUES (?, ?, ?, ?, 1, 0, ?)",
        &[text(&crate::auth::new_id()?), text(&name), text(role.as_str()), text(&hash_password(&password)?), text(&stamp(now))],
    )?;
    Ok(password)
}

/// A new one-time password for an account, which is unlocked and signed out everywhere.
pub fn reset(sql: &mut dyn Sql, name: &str) -> Result<String> {
    let password = one_time_password()?;
    let n = sql.execute(
        "UPDATE console_account SET password_hash = ?, must_change = 1, failures = 0, locked_until = NULL WHERE name = ?",
        &[text(&hash_password(&password)?), text(name)],
    )?;
    if n == 0 {
        return Err(StorageError::NotFound(format!("账号 {name}")));
    }
    sql.execute(
        "DELETE FROM console_session WHERE account_id IN (SELECT id FROM console_account WHERE name = ?)",
        &[text(name)],
    )?;
    Ok(password)
}

/// Every account: (name, role, must change, locked until, disabled at).
pub fn list(sql: &mut dyn Sql) -> Result<Vec<Vec<Option<String>>>> {
    sql.query("SELECT name, role, must_change, locked_until, disabled_at, created_at FROM console_account ORDER BY created_at", &[])
}

/// Whether any account exists (the run script makes the first admin when none does).
pub fn any(sql: &mut dyn Sql) -> Result<bool> {
    Ok(!sql.query("SELECT 1 FROM console_account LIMIT 1", &[])?.is_empty())
}

/// Counts a wrong password for an account; the fifth in a row locks it for 15 minutes
/// (the end of the lock returned, the account's sessions ended).
fn count_failure(sql: &mut dyn Sql, id: &str, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
    // Counted in the database, not from what was read: two wrong passwords at once
    // (PostgreSQL, read committed) both count.
    sql.execute("UPDATE console_account SET failures = failures + 1 WHERE id = ?", &[text(id)])?;
    let failures = sql
        .query("SELECT failures FROM console_account WHERE id = ?", &[text(id)])?
        .first()
        .and_then(|r| r.first().cloned().flatten())
        .and_then(|n| n.parse::<i64>().ok())
        .unwrap_or(MAX_FAILURES);
    if failures < MAX_FAILURES {
        return Ok(None);
    }
    let until = now + Duration::minutes(LOCK_MINUTES);
    sql.execute(
        "UPDATE console_account SET failures = 0, locked_until = ? WHERE id = ?",
        &[text(&stamp(until)), text(id)],
    )?;
    sql.execute("DELETE FROM console_session WHERE account_id = ?", &[text(id)])?;
    Ok(Some(until))
}

/// What sign-in reads before the slow password check, which runs outside any
/// transaction (argon2 takes tens of milliseconds: no transaction, and on SQLite no
/// push, may wait for it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Before {
    /// Locked until this instant: the password is not even checked.
    Locked(DateTime<Utc>),
    /// The stored hash to check against (none for an unknown or disabled account: a
    /// decoy is checked instead, so that it takes as long).
    Check(Option<String>),
}

pub fn before_sign_in(sql: &mut dyn Sql, name: &str, now: DateTime<Utc>) -> Result<Before> {
    let rows = sql
        .query("SELECT password_hash, locked_until, disabled_at FROM console_account WHERE name = ?", &[text(name)])?;
    let Some(row) = rows.into_iter().next() else { return Ok(Before::Check(None)) };
    if row.get(2).cloned().flatten().is_some() {
        return Ok(Before::Check(None));
    }
    if let Some(until) = locked_until(row.get(1).cloned().flatten(), now) {
        return Ok(Before::Locked(until));
    }
    Ok(Before::Check(row.first().cloned().flatten()))
}

/// Whether `password` matches `stored` (the decoy for none): the slow part, run alone.
pub fn check_password(password: &str, stored: Option<&str>) -> bool {
    match stored {
        Some(stored) => password_matches(password, stored),
        None => {
            password_matches(password, decoy_hash());
            false
        }
    }
}

fn locked_until(value: Option<String>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let until = DateTime::parse_from_rfc3339(&value?).ok()?.with_timezone(&Utc);
    (until > now).then_some(until)
}

/// Signs in once the password was checked against `checked` (the hash `before_sign_in`
/// read): a wrong one counts toward the lock (five in a row lock the account for 15
/// minutes); a right one opens a session, unless the account was locked, disabled or
/// given another password meanwhile.
pub fn sign_in(sql: &mut dyn Sql, name: &str, checked: &str, matched: bool, now: DateTime<Utc>) -> Result<SignIn> {
    let rows = sql.query(
        "SELECT id, role, password_hash, must_change, locked_until, disabled_at FROM console_account WHERE name = ?",
        &[text(name)],
    )?;
    let Some(row) = rows.into_iter().next() else { return Ok(SignIn::Refused) };
    let col = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
    let (id, role, stored) = (col(0), col(1), col(2));
    if row.get(5).cloned().flatten().is_some() || stored != checked {
        return Ok(SignIn::Refused);
    }
    if let Some(until) = locked_until(row.get(4).cloned().flatten(), now) {
        return Ok(SignIn::Locked(until));
    }
    if !matched {
        return Ok(match count_failure(sql, &id, now)? {
            Some(until) => SignIn::Locked(until),
            None => SignIn::Refused,
        });
    }
    sql.execute("UPDATE console_account SET failures = 0, locked_until = NULL WHERE id = ?", &[text(&id)])?;
    // Sessions that ended are removed as people sign in: the table stays small.
    sql.execute("DELETE FROM console_session WHERE expires_at < ?", &[text(&stamp(now))])?;
    let token = crate::auth::new_token()?;
    let csrf = crate::auth::new_token()?;
    let token_hash = anjian_sync::protocol::secret_hash(&token);
    sql.execute(
        "INSERT INTO console_session (token_hash, account_id, csrf, created_at, expires_at, last_seen) VALUES (?, ?, ?, ?, ?, ?)",
        &[
            text(&token_hash),
            text(&id),
            text(&csrf),
            text(&stamp(now)),
            text(&stamp(now + Duration::hours(IDLE_HOURS))),
            text(&stamp(now)),
        ],
    )?;
    let session = Session {
        account_id: id,
        name: name.to_owned(),
        role: Role::parse(&role).unwrap_or(Role::Leader),
        must_change: col(3) == "1",
        csrf,
        token_hash,
    };
    Ok(SignIn::Ok { token, session })
}

/// The session a cookie's token opens, if it has not ended; its life is extended on use
/// (never past 12 hours from sign-in).
pub fn session(sql: &mut dyn Sql, token: &str, now: DateTime<Utc>) -> Result<Option<Session>> {
    let token_hash = anjian_sync::protocol::secret_hash(token);
    let rows = sql.query(
        "SELECT a.id, a.name, a.role, a.must_change, s.csrf, s.created_at, s.expires_at, a.disabled_at FROM console_session s JOIN console_account a ON a.id = s.account_id WHERE s.token_hash = ?",
        &[text(&token_hash)],
    )?;
    let Some(row) = rows.into_iter().next() else { return Ok(None) };
    let col = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
    let time = |i: usize| DateTime::parse_from_rfc3339(&col(i)).ok().map(|t| t.with_timezone(&Utc));
    let (Some(created), Some(expires)) = (time(5), time(6)) else { return Ok(None) };
    if expires <= now || row.get(7).cloned().flatten().is_some() {
        sql.execute("DELETE FROM console_session WHERE token_hash = ?", &[text(&token_hash)])?;
        return Ok(None);
    }
    let extended = (now + Duration::hours(IDLE_HOURS)).min(created + Duration::hours(SESSION_HOURS));
    // Written at most once a minute per session, not on every request.
    if extended - expires > Duration::minutes(1) {
        sql.execute(
            "UPDATE console_session SET expires_at = ?, last_seen = ? WHERE token_hash = ?",
            &[text(&stamp(extended)), text(&stamp(now)), text(&token_hash)],
        )?;
    }
    Ok(Some(Session {
        account_id: col(0),
        name: col(1),
        role: Role::parse(&col(2)).unwrap_or(Role::Leader),
        must_change: col(3) == "1",
        csrf: col(4),
        token_hash,
    }))
}

pub fn sign_out(sql: &mut dyn Sql, session: &Session) -> Result<()> {
    sql.execute("DELETE FROM console_session WHERE token_hash = ?", &[text(&session.token_hash)])?;
    Ok(())
}

/// Changes the password of the signed-in account after checking the current one; every
/// other session of the account ends, and this one gets a new CSRF token.
/// What a password change came to: the session's new CSRF token, or a wrong current
/// password (counted as a failed sign-in: the fifth locks the account and ends its
/// sessions, so the form cannot be used to guess).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordChange {
    Changed(String),
    WrongCurrent,
    Locked(DateTime<Utc>),
}

/// The account's stored password hash, read before a change is checked.
pub fn stored_hash(sql: &mut dyn Sql, session: &Session) -> Result<String> {
    let rows = sql.query("SELECT password_hash FROM console_account WHERE id = ?", &[text(&session.account_id)])?;
    Ok(rows.into_iter().next().and_then(|r| r.into_iter().next().flatten()).unwrap_or_default())
}

/// A password change checked outside any transaction (argon2 is slow): the current
/// password against `stored`, then the new one's rules, and its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prepared {
    WrongCurrent,
    /// The new password's hash.
    Ready(String),
}

pub fn prepare_change(stored: &str, current: &str, new: &str, name: &str) -> Result<Prepared> {
    if !password_matches(current, stored) {
        return Ok(Prepared::WrongCurrent);
    }
    check_new_password(new, current, name).map_err(StorageError::Refused)?;
    Ok(Prepared::Ready(hash_password(new)?))
}

/// Applies a prepared change, unless the password changed meanwhile (`stored` is the
/// hash it was checked against).
pub fn change_password(
    sql: &mut dyn Sql,
    session: &Session,
    stored: &str,
    prepared: &Prepared,
    now: DateTime<Utc>,
) -> Result<PasswordChange> {
    if stored_hash(sql, session)? != stored {
        return Err(StorageError::Refused("密码刚在别处改过：请重新登录后再试".into()));
    }
    // Checked while no transaction was open: the session may have ended and the account
    // been locked by other guesses meanwhile (many sent at once); then nothing changes.
    let live = sql.query(
        "SELECT a.locked_until, a.disabled_at FROM console_session s JOIN console_account a ON a.id = s.account_id
         WHERE s.token_hash = ? AND s.expires_at > ?",
        &[text(&session.token_hash), text(&stamp(now))],
    )?;
    let Some(account) = live.first() else {
        return Err(StorageError::Refused("登录已结束，请重新登录".into()));
    };
    if account.get(1).cloned().flatten().is_some() {
        return Err(StorageError::Refused("账号已停用".into()));
    }
    if let Some(until) = locked_until(account.first().cloned().flatten(), now) {
        return Ok(PasswordChange::Locked(until));
    }
    let new_hash = match prepared {
        Prepared::WrongCurrent => {
            return Ok(match count_failure(sql, &session.account_id, now)? {
                Some(until) => PasswordChange::Locked(until),
                None => PasswordChange::WrongCurrent,
            });
        }
        Prepared::Ready(hash) => hash,
    };
    sql.execute(
        "UPDATE console_account SET password_hash = ?, must_change = 0 WHERE id = ?",
        &[text(new_hash), text(&session.account_id)],
    )?;
    sql.execute(
        "DELETE FROM console_session WHERE account_id = ? AND token_hash <> ?",
        &[text(&session.account_id), text(&session.token_hash)],
    )?;
    let csrf = crate::auth::new_token()?;
    sql.execute("UPDATE console_session SET csrf = ? WHERE token_hash = ?", &[text(&csrf), text(&session.token_hash)])?;
    sql.execute("UPDATE console_account SET failures = 0 WHERE id = ?", &[text(&session.account_id)])?;
    Ok(PasswordChange::Changed(csrf))
}

/// One line of the audit log.
pub fn audit(
    sql: &mut dyn Sql,
    account: &str,
    action: &str,
    detail: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sql.execute(
        "INSERT INTO console_audit (id, at, account, action, detail, address) VALUES (?, ?, ?, ?, ?, ?)",
        &[text(&crate::auth::new_id()?), text(&stamp(now)), text(account), text(action), text(detail), text(address)],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_passwords_are_refused_for_each_weakness() {
        for (new, why) in [
            ("short1", "至少"),
            ("aaaaaaaaaaaa", "过于简单"),
            ("张三的密码就是这个对吗", "包含姓名"),
            ("old-password-1", "相同"),
            ("bell\u{7}bell-bell", "控制字符"),
        ] {
            let refused = check_new_password(new, "old-password-1", "张三").expect_err(new);
            assert!(refused.contains(why), "{new}: {refused}");
        }
        assert!(check_new_password("门头沟-应急-2026", "old-password-1", "张三").is_ok());
    }

    #[test]
    fn one_time_passwords_are_typable_and_hashes_verify() -> Result<()> {
        let p = one_time_password()?;
        assert_eq!(p.chars().count(), 12);
        assert!(!p.chars().any(|c| "0O1lI".contains(c)), "{p}");
        let h = hash_password(&p)?;
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(password_matches(&p, &h) && !password_matches("wrong", &h));
        Ok(())
    }
}
