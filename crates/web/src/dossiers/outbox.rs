//! Mail delivery: the task that sends the outbox's due messages and records
//! each attempt, and the back-office page of delivery status.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Router;
use egov_i18n::t;
use egov_identity::Action;
use egov_store::MailState;

use crate::ctx::Ctx;
use crate::views::{render, Layout};
use crate::{AppState, WebError};
use egov_kernel::vn::micros_to_page as micros_to_vn;

#[derive(serde::Deserialize)]
pub struct OutboxQuery {
    #[serde(default)]
    state: String,
}

struct Row {
    code: String,
    kind: &'static str,
    to: String,
    state: &'static str,
    attempts: i64,
    created: String,
    next: String,
    sent: String,
    error: String,
}

struct Tab {
    href: String,
    label: &'static str,
    count: i64,
    current: bool,
}

#[derive(Template)]
#[template(path = "dossiers/admin/outbox.html")]
struct OutboxPage {
    layout: Layout,
    enabled: bool,
    tabs: Vec<Tab>,
    rows: Vec<Row>,
}

fn state_key(s: MailState) -> &'static str {
    match s {
        MailState::Pending => "mail.state.pending",
        MailState::Sent => "mail.state.sent",
        MailState::Failed => "mail.state.failed",
    }
}

/// The outbox: every mailed notification with its delivery status, for the
/// system administrators.
pub async fn page(State(state): State<AppState>, ctx: Ctx, Query(q): Query<OutboxQuery>) -> Response {
    let r = async {
        let p = ctx.principal()?;
        if !p.may(Action::ReadMailOutbox) {
            return Err(WebError::Forbidden);
        }
        let filter = MailState::parse(&q.state);
        let (entries, counts) = state.store.outbox(filter, 200).await?;
        let total: i64 = counts.iter().map(|(_, n)| n).sum();
        let mut tabs = vec![Tab {
            href: "/quan-tri/thu-di".into(),
            label: t(ctx.lang, "mail.state.all"),
            count: total,
            current: filter.is_none(),
        }];
        for s in [MailState::Pending, MailState::Sent, MailState::Failed] {
            tabs.push(Tab {
                href: format!("/quan-tri/thu-di?state={}", s.as_str()),
                label: t(ctx.lang, state_key(s)),
                count: counts.iter().find(|(m, _)| *m == s).map(|(_, n)| *n).unwrap_or(0),
                current: filter == Some(s),
            });
        }
        let rows = entries
            .into_iter()
            .map(|e| Row {
                code: e.dossier_code,
                kind: t(ctx.lang, egov_mail::kind_key(e.kind.as_str())),
                to: e.to.unwrap_or_default(),
                state: t(ctx.lang, state_key(e.state)),
                attempts: e.attempts,
                created: micros_to_vn(e.created_at),
                next: e.next_at.map(micros_to_vn).unwrap_or_default(),
                sent: e.sent_at.map(micros_to_vn).unwrap_or_default(),
                error: e.error.unwrap_or_default(),
            })
            .collect();
        let page = OutboxPage {
            layout: Layout::new(&ctx, "mail.outbox.title"),
            enabled: state.settings.mail.is_some(),
            tabs,
            rows,
        };
        Ok(render(StatusCode::OK, &page))
    }
    .await;
    crate::views::or_login(&ctx, r)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/quan-tri/thu-di", axum::routing::get(page))
}
