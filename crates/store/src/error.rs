use anjian_core::validate::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid input: {0}")]
    Invalid(#[from] FieldError),
    #[error("{kind} {id} not found")]
    NotFound { kind: &'static str, id: String },
    #[error("{kind} {id} was changed since it was read (now at revision {current})")]
    Conflict { kind: &'static str, id: String, current: String },
    #[error("credit code {0} is already used by another enterprise")]
    DuplicateCreditCode(String),
    #[error("refused: {0}")]
    Refused(String),
    /// A pulled document carries a number another document here already carries.
    #[error("document number {0} is carried by another document here")]
    NumberTaken(String),
    /// A document cannot be issued, changed or voided as asked (the reason in Chinese,
    /// for the inspector).
    #[error("{0}")]
    CannotIssue(String),
    /// A document's state does not allow the change asked (voiding a draft, editing an
    /// issued one); the reason in Chinese.
    #[error("{0}")]
    CannotChange(String),
    #[error("a finished inspection cannot be changed")]
    Finished,
    #[error("the hazard is already closed")]
    AlreadyClosed,
    #[error("the inspection cannot finish: {0}")]
    Unfinished(#[from] crate::inspections::FinishError),
    #[error("the database was written by a newer version of anjian (schema {found}, this version knows {known})")]
    NewerSchema { found: i64, known: i64 },
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("file error at {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("reference data is invalid: {0}")]
    Seed(String),
    /// The store is encrypted and the secret store holds no key for it.
    #[error("the store is encrypted and its key is not in the secret store")]
    KeyMissing,
    /// The key does not open the store.
    #[error("the key does not open the store")]
    WrongKey,
    /// The store was wiped at the bureau's request.
    #[error("the store was wiped")]
    Wiped,
    /// A wipe was begun and could not finish (a file still open, say): it finishes at the
    /// next start.
    #[error("the wipe of the store is unfinished")]
    WipeUnfinished,
    /// The secret store could not be used (the reason in Chinese).
    #[error("secret store: {0}")]
    Key(String),
}

impl From<crate::key::KeyError> for StoreError {
    fn from(e: crate::key::KeyError) -> Self {
        StoreError::Key(e.0)
    }
}

impl StoreError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        StoreError::Io { path: path.display().to_string(), source }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
