//! The working-day calendar over HTTP: the public year calendar, the
//! back-office announcement editor, and `/api/v1/calendar/…`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Json, Router};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use egov_calendar::{holidays, lunar, LunarDate, LunarError, NamedDay, Span};
use egov_i18n::{t, Lang};
use egov_identity::Action;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ctx::Ctx;
use crate::error::problem_response;
use crate::views::or_login;
use crate::views::{render, FormState, Layout};
use crate::{AppState, WebError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/lich", get(year_page))
        .route("/quan-tri/lich", get(admin_years).post(save_hours))
        .route("/api/v1/calendar/lunar", get(api_lunar))
        .route("/api/v1/calendar/solar", get(api_solar))
        .route("/api/v1/calendar/holidays/{year}", get(api_holidays))
        .route("/api/v1/calendar/due", get(api_due))
        .route("/api/v1/calendar/working-days", get(api_working_days))
}

fn lunar_error_key(e: &LunarError) -> &'static str {
    match e {
        LunarError::Format(_) => "err.lunar.format",
        LunarError::OutOfRange(_) => "err.calendar.range",
        LunarError::Month(_) => "err.lunar.month",
        LunarError::Day(_) => "err.lunar.day",
        LunarError::NoLeap { .. } => "err.lunar.no_leap",
        LunarError::ShortMonth { .. } => "err.lunar.short",
    }
}

fn bad(ctx: &Ctx, key: &'static str, detail: String) -> Response {
    problem_response(StatusCode::BAD_REQUEST, t(ctx.lang, key), Some(detail), Vec::new())
}

/// A time "YYYY-MM-DD HH:MM" as typed: one not written so is `err.datetime`
/// (400); one written so that does not exist (31 June, 24:00) is
/// `err.no_such_time` (422).
pub(crate) fn parse_minute(s: &str) -> Result<NaiveDateTime, WebError> {
    let s = s.trim();
    if let Ok(t) = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M") {
        return Ok(t);
    }
    let shaped = s.len() == 16
        && s.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            10 => b == b' ',
            13 => b == b':',
            _ => b.is_ascii_digit(),
        });
    Err(if shaped { WebError::unacceptable("err.no_such_time", s) } else { WebError::malformed("err.datetime", s) })
}

/// Well formed, but against a rule the parameters' schema cannot say.
fn unprocessable(ctx: &Ctx, key: &'static str, detail: String) -> Response {
    problem_response(StatusCode::UNPROCESSABLE_ENTITY, t(ctx.lang, key), Some(detail), Vec::new())
}

fn in_range(y: i32) -> bool {
    (egov_calendar::FIRST_YEAR..=egov_calendar::LAST_YEAR).contains(&y)
}

#[derive(Serialize, ToSchema)]
pub struct LunarView {
    /// The solar date, YYYY-MM-DD.
    date: String,
    /// The lunar date, D/M/YYYY (with " leap" in a leap month).
    lunar: String,
    year: i32,
    month: u32,
    day: u32,
    leap: bool,
}

fn lunar_view(date: NaiveDate, l: LunarDate) -> LunarView {
    LunarView {
        date: date.format("%Y-%m-%d").to_string(),
        lunar: l.to_string(),
        year: l.year,
        month: l.month,
        day: l.day,
        leap: l.leap,
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LunarParam {
    /// A solar date, YYYY-MM-DD, 1900–2100.
    #[param(pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", format = Date)]
    date: String,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SolarParam {
    /// A lunar date, D/M/YYYY (day 1–30, month 1–12), lunar years 1900–2099.
    #[param(pattern = r"^([1-9]|[12][0-9]|30)/([1-9]|1[0-2])/(19[0-9]{2}|20[0-9]{2})$")]
    date: String,
    /// The date is in the leap month (which only some years have).
    #[serde(default)]
    #[param(required = false)]
    leap: Option<bool>,
}

/// The lunar date of a solar date.
#[utoipa::path(get, path = "/api/v1/calendar/lunar", params(LunarParam), responses((status = 200, body = LunarView), (status = 400, body = crate::error::Problem)))]
pub async fn api_lunar(ctx: Ctx, Query(p): Query<LunarParam>) -> Response {
    let Ok(d) = NaiveDate::parse_from_str(p.date.trim(), "%Y-%m-%d") else {
        return bad(&ctx, "err.date", format!("'{}'", p.date));
    };
    match lunar::to_lunar(d) {
        Ok(l) => Json(lunar_view(d, l)).into_response(),
        Err(e) => bad(&ctx, lunar_error_key(&e), e.to_string()),
    }
}

/// The solar date of a lunar date.
#[utoipa::path(get, path = "/api/v1/calendar/solar", params(SolarParam), responses((status = 200, body = LunarView), (status = 400, body = crate::error::Problem), (status = 422, body = crate::error::Problem, description = "no such lunar day: a month of 29 days, a leap month the year does not have")))]
pub async fn api_solar(ctx: Ctx, Query(p): Query<SolarParam>) -> Response {
    let r = LunarDate::parse(&p.date, p.leap.unwrap_or(false)).and_then(|l| lunar::to_solar(l).map(|d| (d, l)));
    match r {
        Ok((d, l)) => Json(lunar_view(d, l)).into_response(),
        Err(
            e @ (egov_calendar::LunarError::Format(_)
            | egov_calendar::LunarError::Month(_)
            | egov_calendar::LunarError::Day(_)),
        ) => bad(&ctx, lunar_error_key(&e), e.to_string()),
        // well written, but no such day: 422
        Err(e) => unprocessable(&ctx, lunar_error_key(&e), e.to_string()),
    }
}

#[derive(Serialize, ToSchema)]
pub struct DayView {
    date: String,
    name_vi: String,
    name_en: String,
}

fn day_view(n: &NamedDay) -> DayView {
    DayView { date: n.date.format("%Y-%m-%d").to_string(), name_vi: n.name_vi.clone(), name_en: n.name_en.clone() }
}

#[derive(Serialize, ToSchema)]
pub struct HolidaysView {
    year: i32,
    /// Whether an announcement replaces the rule for this year.
    announced: bool,
    /// Days off that fall on a weekday.
    days_off: Vec<DayView>,
    /// Weekend days worked in exchange.
    working_days: Vec<DayView>,
}

/// The days off of a year (announced, else by rule) that fall on weekdays.
#[utoipa::path(get, path = "/api/v1/calendar/holidays/{year}", params(("year" = i32, Path, minimum = 1900, maximum = 2100)), responses((status = 200, body = HolidaysView), (status = 400, body = crate::error::Problem)))]
pub async fn api_holidays(State(state): State<AppState>, ctx: Ctx, Path(year): Path<String>) -> Response {
    let year = match year.parse::<i32>() {
        Ok(y) if in_range(y) => y,
        _ => return bad(&ctx, "err.calendar.range", year),
    };
    let snap = state.calendar.get();
    let cal = &snap.1;
    let announced = state.store.announcements().await.map(|l| l.iter().any(|a| a.year == year)).unwrap_or(false);
    Json(HolidaysView {
        year,
        announced,
        days_off: cal.weekday_days_off(year).into_iter().map(day_view).collect(),
        working_days: cal.make_up_days(year).into_iter().map(day_view).collect(),
    })
    .into_response()
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DueParams {
    /// The receipt time, "YYYY-MM-DD HH:MM", 1900–2100.
    #[param(
        pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]) ([01][0-9]|2[0-3]):[0-5][0-9]$"
    )]
    from: String,
    /// Processing time in working days (0–3650)… — exactly one of `days` and `hours`.
    #[param(required = false, minimum = 0, maximum = 3650)]
    days: Option<u32>,
    /// …or in working hours (0–29200).
    #[param(required = false, minimum = 0, maximum = 29200)]
    hours: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct DueView {
    from: String,
    /// When the clock starts (after the afternoon cut-off: the next working day).
    clock_start: String,
    due: String,
}

/// The due time of a dossier received at `from` with a processing time in working days or hours.
#[utoipa::path(get, path = "/api/v1/calendar/due", params(DueParams), responses((status = 200, body = DueView), (status = 400, body = crate::error::Problem), (status = 422, body = crate::error::Problem, description = "not exactly one of `days` and `hours`, or a due time past the calendar's last year")))]
pub async fn api_due(State(state): State<AppState>, ctx: Ctx, Query(p): Query<DueParams>) -> Response {
    let at = match parse_minute(&p.from) {
        Ok(at) => at,
        Err(e) => return e.problem(ctx.lang),
    };
    let span = match (p.days, p.hours) {
        (Some(d), None) if d <= 3650 => Span::WorkingDays(d),
        (None, Some(h)) if h <= 29200 => Span::WorkingHours(h),
        (Some(_), None) | (None, Some(_)) => {
            return bad(&ctx, "err.calendar.span", "days ≤ 3650, hours ≤ 29200".into())
        }
        // each parameter well formed, but not exactly one of them
        _ => return unprocessable(&ctx, "err.calendar.span", "days=N or hours=N".into()),
    };
    let snap = state.calendar.get();
    let cal = &snap.1;
    let fmt = |d: NaiveDateTime| d.format("%Y-%m-%d %H:%M").to_string();
    match (cal.clock_start(at), cal.due(at, span)) {
        (Ok(start), Ok(due)) => Json(DueView { from: fmt(at), clock_start: fmt(start), due: fmt(due) }).into_response(),
        (Err(e), _) | (_, Err(e)) => unprocessable(&ctx, "err.calendar.range", e.to_string()),
    }
}

pub struct Cell {
    pub day: u32,
    pub lunar: String,
    pub off: Option<String>,
    pub makeup: Option<String>,
    pub weekend: bool,
}

pub struct MonthView {
    pub title: String,
    pub weeks: Vec<Vec<Option<Cell>>>,
}

#[derive(Template)]
#[template(path = "calendar/calendar.html")]
struct YearPage {
    layout: Layout,
    year: i32,
    prev: i32,
    next: i32,
    months: Vec<MonthView>,
    weekdays: Vec<&'static str>,
    days_off: Vec<(String, String)>,
    makeup: Vec<(String, String)>,
}

#[derive(Deserialize)]
pub struct YearParam {
    year: Option<String>,
}

fn name(lang: Lang, n: &NamedDay) -> String {
    if lang == Lang::En {
        n.name_en.clone()
    } else {
        n.name_vi.clone()
    }
}

async fn year_page(State(state): State<AppState>, ctx: Ctx, Query(p): Query<YearParam>) -> Response {
    let this_year = state.now().year();
    let year = match p.year.as_deref().map(str::parse::<i32>) {
        None => this_year,
        Some(Ok(y)) if in_range(y) => y,
        Some(_) => return WebError::BadRequest("year".into()).into_response(),
    };
    let snap = state.calendar.get();
    let cal = &snap.1;
    let lang = ctx.lang;
    let mut months = Vec::new();
    for m in 1..=12u32 {
        let first = NaiveDate::from_ymd_opt(year, m, 1).unwrap_or_default();
        let mut weeks = Vec::new();
        let mut week: Vec<Option<Cell>> = (0..first.weekday().num_days_from_monday()).map(|_| None).collect();
        let mut d = first;
        while d.month() == m {
            let l = lunar::to_lunar(d).ok();
            let lunar = match l {
                Some(l) if l.day == 1 => format!("{}/{}{}", l.day, l.month, if l.leap { "N" } else { "" }),
                Some(l) => l.day.to_string(),
                None => String::new(),
            };
            let named = cal.name_of(d);
            let working = cal.is_working_day(d).unwrap_or(false);
            week.push(Some(Cell {
                day: d.day(),
                lunar,
                off: named.filter(|_| !working).map(|n| name(lang, n)),
                makeup: named.filter(|_| working && holidays::is_weekend(d)).map(|n| name(lang, n)),
                weekend: holidays::is_weekend(d),
            }));
            if week.len() == 7 {
                weeks.push(std::mem::take(&mut week));
            }
            d = match d.succ_opt() {
                Some(n) => n,
                None => break,
            };
        }
        if !week.is_empty() {
            while week.len() < 7 {
                week.push(None);
            }
            weeks.push(week);
        }
        months.push(MonthView { title: format!("{} {m}", t(lang, "cal.month")), weeks });
    }
    let fmt = |n: &NamedDay| (n.date.format("%d/%m/%Y").to_string(), name(lang, n));
    let page = YearPage {
        layout: Layout::titled(&ctx, format!("{} {year}", t(lang, "cal.title"))),
        year,
        prev: (year - 1).max(egov_calendar::FIRST_YEAR),
        next: (year + 1).min(egov_calendar::LAST_YEAR),
        months,
        weekdays: ["cal.mon", "cal.tue", "cal.wed", "cal.thu", "cal.fri", "cal.sat", "cal.sun"]
            .iter()
            .map(|k| t(lang, k))
            .collect(),
        days_off: cal.weekday_days_off(year).into_iter().map(fmt).collect(),
        makeup: cal.make_up_days(year).into_iter().map(fmt).collect(),
    };
    render(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "calendar/admin/calendar_years.html")]
struct YearsPage {
    layout: Layout,
    years: Vec<(i32, bool)>,
    form: FormState,
    weekdays: Vec<(String, &'static str)>,
    saved: bool,
}

const DAY_KEYS: [&str; 7] = ["cal.mon", "cal.tue", "cal.wed", "cal.thu", "cal.fri", "cal.sat", "cal.sun"];

async fn years_page(state: &AppState, ctx: &Ctx, form: FormState, status: StatusCode) -> Result<Response, WebError> {
    let announced: Vec<i32> = state.store.announcements().await?.iter().map(|a| a.year).collect();
    let now = state.now().year();
    let mut years: Vec<i32> = (now - 1..=now + 2).chain(announced.iter().copied()).collect();
    years.sort();
    years.dedup();
    let years = years.into_iter().map(|y| (y, announced.contains(&y))).collect();
    let weekdays = DAY_KEYS.iter().enumerate().map(|(i, k)| (format!("shifts_{i}"), t(ctx.lang, k))).collect();
    let page = YearsPage {
        layout: Layout::new(ctx, "cal.admin.title"),
        years,
        form,
        weekdays,
        saved: ctx.query.contains("saved=1"),
    };
    Ok(render(status, &page))
}

fn manager(ctx: &Ctx) -> Result<(), WebError> {
    let p = ctx.principal()?;
    if p.may(Action::ManageCalendar) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

async fn admin_years(State(state): State<AppState>, ctx: Ctx) -> Response {
    let r = async {
        manager(&ctx)?;
        let h = state.store.working_hours().await?;
        let mut form = FormState::default();
        for (i, day) in h.shifts.iter().enumerate() {
            form.values.insert(format!("shifts_{i}"), egov_calendar::Shift::format_list(day));
        }
        form.values.insert("cutoff".into(), h.cutoff_text());
        form.values.insert("day_hours".into(), format!("{}", f64::from(h.day_minutes) / 60.0));
        years_page(&state, &ctx, form, StatusCode::OK).await
    }
    .await;
    or_login(&ctx, r)
}

async fn save_hours(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<std::collections::HashMap<String, String>>,
) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        manager(&ctx)?;
        let mut form = FormState { values: f.clone(), ..Default::default() };
        form.values.remove("csrf");
        let mut hours = egov_calendar::WorkingHours::default();
        for i in 0..7 {
            let name = format!("shifts_{i}");
            match egov_calendar::Shift::parse_list(form.v(&name)) {
                Some(list) => hours.shifts[i] = list,
                None => form.add(&name, ctx.lang, "err.cal.shifts"),
            }
        }
        match egov_calendar::parse_hhmm(form.v("cutoff")) {
            Some(m) => hours.cutoff = m,
            None => form.add("cutoff", ctx.lang, "err.cal.time"),
        }
        match form.v("day_hours").trim().replace(',', ".").parse::<f64>() {
            Ok(h) if h > 0.0 && h <= 24.0 => hours.day_minutes = (h * 60.0).round() as u32,
            _ => form.add("day_hours", ctx.lang, "err.number"),
        }
        if !form.has_errors() && hours.validate().is_err() {
            form.add("shifts_0", ctx.lang, "err.cal.shifts");
        }
        if form.has_errors() {
            return years_page(&state, &ctx, form, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        egov_app::calendar::set_working_hours(&state.app, egov_app::Actor::User(ctx.principal()?), &hours).await?;
        Ok(Redirect::to("/quan-tri/lich?saved=1").into_response())
    }
    .await;
    or_login(&ctx, r)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeParams {
    /// First day, YYYY-MM-DD (counted), 1900–2100.
    #[param(pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", format = Date)]
    from: String,
    /// Last day, YYYY-MM-DD (not counted), 1900–2100.
    #[param(pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", format = Date)]
    to: String,
}

#[derive(Serialize, ToSchema)]
pub struct WorkingDaysView {
    from: String,
    to: String,
    /// Working days in [from, to); negative when `to` is before `from`.
    working_days: i64,
}

/// The number of working days from one date (counted) to another (not counted).
#[utoipa::path(get, path = "/api/v1/calendar/working-days", params(RangeParams), responses((status = 200, body = WorkingDaysView), (status = 400, body = crate::error::Problem)))]
pub async fn api_working_days(State(state): State<AppState>, ctx: Ctx, Query(p): Query<RangeParams>) -> Response {
    let parse = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let (Some(a), Some(b)) = (parse(&p.from), parse(&p.to)) else {
        return bad(&ctx, "err.date", format!("'{}', '{}'", p.from, p.to));
    };
    match state.calendar.get().1.working_days_between(a, b) {
        Ok(n) => Json(WorkingDaysView { from: p.from.trim().into(), to: p.to.trim().into(), working_days: n })
            .into_response(),
        Err(e) => bad(&ctx, "err.calendar.range", e.to_string()),
    }
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(api_lunar, api_solar, api_holidays, api_due, api_working_days),
    components(schemas(LunarView, HolidaysView, DayView, DueView, WorkingDaysView))
)]
pub(crate) struct Api;
