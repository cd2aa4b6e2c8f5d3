//! The one mapping from errors to HTTP responses: RFC 9457 problem details
//! for the API, a readable page for the browser.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use egov_app::Refusal;
use egov_i18n::{t, Lang};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error(transparent)]
    Store(#[from] egov_store::StoreError),
    #[error("template: {0}")]
    Template(#[from] askama::Error),
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("sign-in required")]
    Unauthorized,
    #[error("bad CSRF token")]
    Csrf,
    #[error("invalid: {0}")]
    BadRequest(String),
    #[error("internal: {0}")]
    Internal(String),
    #[error("too large")]
    TooLarge,
    /// A multipart body over its route's limit: the message names the limits.
    #[error("upload too large")]
    UploadTooLarge,
    /// A byte range outside the file (416).
    #[error("range not satisfiable")]
    RangeNotSatisfiable,
    /// Too many requests from one address: try again after so many seconds.
    #[error("throttled for {0} s")]
    Throttled(u64),
    /// A rule refused the request: how (which decides the status), the
    /// i18n key of the message and a detail.
    #[error("refused: {2}")]
    Refused(Refusal, &'static str, String),
    /// The input breaks rules: every problem at its field (422, `errors`).
    #[error("invalid input")]
    Invalid(Vec<egov_app::FieldError>),
}

/// The i18n key of an error's title, carried to the page renderer.
#[derive(Debug, Clone, Copy)]
pub struct ErrorKey(pub &'static str);

/// RFC 9457 problem details.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    /// Where: a form field or a path in a JSON document.
    pub pointer: String,
    pub detail: String,
}

/// The application layer's errors, mapped once. Field errors reach the
/// API as 422 (pages show them at their fields before it comes to this).
impl From<egov_app::AppError> for WebError {
    fn from(e: egov_app::AppError) -> Self {
        use egov_app::AppError;
        match e {
            AppError::Invalid(errs) => WebError::Invalid(errs),
            AppError::Refused(how, key, detail) => WebError::Refused(how, key, detail),
            AppError::Forbidden => WebError::Forbidden,
            AppError::NotFound => WebError::NotFound,
            AppError::Store(s) => WebError::Store(s),
            AppError::Internal(m) => WebError::Internal(m),
        }
    }
}

impl From<egov_reports::ReportError> for WebError {
    /// A report that could not be written is the server's fault.
    fn from(e: egov_reports::ReportError) -> Self {
        WebError::Internal(e.to_string())
    }
}

impl WebError {
    /// A refusal for input that is well-formed but unacceptable.
    pub fn unacceptable(key: &'static str, detail: impl Into<String>) -> WebError {
        WebError::Refused(Refusal::Unacceptable, key, detail.into())
    }

    /// A refusal for input that is not well-formed.
    pub fn malformed(key: &'static str, detail: impl Into<String>) -> WebError {
        WebError::Refused(Refusal::Malformed, key, detail.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Forbidden | WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::Unauthorized => StatusCode::UNAUTHORIZED,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::TooLarge | WebError::UploadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::RangeNotSatisfiable => StatusCode::RANGE_NOT_SATISFIABLE,
            WebError::Store(egov_store::StoreError::NotFound) => StatusCode::NOT_FOUND,
            WebError::Store(egov_store::StoreError::Conflict(_)) => StatusCode::CONFLICT,
            WebError::Store(egov_store::StoreError::Blobs(_)) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Refused(Refusal::NotPermitted, ..) => StatusCode::FORBIDDEN,
            WebError::Refused(Refusal::Malformed, ..) => StatusCode::BAD_REQUEST,
            WebError::Refused(Refusal::Unacceptable, ..) | WebError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Refused(Refusal::Conflict, ..) => StatusCode::CONFLICT,
            WebError::Refused(Refusal::Unavailable, ..) => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn title_key(&self) -> &'static str {
        match self {
            WebError::Refused(_, key, _) => return key,
            WebError::Invalid(_) => return "form.has_errors",
            WebError::UploadTooLarge => return "err.upload.too_large",
            WebError::RangeNotSatisfiable => return "err.page.range",
            _ => {}
        }
        match self.status() {
            StatusCode::NOT_FOUND => "err.page.not_found",
            StatusCode::FORBIDDEN if matches!(self, WebError::Csrf) => "err.page.csrf",
            StatusCode::FORBIDDEN => "err.page.forbidden",
            StatusCode::UNAUTHORIZED => "err.page.unauthorized",
            StatusCode::BAD_REQUEST => "err.page.bad_request",
            StatusCode::CONFLICT => "err.page.conflict",
            StatusCode::PAYLOAD_TOO_LARGE => "err.page.too_large",
            StatusCode::TOO_MANY_REQUESTS => "err.throttled",
            StatusCode::SERVICE_UNAVAILABLE => "err.page.unavailable",
            _ => "err.page.internal",
        }
    }

    fn log(&self) {
        if self.status().is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
    }

    pub fn problem(&self, lang: Lang) -> Response {
        self.log();
        let status = self.status();
        let detail = match self {
            WebError::BadRequest(d) | WebError::Refused(_, _, d) => Some(d.clone()),
            _ => None,
        };
        let fields = match self {
            WebError::Invalid(errs) => errs
                .iter()
                .map(|e| ProblemField { pointer: e.field.clone(), detail: crate::views::field_message(lang, e) })
                .collect(),
            _ => Vec::new(),
        };
        let mut resp = problem_response(status, t(lang, self.title_key()), detail, fields);
        resp.extensions_mut().insert(ErrorKey(self.title_key()));
        if let WebError::Throttled(secs) = self {
            resp.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(*secs));
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            resp.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(30));
        }
        resp
    }
}

pub fn problem_response(
    status: StatusCode,
    title: &str,
    detail: Option<String>,
    errors: Vec<ProblemField>,
) -> Response {
    let body =
        Problem { kind: "about:blank".into(), title: title.to_string(), status: status.as_u16(), detail, errors };
    let mut resp = (status, axum::Json(body)).into_response();
    resp.headers_mut()
        .insert(axum::http::header::CONTENT_TYPE, axum::http::HeaderValue::from_static("application/problem+json"));
    resp
}

/// Without a request context (should not happen) errors render as problems in Vietnamese.
impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        self.problem(Lang::Vi)
    }
}
