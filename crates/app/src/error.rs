use egov_store::StoreError;

/// One field's problem: the input's name and the i18n key of the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub key: &'static str,
}

impl FieldError {
    pub fn new(field: impl Into<String>, key: &'static str) -> FieldError {
        FieldError { field: field.into(), key }
    }
}

/// Why a use case did not happen. Nothing was written in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input breaks rules; every problem, each at its field.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal: {0}")]
    Internal(String),
}
