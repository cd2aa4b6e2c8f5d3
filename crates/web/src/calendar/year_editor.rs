//! A year's announced schedule as a form: one row per day off and per
//! make-up working day (a date picker and its names in both languages),
//! rows added without JavaScript, a preview of the year before it is saved.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use chrono::{Datelike, NaiveDate};
use egov_calendar::{holidays, Announcement, Calendar, NamedDay};
use egov_i18n::{t, Lang};
use egov_identity::Action;

use crate::ctx::Ctx;
use crate::views::{or_login, render, Layout, SummaryItem};
use crate::{AppState, WebError};

pub fn routes() -> Router<AppState> {
    Router::new().route("/quan-tri/lich/{year}", get(edit_year).post(save_year))
}

/// Blank rows offered under each list, and added by "more rows".
const BLANK_ROWS: usize = 3;

/// One row of a list as typed.
#[derive(Debug, Clone, Default)]
pub struct DayRow {
    pub date: String,
    pub vi: String,
    pub en: String,
    pub error: Option<String>,
}

/// A list of rows: the days off, or the make-up days.
pub struct DayList {
    /// `off` or `work`: the rows' input names begin with it.
    pub prefix: &'static str,
    pub legend: &'static str,
    pub rows: Vec<DayRow>,
}

/// A day of the preview.
pub struct PreviewDay {
    pub date: String,
    pub weekday: &'static str,
    pub name: String,
}

pub struct Preview {
    pub days_off: Vec<PreviewDay>,
    pub make_up: Vec<PreviewDay>,
    /// Working days in the year with this schedule.
    pub working_days: i64,
}

#[derive(Template)]
#[template(path = "calendar/admin/calendar_edit.html")]
struct EditYearPage {
    layout: Layout,
    year: i32,
    announced: bool,
    saved: bool,
    lists: Vec<DayList>,
    source: String,
    summary: Vec<SummaryItem>,
    preview: Option<Preview>,
}

fn manager(ctx: &Ctx) -> Result<(), WebError> {
    if ctx.principal()?.may(Action::ManageCalendar) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

fn year_of(s: &str) -> Result<i32, WebError> {
    s.parse::<i32>()
        .ok()
        .filter(|y| (egov_calendar::FIRST_YEAR..=egov_calendar::LAST_YEAR).contains(y))
        .ok_or(WebError::NotFound)
}

fn rows(days: &[NamedDay], blanks: usize) -> Vec<DayRow> {
    days.iter()
        .map(|d| DayRow { date: d.date.format("%Y-%m-%d").to_string(), vi: d.name_vi.clone(), en: d.name_en.clone(), error: None })
        .chain((0..blanks).map(|_| DayRow::default()))
        .collect()
}

fn lists(off: Vec<DayRow>, work: Vec<DayRow>) -> Vec<DayList> {
    vec![
        DayList { prefix: "off", legend: "cal.days_off_all", rows: off },
        DayList { prefix: "work", legend: "cal.makeup", rows: work },
    ]
}

async fn page(state: &AppState, ctx: &Ctx, year: i32, body: PageBody, status: StatusCode) -> Result<Response, WebError> {
    let announced = state.store.announcements().await?.iter().any(|x| x.year == year);
    let mut summary = Vec::new();
    for l in &body.lists {
        for (i, r) in l.rows.iter().enumerate() {
            if let Some(e) = &r.error {
                let label = format!("{} {}", t(ctx.lang, "cal.line"), i + 1);
                summary.push(SummaryItem::new(&format!("{}{i}_date", l.prefix), &format!("{}, {label}", t(ctx.lang, l.legend)), e));
            }
        }
    }
    let title = format!("{} {year}", t(ctx.lang, "cal.admin.edit"));
    let page = EditYearPage {
        layout: Layout::titled(ctx, crate::views::error_title(ctx.lang, !summary.is_empty(), title)),
        year,
        announced,
        saved: ctx.query.contains("saved=1"),
        lists: body.lists,
        source: body.source,
        summary,
        preview: body.preview,
    };
    Ok(render(status, &page))
}

struct PageBody {
    lists: Vec<DayList>,
    source: String,
    preview: Option<Preview>,
}

async fn edit_year(State(state): State<AppState>, ctx: Ctx, Path(year): Path<String>) -> Response {
    let r = async {
        manager(&ctx)?;
        let year = year_of(&year)?;
        let existing = state.store.announcements().await?.into_iter().find(|a| a.year == year);
        let (off, work, source) = match existing {
            Some(a) => (a.days_off, a.working_days, a.source),
            None => (holidays::rule_days_off(year), Vec::new(), String::new()),
        };
        let body =
            PageBody { lists: lists(rows(&off, BLANK_ROWS), rows(&work, BLANK_ROWS)), source, preview: None };
        page(&state, &ctx, year, body, StatusCode::OK).await
    }
    .await;
    or_login(&ctx, r)
}

/// The rows of one list as sent: `<prefix><i>_date`, `_vi`, `_en`.
fn sent_rows(pairs: &[(String, String)], prefix: &str) -> Vec<DayRow> {
    let get = |k: String| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    let count = pairs
        .iter()
        .filter_map(|(k, _)| k.strip_prefix(prefix)?.split_once('_')?.0.parse::<usize>().ok())
        .map(|i| i + 1)
        .max()
        .unwrap_or(0)
        .min(400);
    (0..count)
        .map(|i| DayRow {
            date: get(format!("{prefix}{i}_date")),
            vi: get(format!("{prefix}{i}_vi")),
            en: get(format!("{prefix}{i}_en")),
            error: None,
        })
        .collect()
}

/// The named days of rows with a date; an unreadable date or a dated row
/// without a Vietnamese name is marked on its row.
fn named_days(rows: &mut [DayRow], lang: Lang) -> Vec<NamedDay> {
    let mut out = Vec::new();
    for r in rows.iter_mut().filter(|r| !(r.date.is_empty() && r.vi.is_empty() && r.en.is_empty())) {
        match NaiveDate::parse_from_str(&r.date, "%Y-%m-%d") {
            Ok(date) if !r.vi.is_empty() => {
                let en = if r.en.is_empty() { r.vi.clone() } else { r.en.clone() };
                out.push(NamedDay::new(date, &r.vi, &en));
            }
            Ok(_) => r.error = Some(t(lang, "err.cal.no_name").to_string()),
            Err(_) => r.error = Some(t(lang, "err.date").to_string()),
        }
    }
    out
}

fn schedule_error(lang: Lang, e: &egov_calendar::ScheduleError) -> (Option<NaiveDate>, String) {
    use egov_calendar::ScheduleError::*;
    match e {
        WrongYear { date, .. } => (Some(*date), t(lang, "err.cal.wrong_year").into()),
        Twice(date) => (Some(*date), t(lang, "err.cal.twice").into()),
        WorkingWeekday(date) => (Some(*date), t(lang, "err.cal.weekday").into()),
        NoName(date) => (Some(*date), t(lang, "err.cal.no_name").into()),
        Year(_) => (None, t(lang, "err.calendar.range").into()),
    }
}

const WEEKDAYS: [&str; 7] = ["cal.day.mon", "cal.day.tue", "cal.day.wed", "cal.day.thu", "cal.day.fri", "cal.day.sat", "cal.day.sun"];

fn preview(a: &Announcement, hours: egov_calendar::WorkingHours, lang: Lang) -> Preview {
    let cal = Calendar::new(std::slice::from_ref(a), hours);
    let day = |d: &NamedDay| PreviewDay {
        date: d.date.format("%d/%m/%Y").to_string(),
        weekday: t(lang, WEEKDAYS[d.date.weekday().num_days_from_monday() as usize]),
        name: if lang == Lang::En { d.name_en.clone() } else { d.name_vi.clone() },
    };
    let mut off: Vec<&NamedDay> = a.days_off.iter().collect();
    off.sort_by_key(|d| d.date);
    let mut work: Vec<&NamedDay> = a.working_days.iter().collect();
    work.sort_by_key(|d| d.date);
    let from = NaiveDate::from_ymd_opt(a.year, 1, 1).unwrap_or_default();
    let to = NaiveDate::from_ymd_opt(a.year + 1, 1, 1).unwrap_or_default();
    Preview {
        days_off: off.into_iter().map(day).collect(),
        make_up: work.into_iter().map(day).collect(),
        working_days: cal.working_days_between(from, to).unwrap_or(0),
    }
}

async fn save_year(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let r = async {
        let field = |n: &str| pairs.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()).unwrap_or_default();
        ctx.check_csrf(&field("csrf"))?;
        manager(&ctx)?;
        let year = year_of(&year)?;
        let (mut off, mut work) = (sent_rows(&pairs, "off"), sent_rows(&pairs, "work"));
        let days_off = named_days(&mut off, ctx.lang);
        let working_days = named_days(&mut work, ctx.lang);
        let source: String = field("source").trim().chars().take(300).collect();
        let a = Announcement { year, days_off, working_days, source: source.clone() };
        let mut ok = off.iter().chain(&work).all(|r| r.error.is_none());
        if ok {
            if let Err(errs) = a.validate() {
                ok = false;
                for e in errs {
                    let (date, text) = schedule_error(ctx.lang, &e);
                    let at = date.map(|d| d.format("%Y-%m-%d").to_string());
                    let on = |rows: &[DayRow]| rows.iter().position(|r| Some(&r.date) == at.as_ref());
                    let row = match (on(&off), on(&work)) {
                        (Some(i), _) => off.get_mut(i),
                        (None, Some(i)) => work.get_mut(i),
                        (None, None) => off.first_mut(),
                    };
                    match row {
                        Some(r) => r.error = Some(text),
                        None => off.push(DayRow { error: Some(text), ..DayRow::default() }),
                    }
                }
            }
        }
        let more = pairs.iter().any(|(k, _)| k == "more");
        let wants_preview = pairs.iter().any(|(k, _)| k == "preview");
        if ok && !more && !wants_preview {
            egov_app::calendar::save_announcement(&state.app, egov_app::Actor::User(ctx.principal()?), &a).await?;
            return Ok(Redirect::to(&format!("/quan-tri/lich/{year}?saved=1")).into_response());
        }
        // shown again: what was typed, blank rows to add more, the preview asked for
        let blanks = |rows: &mut Vec<DayRow>| {
            let have = rows.iter().rev().take_while(|r| r.date.is_empty() && r.vi.is_empty() && r.error.is_none()).count();
            let want = if more { have + BLANK_ROWS } else { have.max(BLANK_ROWS) };
            rows.extend((have..want).map(|_| DayRow::default()));
        };
        blanks(&mut off);
        blanks(&mut work);
        let hours = state.calendar.get().1.hours().clone();
        let preview = (ok && wants_preview).then(|| preview(&a, hours, ctx.lang));
        let status = if ok { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
        page(&state, &ctx, year, PageBody { lists: lists(off, work), source, preview }, status).await
    }
    .await;
    or_login(&ctx, r)
}
