//! The public status page, `/trang-thai`: the connection points the
//! department shows publicly, each with its state now and its last 90 days
//! (a strip of days, each day's uptime in its title and in the table).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use egov_app::network::report;

use super::pages::{kind_key, pct};
use crate::ctx::Ctx;
use crate::views::{render, Layout};
use crate::AppState;

pub struct DayCell {
    pub x: u32,
    pub day: String,
    pub percent: String,
    /// `up` (100 %), `partial`, `down` (under 90 %), `none` (not watched).
    pub class: &'static str,
}

pub struct SiteStatus {
    pub name: String,
    pub kind: &'static str,
    pub state: &'static str,
    pub up: bool,
    pub percent: String,
    pub days: Vec<DayCell>,
    pub worst: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "network/status.html")]
struct StatusPage {
    layout: Layout,
    sites: Vec<SiteStatus>,
    all_up: bool,
}

async fn page(State(state): State<AppState>, ctx: Ctx) -> Response {
    let lang = ctx.lang;
    let list = match report::status_page(&state.app).await {
        Ok(l) => l,
        Err(e) => return crate::views::or_login(&ctx, Err(e.into())),
    };
    let sites: Vec<SiteStatus> = list
        .into_iter()
        .map(|s| {
            let days: Vec<DayCell> = s
                .days
                .iter()
                .enumerate()
                .map(|(i, (d, p))| DayCell {
                    x: 8 * i as u32,
                    day: d.format("%d/%m/%Y").to_string(),
                    percent: pct(*p, lang),
                    class: match p {
                        None => "none",
                        Some(p) if *p >= 100.0 => "up",
                        Some(p) if *p >= 90.0 => "partial",
                        Some(_) => "down",
                    },
                })
                .collect();
            // the days with downtime, worst first, for the table (at most ten)
            let mut worst: Vec<(String, String, f64)> = s
                .days
                .iter()
                .filter_map(|(d, p)| p.filter(|p| *p < 100.0).map(|p| (d.format("%d/%m/%Y").to_string(), pct(Some(p), lang), p)))
                .collect();
            worst.sort_by(|a, b| a.2.total_cmp(&b.2));
            SiteStatus {
                name: s.name,
                kind: kind_key(s.kind),
                state: if !s.watched { "net.state.unwatched" } else if s.up { "net.state.up" } else { "net.state.down" },
                up: s.up,
                percent: pct(s.percent_90d, lang),
                days,
                worst: worst.into_iter().take(10).map(|(d, p, _)| (d, p)).collect(),
            }
        })
        .collect();
    let all_up = sites.iter().all(|s| s.up);
    render(StatusCode::OK, &StatusPage { layout: Layout::new(&ctx, "net.status.title"), sites, all_up })
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/trang-thai", get(page))
}
