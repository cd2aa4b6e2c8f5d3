use egov_store::StoreError;

/// One field's problem: the input's name and the i18n key of the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub key: &'static str,
    /// What the message names, shown after it (an infected file's signature).
    pub detail: Option<String>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, key: &'static str) -> FieldError {
        FieldError { field: field.into(), key, detail: None }
    }
    pub fn with_detail(field: impl Into<String>, key: &'static str, detail: impl Into<String>) -> FieldError {
        FieldError { field: field.into(), key, detail: Some(detail.into()) }
    }
}

/// Why a rule said no, which decides how the refusal is answered (the web
/// crate maps each to one HTTP status; nothing matches message keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The input is not well-formed (a date that is not a date).
    Malformed,
    /// The input is well-formed but unacceptable (a file type, an option, a period).
    Unacceptable,
    /// Not this person's to do (role, agency, owner, assignee).
    NotPermitted,
    /// Not now: the thing's state does not allow it.
    Conflict,
    /// Not now: a service egov needs is down (the malware scanner); try again later.
    Unavailable,
}

/// Why a use case did not happen. Nothing was written in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input breaks rules; every problem, each at its field.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    /// A rule refused: how, the i18n key of the message, a detail.
    #[error("refused ({1}): {2}")]
    Refused(Refusal, &'static str, String),
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    pub fn refused(how: Refusal, key: &'static str, detail: impl Into<String>) -> AppError {
        AppError::Refused(how, key, detail.into())
    }

    /// Field errors, or none.
    pub fn invalid(errs: Vec<FieldError>) -> Result<(), AppError> {
        if errs.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(errs))
        }
    }
}

impl From<egov_dossier::DossierError> for AppError {
    /// The state machine's refusals: whose it is, or not now.
    fn from(e: egov_dossier::DossierError) -> Self {
        use egov_dossier::DossierError as D;
        let how = match e {
            D::WrongRole { .. } | D::WrongAgency { .. } | D::NotOwner { .. } | D::NotAssignee { .. } => {
                Refusal::NotPermitted
            }
            _ => Refusal::Conflict,
        };
        AppError::Refused(how, e.key(), e.to_string())
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        AppError::Internal(e.to_string())
    }
}
