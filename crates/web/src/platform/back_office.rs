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
use egov_i18n::t;
use egov_identity::Action;
use std::collections::HashMap;

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
        let entries = state.store.recent_audit(200).await?;
        // the people named, by their names
        let mut names: HashMap<String, String> = HashMap::new();
        for who in entries.iter().flat_map(|e| [&e.event.actor, &e.event.subject]) {
            if let Some(id) = who.strip_prefix("user:").and_then(|i| i.parse::<i64>().ok()) {
                if !names.contains_key(who.as_str()) {
                    let p = state.store.principal(egov_identity::UserId::new(id)).await?;
                    let name = p.map(|p| format!("{} ({})", p.full_name, p.username));
                    names.insert(who.clone(), name.unwrap_or_else(|| who.clone()));
                }
            }
        }
        let party = |who: &str| -> String {
            if let Some(n) = names.get(who) {
                return n.clone();
            }
            match who.split_once(':') {
                None if who == "cli" => t(ctx.lang, "audit.party.cli").to_string(),
                Some(("provider", p)) => format!("{} {p}", t(ctx.lang, "audit.party.provider")),
                Some(("dossier", c)) => format!("{} {c}", t(ctx.lang, "audit.party.dossier")),
                _ => who.to_string(),
            }
        };
        let rows = entries
            .into_iter()
            .map(|e| AuditRow {
                seq: e.seq,
                at: egov_kernel::vn::from_micros(e.at_micros)
                    .map(|d| d.format("%d/%m/%Y %H:%M:%S").to_string())
                    .unwrap_or_default(),
                actor: party(&e.event.actor),
                action: action_words(ctx.lang, &e.event.action),
                subject: party(&e.event.subject),
                hash: e.hash[..16].to_string(),
            })
            .collect();
        Ok(render(StatusCode::OK, &AuditPage { layout: Layout::new(&ctx, "admin.audit.title"), rows }))
    }
    .await;
    or_login(&ctx, r)
}

/// What an audit entry's action was, in words (its code where none is known).
fn action_words(lang: egov_i18n::Lang, action: &str) -> String {
    if let Some(kind) = action.strip_prefix("dossier.").and_then(egov_dossier::EventKind::parse) {
        return format!("{}: {}", t(lang, "audit.party.dossier"), t(lang, kind.label_key()));
    }
    // matched as (subject, verb): the audit chain names its actions like message keys
    let key = match action.split_once('.').unwrap_or(("", "")) {
        ("session", "start") => "audit.session.start",
        ("session", "end") => "audit.session.end",
        ("token", "issue") => "audit.token.issue",
        ("token", "revoke") => "audit.token.revoke",
        ("citizen", "register") => "audit.citizen.register",
        ("citizen", "create_at_counter") => "audit.citizen.create_at_counter",
        ("official", "create") => "audit.official.create",
        ("account", "link") => "audit.account.link",
        ("identity", "map") => "audit.identity.map",
        ("oidc", "refused") => "audit.oidc.refused",
        ("organisation", "representative") => "audit.organisation.representative",
        ("agency", "upsert") => "audit.agency.upsert",
        ("unit", "upsert") => "audit.unit.upsert",
        ("procedure", "create") => "audit.procedure.create",
        ("procedure", "update") => "audit.procedure.update",
        ("calendar", "announce") => "audit.calendar.announce",
        ("calendar", "hours") => "audit.calendar.hours",
        ("demo", "load") => "audit.demo.load",
        _ => return action.to_string(),
    };
    t(lang, key).to_string()
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/quan-tri", get(home)).route("/quan-tri/nhat-ky", get(audit))
}
