//! Mail delivery: the task that sends the outbox's due messages and records
//! each attempt, and the back-office page of delivery status.

use std::sync::Arc;
use std::time::Duration;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use egov_i18n::t;
use egov_identity::Action;
use egov_mail::{AfterFailure, Transport};
use egov_store::{now_micros, MailState, Store, StoreError};

use crate::ctx::Ctx;
use crate::dossier_api::micros_to_vn;
use crate::views::{render, Layout};
use crate::{AppState, MailSettings, WebError};

/// How long a claimed message is reserved for the instance sending it.
const LEASE: Duration = Duration::from_secs(300);
/// Messages claimed at a time.
const BATCH: i64 = 20;

/// Starts the delivery task: it sends what is due, then waits for a wake-up
/// (a change queued a message) or the poll interval.
pub fn spawn_delivery<T: Transport>(
    store: Store,
    transport: T,
    settings: MailSettings,
    public_url: Option<String>,
    wake: Arc<tokio::sync::Notify>,
) {
    tokio::spawn(async move {
        loop {
            match deliver_due(&store, &transport, &settings.retry, public_url.as_deref()).await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "mail outbox"),
            }
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(settings.poll) => {}
            }
        }
    });
}

/// Sends the messages due now; returns how many were attempted.
pub async fn deliver_due<T: Transport>(
    store: &Store,
    transport: &T,
    retry: &egov_mail::RetryPolicy,
    public_url: Option<&str>,
) -> Result<usize, StoreError> {
    let now = now_micros();
    let jobs = store.claim_mail(now, now + LEASE.as_micros() as i64, BATCH).await?;
    let n = jobs.len();
    for job in jobs {
        let Some(to) = job.to else {
            store.mail_failed(job.id, "no e-mail address").await?;
            continue;
        };
        let mail = egov_mail::compose(&to, &job.dossier_code, &job.kind, &job.note, public_url);
        match transport.send(&mail).await {
            Ok(()) => {
                tracing::info!(message = job.id, code = %job.dossier_code, "mail sent");
                store.mail_sent(job.id, &to, now_micros()).await?
            }
            Err(e) => {
                let attempts = job.attempts.saturating_add(1);
                tracing::warn!(message = job.id, attempts, error = %e, "mail not sent");
                match retry.after(attempts, &e) {
                    AfterFailure::RetryIn(d) => {
                        store.mail_retry(job.id, now_micros() + d.as_micros() as i64, &e.to_string()).await?
                    }
                    AfterFailure::GiveUp => store.mail_failed(job.id, &e.to_string()).await?,
                }
            }
        }
    }
    Ok(n)
}

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
#[template(path = "admin/outbox.html")]
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
                kind: t(ctx.lang, egov_mail::kind_key(&e.kind)),
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
    crate::admin::or_login(&ctx, r)
}
