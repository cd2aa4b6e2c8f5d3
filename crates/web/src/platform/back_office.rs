//! The back office's home and the audit log.

use crate::ctx::Ctx;
use crate::views::{official, or_login};
use crate::views::{render, role_names, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use egov_identity::Action;

#[derive(Template)]
#[template(path = "platform/admin/home.html")]
struct HomePage {
    layout: Layout,
    name: String,
    roles: String,
    agency: String,
}

async fn home(State(state): State<AppState>, ctx: Ctx) -> Response {
    let r = async {
        let p = official(&ctx, Action::UseBackOffice)?;
        let agency = match &p.agency_id {
            Some(id) => state
                .store
                .agency(id)
                .await?
                .map(|a| if ctx.lang == egov_i18n::Lang::En { a.name_en } else { a.name_vi })
                .unwrap_or_default(),
            None => String::new(),
        };
        let page = HomePage {
            layout: Layout::new(&ctx, "admin.home.title"),
            name: p.full_name.clone(),
            roles: role_names(&p.roles, ctx.lang),
            agency,
        };
        Ok(render(StatusCode::OK, &page))
    }
    .await;
    or_login(&ctx, r)
}

pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub hash: String,
}

#[derive(Template)]
#[template(path = "platform/admin/audit.html")]
struct AuditPage {
    layout: Layout,
    rows: Vec<AuditRow>,
}

async fn audit(State(state): State<AppState>, ctx: Ctx) -> Response {
    let r = async {
        official(&ctx, Action::ReadAudit)?;
        let rows = state
            .store
            .recent_audit(200)
            .await?
            .into_iter()
            .map(|e| AuditRow {
                seq: e.seq,
                at: chrono::DateTime::from_timestamp_micros(e.at_micros)
                    .map(|d| d.format("%Y-%m-%d %H:%M:%S UTC").to_string())
                    .unwrap_or_default(),
                actor: e.event.actor,
                action: e.event.action,
                subject: e.event.subject,
                hash: e.hash[..16].to_string(),
            })
            .collect();
        Ok(render(StatusCode::OK, &AuditPage { layout: Layout::new(&ctx, "admin.audit.title"), rows }))
    }
    .await;
    or_login(&ctx, r)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/quan-tri", get(home)).route("/quan-tri/nhat-ky", get(audit))
}
