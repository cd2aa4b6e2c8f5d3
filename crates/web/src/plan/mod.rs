//! The year's IT plan (issue 23): the dashboard of every indicator at a
//! day with its charts, an indicator's page (trend, parts, the records it
//! counts, amendments, reported values and their approval), importing a
//! plan from the CSV or XLSX template, the year-end report (PDF, ODT,
//! XLSX), and the same through the API.

pub(crate) mod api;
pub(crate) mod messages;
pub(crate) mod pages;
pub(crate) mod report;

use axum::Router;
use egov_i18n::{t, Lang};
use egov_plan::{Source, Verdict};
use egov_store::plan::KeptIndicator;

use crate::module::{Menu, Module, NavEntry};
use crate::AppState;

pub const MODULE: Module = Module {
    name: "plan",
    routes,
    openapi: || {
        use utoipa::OpenApi;
        api::Api::openapi()
    },
    nav: &[NavEntry {
        menu: Menu::BackOffice,
        href: pages::BASE,
        label: "nav.plan",
        order: 95,
        shown: |p| p.is_some_and(|p| p.may(egov_identity::Action::ReadPlan)),
    }],
    messages: &[messages::MESSAGES],
    migrations: egov_store::plan::MIGRATIONS,
    jobs: &[egov_app::plan::KEEP_READINGS],
    passthrough: None,
    lean: &[],
};

fn routes() -> Router<AppState> {
    api::routes().merge(pages::routes()).merge(report::routes())
}

/// An indicator's name in the language.
pub(crate) fn name(lang: Lang, i: &KeptIndicator) -> &str {
    if lang == Lang::En {
        &i.i.name_en
    } else {
        &i.i.name_vi
    }
}

pub(crate) fn verdict_key(v: Verdict) -> &'static str {
    match v {
        Verdict::Exceeded => "plan.verdict.exceeded",
        Verdict::Met => "plan.verdict.met",
        Verdict::OnTrack => "plan.verdict.on_track",
        Verdict::AtRisk => "plan.verdict.at_risk",
        Verdict::Missed => "plan.verdict.missed",
        Verdict::NoValue => "plan.verdict.no_value",
    }
}

pub(crate) fn direction_key(d: egov_plan::Direction) -> &'static str {
    match d {
        egov_plan::Direction::AtLeast => "plan.direction.at_least",
        egov_plan::Direction::AtMost => "plan.direction.at_most",
        egov_plan::Direction::Exactly => "plan.direction.exactly",
    }
}

/// Where the value comes from, in words.
pub(crate) fn source_words(lang: Lang, s: Source) -> String {
    match s {
        Source::Reported => t(lang, "plan.source.reported").to_string(),
        Source::Measured(m) => {
            let (vi, en) = m.names();
            format!("{}: {}", t(lang, "plan.source.measured"), if lang == Lang::En { en } else { vi })
        }
    }
}

/// A figure as people read it: whole numbers bare, others to two decimals.
pub(crate) fn figure(v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(x) if (x - x.round()).abs() < 1e-9 => format!("{}", x.round() as i64),
        Some(x) => {
            let s = format!("{x:.2}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
    }
}

/// A target with its direction ("≥ 80").
pub(crate) fn target_words(lang: Lang, d: egov_plan::Direction, target: f64) -> String {
    format!("{} {}", t(lang, direction_key(d)), figure(Some(target)))
}
