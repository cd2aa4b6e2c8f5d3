//! The newsroom's pages, `/quan-tri/tin-tuc`: an agency's articles (every
//! agency's for a system administrator) by state; writing one, or the
//! other language's version of one, with its featured image uploaded on
//! the same form (kept when the form comes back with errors); an
//! article's page with the steps the reader's desk may take, featuring it
//! on the home page, and its revisions, any two compared.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use egov_app::news as na;
use egov_app::{Actor, AppError};
use egov_i18n::t;
use egov_identity::Principal;
use egov_news::{compare, ArticleInput, Desk, Language, Step};
use egov_store::news::Article;

use crate::ctx::Ctx;
use crate::views::{error_title, or_login, render, FormState, Layout, SummaryItem};
use crate::{AppState, WebError};

fn writer(ctx: &Ctx) -> Result<&Principal, WebError> {
    let p = ctx.principal()?;
    if na::may_write(Actor::User(p)) {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

fn state_key(s: egov_news::State) -> &'static str {
    match s {
        egov_news::State::Draft => "news.state.draft",
        egov_news::State::Review => "news.state.review",
        egov_news::State::Approved => "news.state.approved",
        egov_news::State::Published => "news.state.published",
        egov_news::State::Unpublished => "news.state.unpublished",
    }
}

pub struct Row {
    pub id: i64,
    pub title: String,
    pub language: &'static str,
    pub state: &'static str,
    pub updated: String,
    pub shown: bool,
}

#[derive(Template)]
#[template(path = "news/desk_list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
    chosen: String,
    states: Vec<(&'static str, &'static str)>,
}

async fn list(State(state): State<AppState>, ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Response {
    let r = async {
        let p = writer(&ctx)?;
        let chosen = q.get("trang-thai").filter(|s| egov_news::State::parse(s).is_some()).cloned().unwrap_or_default();
        let list = na::articles(&state.app, Actor::User(p)).await?;
        let rows = list
            .iter()
            .filter(|a| chosen.is_empty() || a.state.as_str() == chosen)
            .map(|a| Row {
                id: a.id,
                title: a.a.title.clone(),
                language: if a.a.language == Language::En { "news.lang.en" } else { "news.lang.vi" },
                state: state_key(a.state),
                updated: super::public::when(Some(a.updated_at)),
                shown: na::shown_now(&state.app, a),
            })
            .collect();
        let states = egov_news::State::ALL.iter().map(|s| (s.as_str(), state_key(*s))).collect();
        Ok(render(StatusCode::OK, &ListPage { layout: Layout::new(&ctx, "news.desk"), rows, chosen, states }))
    }
    .await;
    or_login(&ctx, r)
}

/// An article as its page shows it beside the form.
pub struct Shown {
    pub id: i64,
    pub state: &'static str,
    pub note: String,
    pub publish_at: String,
    pub unpublish_at: String,
    pub reason: String,
    pub url: String,
    pub shown: bool,
    pub featured: bool,
    pub translation: Option<i64>,
    pub language: &'static str,
}

#[derive(Template)]
#[template(path = "news/desk_article.html")]
struct ArticlePage {
    layout: Layout,
    /// The article, once it exists.
    article: Option<Shown>,
    form: FormState,
    summary: Vec<SummaryItem>,
    editable: bool,
    categories: Vec<(String, String)>,
    /// The uploaded image kept with the form: its id and smallest size.
    image: Option<(i64, String)>,
    translation_of: String,
    steps: Vec<&'static str>,
    step_form: FormState,
    step_summary: Vec<SummaryItem>,
    publisher: bool,
    /// (number, who, when)
    revisions: Vec<(i64, String, String)>,
    now: String,
}

fn input_of(f: &HashMap<String, String>, image: Option<i64>) -> ArticleInput {
    let v = |k: &str| f.get(k).cloned().unwrap_or_default();
    ArticleInput {
        language: v("language"),
        title: v("title"),
        summary: v("summary"),
        body: v("body"),
        category: v("category"),
        tags: v("tags"),
        image_alt: v("image_alt"),
        image,
    }
}

fn form_of(a: &Article) -> FormState {
    let mut form = FormState::default();
    for (k, v) in [
        ("language", a.a.language.as_str().to_string()),
        ("title", a.a.title.clone()),
        ("summary", a.a.summary.clone()),
        ("body", a.a.body.clone()),
        ("category", a.a.category.clone()),
        ("tags", a.a.tags.join(", ")),
        ("image_alt", a.a.image_alt.clone()),
    ] {
        form.values.insert(k.into(), v);
    }
    form
}

const LABELS: [(&str, &str); 9] = [
    ("language", "news.f.language"),
    ("title", "news.f.title"),
    ("summary", "news.f.summary"),
    ("body", "news.f.body"),
    ("category", "news.category"),
    ("tags", "news.f.tags"),
    ("image", "news.f.image"),
    ("image_alt", "news.f.image_alt"),
    ("translation_of", "news.f.translation_of"),
];

fn summary_of(ctx: &Ctx, form: &FormState, labels: &[(&str, &'static str)]) -> Vec<SummaryItem> {
    form.errors
        .iter()
        .map(|(field, problem)| {
            let label = labels.iter().find(|(f, _)| f == field).map_or(field.as_str(), |(_, k)| t(ctx.lang, k));
            SummaryItem::new(field, label, problem)
        })
        .collect()
}

struct Draft {
    form: FormState,
    image: Option<i64>,
    translation_of: Option<i64>,
    step_form: FormState,
}

async fn page(state: &AppState, ctx: &Ctx, p: &Principal, id: Option<i64>, mut d: Draft, status: StatusCode) -> Result<Response, WebError> {
    let categories = super::public::category_names(state, ctx.lang).await?;
    let (article, editable, steps, publisher, revisions, mut form) = match id {
        Some(id) => {
            let (a, desk) = na::article(&state.app, Actor::User(p), id).await?;
            let revisions = state
                .store
                .news_revisions(id)
                .await?
                .into_iter()
                .rev()
                .map(|r| (r.n, r.saved_by, super::public::when(Some(r.saved_at))))
                .collect();
            let editable = !matches!(a.state, egov_news::State::Published | egov_news::State::Unpublished);
            let form = if d.form.values.is_empty() { form_of(&a) } else { std::mem::take(&mut d.form) };
            let shown = Shown {
                id,
                state: state_key(a.state),
                note: a.note.clone(),
                publish_at: super::public::when(a.publish_at),
                unpublish_at: super::public::when(a.unpublish_at),
                reason: a.unpublish_reason.clone(),
                url: super::api::url_of(&a),
                shown: na::shown_now(&state.app, &a),
                featured: a.featured,
                translation: a.translation_id,
                language: a.a.language.other().as_str(),
            };
            (Some(shown), editable, egov_news::open_steps(a.state, desk), desk == Desk::Publisher, revisions, form)
        }
        None => (None, true, Vec::new(), false, Vec::new(), std::mem::take(&mut d.form)),
    };
    let image_id = d.image.or_else(|| form.values.get("image_id").and_then(|i| i.parse().ok()));
    let image = match image_id {
        Some(i) => state.store.news_image(i).await?.and_then(|img| img.sizes.first().map(|s| (i, format!("/tin-tuc/anh/{i}/{}.jpg", s.width)))),
        None => None,
    };
    if let Some((i, _)) = &image {
        form.values.insert("image_id".into(), i.to_string());
    }
    let title = match &article {
        Some(_) => form.v("title").to_string(),
        None => t(ctx.lang, "news.write").to_string(),
    };
    let summary = summary_of(ctx, &form, &LABELS);
    let step_summary = summary_of(ctx, &d.step_form, &[("note", "news.f.note"), ("reason", "news.f.reason"), ("at", "news.f.at")]);
    let layout = Layout::titled(ctx, error_title(ctx.lang, form.has_errors() || d.step_form.has_errors(), title));
    let page = ArticlePage {
        layout,
        article,
        summary,
        editable,
        categories,
        image,
        translation_of: d.translation_of.map(|t| t.to_string()).unwrap_or_default(),
        steps,
        step_summary,
        step_form: d.step_form,
        publisher,
        revisions,
        now: state.app.now().format("%Y-%m-%dT%H:%M").to_string(),
        form,
    };
    Ok(render(status, &page))
}

async fn new_form(State(state): State<AppState>, ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Response {
    let r = async {
        let p = writer(&ctx)?;
        let mut form = FormState::default();
        let translation_of = q.get("ban-dich-cua").and_then(|i| i.parse::<i64>().ok());
        if let Some(o) = translation_of {
            let (a, _) = na::article(&state.app, Actor::User(p), o).await?;
            form.values.insert("language".into(), a.a.language.other().as_str().into());
            form.values.insert("category".into(), a.a.category.clone());
        } else {
            form.values.insert("language".into(), super::public::language_of(ctx.lang).as_str().into());
        }
        let d = Draft { form, image: None, translation_of, step_form: FormState::default() };
        page(&state, &ctx, p, None, d, StatusCode::OK).await
    }
    .await;
    or_login(&ctx, r)
}

/// Reads the article form (multipart: it may carry the image), uploads the
/// image if one came, and saves: a new article (`id` none) or a revision.
async fn save(state: &AppState, ctx: &Ctx, id: Option<i64>, req: Request) -> Result<Response, WebError> {
    let (f, mut files) = crate::dossiers::api::read_parts(req).await?;
    ctx.check_form(&f)?;
    let p = writer(ctx)?;
    let actor = Actor::User(p);
    let translation_of = f.get("translation_of").and_then(|i| i.trim().parse::<i64>().ok());
    let mut form = FormState::posted(&f);
    let mut image = if f.contains_key("remove_image") { None } else { f.get("image_id").and_then(|i| i.parse().ok()) };
    if let Some(file) = files.remove("image") {
        // the image goes to the newsroom of the article (or of its original)
        let agency = match id.or(translation_of) {
            Some(i) => Some(na::article(&state.app, actor, i).await?.0.agency_code),
            None => None,
        };
        match na::upload_image(&state.app, actor, agency.as_deref(), file.bytes).await {
            Ok(i) => image = Some(i),
            Err(AppError::Invalid(errs)) => errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key)),
            Err(e) => return Err(e.into()),
        }
    }
    form.values.remove("image_id");
    if let Some(i) = image {
        form.values.insert("image_id".into(), i.to_string());
    }
    let input = input_of(&f, image);
    let saved = match id {
        Some(id) => na::edit(&state.app, actor, id, &input).await.map(|()| id),
        None => na::write(&state.app, actor, &input, translation_of).await,
    };
    match saved {
        Ok(saved) if !form.has_errors() => Ok(Redirect::to(&format!("/quan-tri/tin-tuc/{saved}?luu=1")).into_response()),
        Ok(saved) => {
            // saved, but the image that came with it was refused: said on its page
            let d = Draft { form, image, translation_of: None, step_form: FormState::default() };
            page(state, ctx, p, Some(saved), d, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::Invalid(errs)) => {
            errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
            let d = Draft { form, image, translation_of, step_form: FormState::default() };
            page(state, ctx, p, id, d, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn create(State(state): State<AppState>, ctx: Ctx, req: Request) -> Response {
    let r = save(&state, &ctx, None, req).await;
    or_login(&ctx, r)
}

async fn show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Response {
    let r = async {
        let p = writer(&ctx)?;
        let d = Draft { form: FormState::default(), image: None, translation_of: None, step_form: FormState::default() };
        page(&state, &ctx, p, Some(id), d, StatusCode::OK).await
    }
    .await;
    or_login(&ctx, r)
}

async fn edit(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, req: Request) -> Response {
    let r = save(&state, &ctx, Some(id), req).await;
    or_login(&ctx, r)
}

async fn step(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = writer(&ctx)?;
        let v = |k: &str| f.get(k).cloned().unwrap_or_default();
        let mut step_form = FormState::default();
        for k in ["note", "reason", "at"] {
            step_form.values.insert(k.into(), v(k));
        }
        let at = match na::when(&state.app, Some(&v("at"))) {
            Ok(at) => Some(at),
            Err(_) => {
                step_form.add("at", ctx.lang, "err.date");
                None
            }
        };
        let s = match (v("step").as_str(), at) {
            ("submit", _) => Some(Step::Submit),
            ("approve", _) => Some(Step::Approve),
            ("send_back", _) => Some(Step::SendBack { note: v("note") }),
            ("publish", Some(at)) => Some(Step::Publish { at }),
            ("unpublish", Some(at)) => Some(Step::Unpublish { at, reason: v("reason") }),
            ("publish" | "unpublish", None) => None,
            _ => return Err(WebError::BadRequest("step".into())),
        };
        let done = match s {
            Some(s) => na::step(&state.app, Actor::User(p), id, &s).await,
            None => Err(AppError::Invalid(Vec::new())),
        };
        match done {
            Ok(_) => Ok(Redirect::to(&format!("/quan-tri/tin-tuc/{id}?luu=1")).into_response()),
            Err(AppError::Invalid(errs)) => {
                errs.iter().for_each(|e| step_form.add(&e.field, ctx.lang, e.key));
                let d = Draft { form: FormState::default(), image: None, translation_of: None, step_form };
                page(&state, &ctx, p, Some(id), d, StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

async fn feature(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = writer(&ctx)?;
        na::feature(&state.app, Actor::User(p), id, f.get("on").is_some_and(|v| v == "1")).await?;
        Ok(Redirect::to(&format!("/quan-tri/tin-tuc/{id}?luu=1")).into_response())
    }
    .await;
    or_login(&ctx, r)
}

#[derive(Template)]
#[template(path = "news/compare.html")]
struct ComparePage {
    layout: Layout,
    id: i64,
    from: i64,
    to: i64,
    /// (`same`, `added` or `removed`, the line)
    lines: Vec<(&'static str, String)>,
}

/// Two revisions compared (`tu`, `den`; by default the last two).
async fn comparison(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Query(q): Query<HashMap<String, String>>) -> Response {
    let r = async {
        let p = writer(&ctx)?;
        na::article(&state.app, Actor::User(p), id).await?;
        let revs = state.store.news_revisions(id).await?;
        let last = revs.last().map_or(1, |r| r.n);
        let pick = |k: &str, d: i64| q.get(k).and_then(|n| n.parse::<i64>().ok()).unwrap_or(d);
        let (from, to) = (pick("tu", (last - 1).max(1)), pick("den", last));
        let find = |n: i64| revs.iter().find(|r| r.n == n).ok_or(WebError::NotFound);
        let labels = ["news.f.title", "news.f.summary", "news.category", "news.f.tags", "news.f.image_alt"].map(|k| t(ctx.lang, k));
        let (a, b) = (compare::lines(&find(from)?.a, labels), compare::lines(&find(to)?.a, labels));
        let lines = compare::compare(&a, &b)
            .into_iter()
            .map(|l| match l {
                compare::Line::Same(s) => ("same", s),
                compare::Line::Added(s) => ("added", s),
                compare::Line::Removed(s) => ("removed", s),
            })
            .collect();
        let page = ComparePage {
            layout: Layout::titled(&ctx, format!("{} {from} – {to}", t(ctx.lang, "news.compare"))),
            id,
            from,
            to,
            lines,
        };
        Ok(render(StatusCode::OK, &page))
    }
    .await;
    or_login(&ctx, r)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/quan-tri/tin-tuc", get(list))
        .route("/quan-tri/tin-tuc/moi", get(new_form).post(create))
        .route("/quan-tri/tin-tuc/{id}", get(show).post(edit))
        .route("/quan-tri/tin-tuc/{id}/buoc", post(step))
        .route("/quan-tri/tin-tuc/{id}/noi-bat", post(feature))
        .route("/quan-tri/tin-tuc/{id}/so-sanh", get(comparison))
}
