//! Page models: what each template is given. Templates live in `templates/`
//! and are checked at compile time.

use std::collections::HashMap;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use egov_i18n::{t, Lang, Tr};
use egov_identity::{Action, Principal, Role};

use crate::ctx::Ctx;

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
    pub is_official: bool,
    pub switch_href: String,
    pub switch_label: &'static str,
    pub switch_lang: &'static str,
    pub path: String,
    /// The back-office navigation, which follows the official's roles.
    pub nav: Vec<NavItem>,
}

/// The back-office sections a principal may see, in order.
pub fn back_office_nav(p: &Principal, lang: Lang, path: &str) -> Vec<NavItem> {
    let mut items: Vec<(&'static str, &'static str)> = vec![("/quan-tri", "nav.admin.home")];
    if [Role::Receiver, Role::Specialist, Role::Approver].iter().any(|r| p.has_role(*r)) {
        items.push(("/quan-tri/ho-so", "nav.admin.dossiers"));
    }
    if let Some(a) = p.agency_id.as_deref() {
        if p.may(Action::ReadAgency(a)) {
            items.push(("/quan-tri/co-quan", "nav.admin.agency"));
        }
    }
    if p.may(Action::ManageCatalog) {
        items.push(("/quan-tri/thu-tuc", "nav.admin.procedures"));
        items.push(("/quan-tri/thu-tuc/nhap", "nav.admin.import"));
    }
    if p.may(Action::ManageCalendar) {
        items.push(("/quan-tri/lich", "nav.admin.calendar"));
    }
    if p.may(Action::ManageDirectory) {
        items.push(("/quan-tri/cac-co-quan", "nav.admin.agencies"));
        items.push(("/quan-tri/don-vi", "nav.admin.units"));
    }
    if p.may(Action::ReadAudit) {
        items.push(("/quan-tri/nhat-ky", "nav.admin.audit"));
    }
    if p.may(Action::ReadMailOutbox) {
        items.push(("/quan-tri/thu-di", "nav.admin.outbox"));
    }
    items
        .into_iter()
        .map(|(href, key)| NavItem {
            href,
            label: t(lang, key),
            current: path == href
                || (href != "/quan-tri"
                    && path.starts_with(href)
                    && !(href == "/quan-tri/thu-tuc" && path == "/quan-tri/thu-tuc/nhap")),
        })
        .collect()
}

impl Layout {
    pub fn new(ctx: &Ctx, title_key: &'static str) -> Layout {
        Layout::titled(ctx, t(ctx.lang, title_key).to_string())
    }

    pub fn titled(ctx: &Ctx, title: String) -> Layout {
        let is_official = ctx.principal.as_ref().is_some_and(|p| p.may(Action::UseBackOffice));
        let nav = match &ctx.principal {
            Some(p) if is_official && ctx.path.starts_with("/quan-tri") => back_office_nav(p, ctx.lang, &ctx.path),
            _ => Vec::new(),
        };
        let other = ctx.lang.other();
        Layout {
            tr: Tr(ctx.lang),
            lang: ctx.lang.code(),
            title,
            csrf: ctx.csrf.clone(),
            user_name: ctx.principal.as_ref().map(|p| p.full_name.clone()),
            is_official,
            switch_href: ctx.switch_href(other),
            switch_label: other.native_name(),
            switch_lang: other.code(),
            path: ctx.path.clone(),
            nav,
        }
    }
}

/// What a form was sent with and what is wrong with it, to show it again.
#[derive(Default)]
pub struct FormState {
    pub values: HashMap<String, String>,
    pub errors: Vec<(String, String)>,
}

impl FormState {
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
