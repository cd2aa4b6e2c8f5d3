//! Page models: what each template is given. Templates live in `templates/`
//! and are checked at compile time.

use std::collections::HashMap;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use egov_i18n::{t, Lang, Tr};
use egov_identity::{Action, Principal, Role};

use crate::ctx::Ctx;
use crate::WebError;
use axum::response::Redirect;

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// What the page frame needs.
pub struct Layout {
    pub tr: Tr,
    pub lang: &'static str,
    pub title: String,
    pub csrf: String,
    pub user_name: Option<String>,
    pub switch_href: String,
    pub switch_label: &'static str,
    pub switch_lang: &'static str,
    /// The site's menu, from every module's entries.
    pub site_nav: Vec<NavItem>,
    /// The signed-in person's own pages (beside their name).
    pub account_nav: Vec<NavItem>,
    /// The back-office navigation, which follows the official's roles.
    pub nav: Vec<NavItem>,
}

impl Layout {
    pub fn new(ctx: &Ctx, title_key: &'static str) -> Layout {
        Layout::titled(ctx, t(ctx.lang, title_key).to_string())
    }

    pub fn titled(ctx: &Ctx, title: String) -> Layout {
        let is_official = ctx.principal.as_ref().is_some_and(|p| p.may(Action::UseBackOffice));
        let who = ctx.principal.as_ref();
        let nav = if is_official && ctx.path.starts_with("/quan-tri") {
            crate::module::menu(crate::module::Menu::BackOffice, who, ctx.lang, &ctx.path)
        } else {
            Vec::new()
        };
        let site_nav = crate::module::menu(crate::module::Menu::Site, who, ctx.lang, &ctx.path);
        let account_nav = crate::module::menu(crate::module::Menu::Account, who, ctx.lang, &ctx.path);
        let other = ctx.lang.other();
        Layout {
            tr: Tr(ctx.lang),
            lang: ctx.lang.code(),
            title,
            csrf: ctx.csrf.clone(),
            user_name: ctx.principal.as_ref().map(|p| p.full_name.clone()),
            switch_href: ctx.switch_href(other),
            switch_label: other.native_name(),
            switch_lang: other.code(),
            site_nav,
            account_nav,
            nav,
        }
    }
}

/// What a form was sent with and what is wrong with it, to show it again.
/// A field error's message in the language, with what it names after it.
pub fn field_message(lang: Lang, e: &egov_app::FieldError) -> String {
    match &e.detail {
        Some(d) => format!("{} ({d})", t(lang, e.key)),
        None => t(lang, e.key).to_string(),
    }
}

#[derive(Default)]
pub struct FormState {
    pub values: HashMap<String, String>,
    pub errors: Vec<(String, String)>,
}

impl FormState {
    /// A form as it was posted (its CSRF token left out), to show again.
    pub fn posted(fields: &HashMap<String, String>) -> FormState {
        let values = fields.iter().filter(|(k, _)| *k != "csrf").map(|(k, v)| (k.clone(), v.clone())).collect();
        FormState { values, ..FormState::default() }
    }

    pub fn v(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }
    pub fn err(&self, name: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == name).map(|(_, m)| m.as_str())
    }
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
    pub fn add(&mut self, field: &str, lang: Lang, key: &'static str) {
        self.errors.push((field.to_string(), t(lang, key).to_string()));
    }
    /// The input name of a list row's field: `doc3_name_vi`.
    pub fn key(&self, prefix: &str, i: &usize, field: &str) -> String {
        format!("{prefix}{i}_{field}")
    }
    pub fn checked(&self, name: &str) -> bool {
        !self.v(name).is_empty()
    }
    /// On a page of several forms, where `back` is the one that came back:
    /// a field's error, only in that form.
    pub fn err_in(&self, back: &str, which: &str, name: &str) -> Option<&str> {
        if back == which {
            self.err(name)
        } else {
            None
        }
    }
    /// The error summary's items: each problem under its field's words
    /// (`labels`: field → message key; the field's name if none), linked
    /// to the input `#{prefix}{field}`.
    pub fn summary(&self, lang: Lang, labels: &[(&str, &'static str)], prefix: &str) -> Vec<SummaryItem> {
        self.errors
            .iter()
            .map(|(f, problem)| {
                let label = labels.iter().find(|(k, _)| k == f).map_or(f.as_str(), |(_, key)| t(lang, key));
                SummaryItem::new(&format!("{prefix}{f}"), label, problem)
            })
            .collect()
    }
    /// The same for a field's value.
    pub fn v_in(&self, back: &str, which: &str, name: &str) -> &str {
        if back == which {
            self.v(name)
        } else {
            ""
        }
    }
}

pub fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub status: u16,
    pub message: &'static str,
}

/// The i18n key that names an HTTP error status.
pub fn status_key(status: StatusCode) -> &'static str {
    match status.as_u16() {
        404 => "err.page.not_found",
        405 => "err.page.method",
        401 => "err.page.unauthorized",
        403 => "err.page.forbidden",
        400 | 415 | 422 => "err.page.bad_request",
        409 => "err.page.conflict",
        413 => "err.page.too_large",
        429 => "err.throttled",
        503 => "err.page.unavailable",
        _ => "err.page.internal",
    }
}

pub fn error_page(ctx: &Ctx, status: StatusCode, key: Option<&'static str>) -> Response {
    let key = key.unwrap_or_else(|| status_key(status));
    let page = ErrorPage { layout: Layout::new(ctx, key), status: status.as_u16(), message: t(ctx.lang, key) };
    render(status, &page)
}

/// A procedure as lists show it.
pub struct ProcedureRow {
    pub code: String,
    pub name: String,
    pub field: String,
    pub online: &'static str,
    pub time: String,
}

pub fn role_names(roles: &[Role], lang: Lang) -> String {
    roles.iter().map(|r| t(lang, r.label_key())).collect::<Vec<_>>().join(", ")
}

pub(crate) fn official<'a>(ctx: &'a Ctx, action: Action<'_>) -> Result<&'a Principal, WebError> {
    let p = ctx.principal()?;
    if p.may(action) {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

pub(crate) fn login_redirect(ctx: &Ctx) -> Response {
    Redirect::to(&format!("/dang-nhap?next={}", ctx.path)).into_response()
}

/// Sends visitors to the sign-in page; other errors go through the error mapping.
pub(crate) fn or_login(ctx: &Ctx, r: Result<Response, WebError>) -> Response {
    match r {
        Ok(resp) => resp,
        Err(WebError::Unauthorized) => login_redirect(ctx),
        Err(e) => e.into_response(),
    }
}

/// One line of an error summary: a link to the input, its label and problem.
pub struct SummaryItem {
    pub href: String,
    pub text: String,
}

impl SummaryItem {
    pub fn new(id: &str, label: &str, problem: &str) -> SummaryItem {
        SummaryItem { href: format!("#{id}"), text: format!("{label}: {problem}") }
    }
}

/// The directory's agencies `keep` allows, as a form's choices: (code,
/// name in the page's language).
pub async fn agency_choices(
    state: &crate::AppState,
    lang: Lang,
    keep: impl Fn(&str) -> bool,
) -> Result<Vec<(String, String)>, WebError> {
    let en = lang.code() == "en";
    Ok(state
        .store
        .agencies()
        .await?
        .into_iter()
        .filter(|a| keep(a.id.as_str()))
        .map(|a| (a.id.as_str().to_string(), if en { a.name_en } else { a.name_vi }))
        .collect())
}

/// A page's title, prefixed "Lỗi: " / "Error: " when its form came back with errors.
pub fn error_title(lang: egov_i18n::Lang, has_errors: bool, title: String) -> String {
    if has_errors {
        format!("{}: {title}", egov_i18n::t(lang, "form.error_title"))
    } else {
        title
    }
}

/// A file a form carries: sent now, or held from when the form came back
/// (the hold's id).
pub struct FormFile {
    pub held: Option<i64>,
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The file a multipart form sent as `field`, or else the one held for
/// `owner` that the form names in `held_<field>` (none: neither, or a hold
/// that is not theirs or was let go).
pub async fn sent_or_held(
    app: &egov_app::App,
    owner: &str,
    files: &mut HashMap<String, egov_app::files::Upload>,
    fields: &HashMap<String, String>,
    field: &str,
) -> Result<Option<FormFile>, WebError> {
    if let Some(u) = files.remove(field) {
        return Ok(Some(FormFile { held: None, name: u.name, bytes: u.bytes }));
    }
    let Some(id) = fields.get(&format!("held_{field}")).and_then(|h| h.trim().parse::<i64>().ok()) else {
        return Ok(None);
    };
    Ok(egov_app::files::held(app, owner, id).await?.map(|(h, bytes)| FormFile {
        held: Some(h.id),
        name: h.name,
        bytes,
    }))
}

impl FormFile {
    /// Holds the file for `owner` if it was sent now (as `content_type`,
    /// what the form's own check found it to be); its hold either way.
    pub async fn hold(
        self,
        app: &egov_app::App,
        owner: &str,
        content_type: &str,
    ) -> Result<egov_app::files::Held, WebError> {
        Ok(match self.held {
            Some(id) => egov_app::files::Held { id, name: self.name },
            None => egov_app::files::hold(app, owner, &self.name, content_type, self.bytes).await?,
        })
    }

    /// Lets its hold go once the form went through.
    pub async fn used(&self, app: &egov_app::App, owner: &str) -> Result<(), WebError> {
        if let Some(id) = self.held {
            egov_app::files::release(app, owner, id).await?;
        }
        Ok(())
    }
}

impl FormState {
    /// Shows `file` on the form shown again as held (`held_<field>`, the
    /// hold's id, and `held_<field>_name`), holding it first if it was sent
    /// now: the person sends the form back without choosing it again.
    /// `content_type` is what the form's own check found the file to be.
    pub async fn hold(
        &mut self,
        app: &egov_app::App,
        owner: &str,
        field: &str,
        file: FormFile,
        content_type: &str,
    ) -> Result<(), WebError> {
        let h = file.hold(app, owner, content_type).await?;
        self.values.insert(format!("held_{field}"), h.id.to_string());
        self.values.insert(format!("held_{field}_name"), h.name);
        Ok(())
    }
}
