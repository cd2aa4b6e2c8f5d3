//! The newsroom's API (`/api/v1/news/…`, bearer tokens): an agency's
//! articles, written in Vietnamese or English (a translation linked to its
//! original), each revision kept, moved through the workflow — writer,
//! editor, publisher — with scheduled publication and unpublication.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use egov_app::news as na;
use egov_app::Actor;
use egov_news::{ArticleInput, Step};
use egov_store::news::Article;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ctx::Ctx;
use crate::radio::api::{answer, instant, json};
use crate::{AppState, WebError};

#[derive(Serialize, ToSchema)]
pub struct NewsCreated {
    id: i64,
}

#[derive(Serialize, ToSchema)]
pub struct NewsCategoryDoc {
    code: String,
    name_vi: String,
    name_en: String,
}

#[derive(Serialize, ToSchema)]
pub struct NewsArticleDoc {
    id: i64,
    agency_code: String,
    /// `vi` or `en`.
    language: String,
    /// The other language's version, if there is one.
    translation_id: Option<i64>,
    title: String,
    summary: String,
    /// HTML in the safe subset, as kept (sanitised).
    body: String,
    category: String,
    tags: Vec<String>,
    image_alt: String,
    /// The featured image (`POST /api/v1/news/images`), if any.
    image: Option<i64>,
    /// Featured on the portal's home.
    featured: bool,
    author: String,
    /// `draft`, `review`, `approved`, `published` or `unpublished`.
    state: String,
    /// Why it was sent back, if it was.
    note: String,
    /// Vietnam time.
    publish_at: Option<String>,
    unpublish_at: Option<String>,
    unpublish_reason: String,
    revision: i64,
    /// Whether the portal shows it now.
    shown: bool,
    /// Its address on the portal.
    url: String,
}

pub(crate) fn url_of(a: &Article) -> String {
    format!("/tin-tuc/{}/{}", a.id, egov_news::slug(&a.a.title))
}

fn doc(state: &AppState, a: Article) -> NewsArticleDoc {
    NewsArticleDoc {
        shown: na::shown_now(&state.app, &a),
        url: url_of(&a),
        id: a.id,
        agency_code: a.agency_code,
        language: a.a.language.as_str().into(),
        translation_id: a.translation_id,
        title: a.a.title,
        summary: a.a.summary,
        body: a.a.body,
        category: a.a.category,
        tags: a.a.tags,
        image_alt: a.a.image_alt,
        image: a.a.image,
        featured: a.featured,
        author: a.author,
        state: a.state.as_str().into(),
        note: a.note,
        publish_at: a.publish_at.map(instant),
        unpublish_at: a.unpublish_at.map(instant),
        unpublish_reason: a.unpublish_reason,
        revision: a.revision,
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewsArticleRequest {
    #[schema(pattern = "^(vi|en)$", example = "vi")]
    language: String,
    #[schema(min_length = 1, max_length = 300, pattern = r"\S")]
    title: String,
    #[schema(min_length = 1, max_length = 1000, pattern = r"\S")]
    summary: String,
    /// HTML: headings, paragraphs, lists, links, images, tables, emphasis,
    /// quotes; anything else (scripts, event handlers, `javascript:`
    /// addresses, SVG, styles) is removed when it is saved.
    #[schema(min_length = 1, max_length = 200000, example = "<p>Sở Khoa học và Công nghệ…</p>")]
    body: String,
    /// A category's code (`GET /api/v1/news/categories`).
    #[schema(max_length = 60, example = "chuyen-doi-so")]
    category: String,
    #[serde(default)]
    #[schema(max_items = 20)]
    tags: Vec<String>,
    /// The featured image's alternative text.
    #[serde(default)]
    #[schema(max_length = 300)]
    image_alt: String,
    /// The featured image: an image uploaded by this newsroom
    /// (`POST /api/v1/news/images`); its alternative text is then required.
    #[serde(default)]
    image: Option<i64>,
    /// Written as the other language's version of this article.
    #[serde(default)]
    translation_of: Option<i64>,
}

/// What the schema says of sizes, said with 400 like any breach of it.
fn fits(r: &NewsArticleRequest) -> Result<(), WebError> {
    let n = |s: &str| s.chars().count();
    if n(&r.title) > 300 || n(&r.summary) > 1000 || n(&r.body) > 200_000 || n(&r.category) > 60 || n(&r.image_alt) > 300 || r.tags.len() > 20 {
        return Err(WebError::BadRequest("a field is longer than the schema allows".into()));
    }
    Ok(())
}

fn input(r: &NewsArticleRequest) -> ArticleInput {
    ArticleInput {
        language: r.language.clone(),
        title: r.title.clone(),
        summary: r.summary.clone(),
        body: r.body.clone(),
        category: r.category.clone(),
        tags: r.tags.iter().map(|t| t.replace(',', " ")).collect::<Vec<_>>().join(","),
        image_alt: r.image_alt.clone(),
        image: r.image,
    }
}

/// The categories (data), in their order.
#[utoipa::path(get, operation_id = "news_categories", path = "/api/v1/news/categories", responses((status = 200, body = [NewsCategoryDoc])))]
async fn categories(State(state): State<AppState>, ctx: Ctx) -> Response {
    answer(&ctx, async {
        let list = state.store.news_categories().await?;
        Ok(Json(
            list.into_iter().map(|c| NewsCategoryDoc { code: c.code, name_vi: c.name_vi, name_en: c.name_en }).collect::<Vec<_>>(),
        )
        .into_response())
    })
    .await
}

/// The articles of the caller's newsroom (every agency's for a system
/// administrator), newest change first.
#[utoipa::path(get, operation_id = "news_articles", path = "/api/v1/news/articles", security(("bearer" = [])), responses((status = 200, body = [NewsArticleDoc]), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
async fn articles(State(state): State<AppState>, ctx: Ctx) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let list = na::articles(&state.app, Actor::User(p)).await?;
        Ok(Json(list.into_iter().map(|a| doc(&state, a)).collect::<Vec<_>>()).into_response())
    })
    .await
}

/// Writes a draft for the caller's agency (or the other language's version
/// of an article, linked to it both ways).
#[utoipa::path(post, operation_id = "news_write", path = "/api/v1/news/articles", request_body = NewsArticleRequest, security(("bearer" = [])), responses((status = 201, body = NewsCreated), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn write(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: NewsArticleRequest = json(&body)?;
        fits(&r)?;
        let id = na::write(&state.app, Actor::User(p), &input(&r), r.translation_of).await?;
        Ok((StatusCode::CREATED, Json(NewsCreated { id })).into_response())
    })
    .await
}

/// One article of the caller's newsroom.
#[utoipa::path(get, operation_id = "news_article", path = "/api/v1/news/articles/{id}", params(("id" = i64, Path)), security(("bearer" = [])), responses((status = 200, body = NewsArticleDoc), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn article(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let (a, _) = na::article(&state.app, Actor::User(p), id).await?;
        Ok(Json(doc(&state, a)).into_response())
    })
    .await
}

/// A new revision of an article not yet published (a draft stays one; one
/// with the editor or the publisher goes back to the editor).
#[utoipa::path(put, operation_id = "news_edit", path = "/api/v1/news/articles/{id}", params(("id" = i64, Path)), request_body = NewsArticleRequest, security(("bearer" = [])), responses((status = 204, description = "kept, as a new revision"), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn edit(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: NewsArticleRequest = json(&body)?;
        fits(&r)?;
        na::edit(&state.app, Actor::User(p), id, &input(&r)).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewsStepRequest {
    /// `submit` (writer), `send_back` (editor, publisher; with a note),
    /// `approve` (editor), `publish` (publisher; at a time), `unpublish`
    /// (publisher; at a time, with a reason).
    #[schema(pattern = "^(submit|send_back|approve|publish|unpublish)$")]
    step: String,
    /// For `send_back`: why (at most 2,000 characters).
    #[serde(default)]
    note: String,
    /// Vietnam time, `YYYY-MM-DDTHH:MM`; absent: now.
    #[serde(default)]
    #[schema(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]$", example = "2026-12-02T07:00")]
    at: Option<String>,
    /// For `unpublish`: why (at most 2,000 characters).
    #[serde(default)]
    reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct NewsStepDone {
    /// The article's state now.
    state: String,
}

/// Moves an article on in the editorial workflow.
#[utoipa::path(post, operation_id = "news_step", path = "/api/v1/news/articles/{id}/steps", params(("id" = i64, Path)), request_body = NewsStepRequest, security(("bearer" = [])), responses((status = 200, body = NewsStepDone), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn step(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: NewsStepRequest = json(&body)?;
        // the sizes are rules, not the schema's: text is cleaned of control
        // characters before it is read, so a count here is not the sender's
        let long: Vec<egov_app::FieldError> = [("note", &r.note), ("reason", &r.reason)]
            .into_iter()
            .filter(|(_, v)| v.chars().count() > 2000)
            .map(|(f, _)| egov_app::FieldError::new(f, "err.too_long"))
            .collect();
        if !long.is_empty() {
            return Err(WebError::Invalid(long));
        }
        let shaped = |t: &str| {
            t.len() == 16 && t.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                10 => b == b'T',
                13 => b == b':',
                _ => b.is_ascii_digit(),
            })
        };
        if r.at.as_deref().is_some_and(|t| !shaped(t)) {
            return Err(WebError::BadRequest("at: YYYY-MM-DDTHH:MM".into()));
        }
        na::article(&state.app, Actor::User(p), id).await?;
        let at = na::when(&state.app, r.at.as_deref())?;
        let s = match r.step.as_str() {
            "submit" => Step::Submit,
            "send_back" => Step::SendBack { note: r.note },
            "approve" => Step::Approve,
            "publish" => Step::Publish { at },
            "unpublish" => Step::Unpublish { at, reason: r.reason },
            _ => return Err(WebError::BadRequest("step: one of submit, send_back, approve, publish, unpublish".into())),
        };
        let now = na::step(&state.app, Actor::User(p), id, &s).await?;
        Ok(Json(NewsStepDone { state: now.as_str().into() }).into_response())
    })
    .await
}

#[derive(Serialize, ToSchema)]
pub struct NewsRevisionDoc {
    n: i64,
    title: String,
    summary: String,
    body: String,
    saved_by: String,
    /// Vietnam time.
    saved_at: String,
}

/// Every revision of an article, oldest first.
#[utoipa::path(get, operation_id = "news_revisions", path = "/api/v1/news/articles/{id}/revisions", params(("id" = i64, Path)), security(("bearer" = [])), responses((status = 200, body = [NewsRevisionDoc]), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn revisions(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        na::article(&state.app, Actor::User(p), id).await?;
        let list = state.store.news_revisions(id).await?;
        Ok(Json(
            list.into_iter()
                .map(|r| NewsRevisionDoc { n: r.n, title: r.a.title, summary: r.a.summary, body: r.a.body, saved_by: r.saved_by, saved_at: instant(r.saved_at) })
                .collect::<Vec<_>>(),
        )
        .into_response())
    })
    .await
}

#[derive(Serialize, ToSchema)]
pub struct NewsImageDoc {
    id: i64,
    /// The picture as uploaded, in pixels.
    width: i64,
    height: i64,
    /// Where each size is served (JPEG), narrowest first.
    sizes: Vec<NewsImageSizeDoc>,
}

#[derive(Serialize, ToSchema)]
pub struct NewsImageSizeDoc {
    width: i64,
    height: i64,
    url: String,
}

pub(crate) fn image_doc(img: egov_store::news::Image) -> NewsImageDoc {
    NewsImageDoc {
        id: img.id,
        width: img.width,
        height: img.height,
        sizes: img
            .sizes
            .iter()
            .map(|s| NewsImageSizeDoc { width: s.width, height: s.height, url: format!("/tin-tuc/anh/{}/{}.jpg", img.id, s.width) })
            .collect(),
    }
}

/// Uploads a featured image for the caller's newsroom: JPEG, PNG or WebP,
/// its kind read from its bytes; kept in the sizes the portal serves.
#[utoipa::path(post, operation_id = "news_image_upload", path = "/api/v1/news/images", request_body(content = Vec<u8>, content_type = "application/octet-stream"), security(("bearer" = [])), responses((status = 201, body = NewsImageDoc), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn upload(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let id = na::upload_image(&state.app, Actor::User(p), None, body.to_vec()).await?;
        let img = na::image(&state.app, id).await?;
        Ok((StatusCode::CREATED, Json(image_doc(img))).into_response())
    })
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewsFeatureRequest {
    featured: bool,
}

/// The publisher features an article on the portal's home, or stops.
#[utoipa::path(put, operation_id = "news_feature", path = "/api/v1/news/articles/{id}/featured", params(("id" = i64, Path)), request_body = NewsFeatureRequest, security(("bearer" = [])), responses((status = 204, description = "done"), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn feature(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: NewsFeatureRequest = json(&body)?;
        na::feature(&state.app, Actor::User(p), id, r.featured).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/news/images", post(upload))
        .route("/api/v1/news/articles/{id}/featured", axum::routing::put(feature))
        .route("/api/v1/news/categories", get(categories))
        .route("/api/v1/news/articles", get(articles).post(write))
        .route("/api/v1/news/articles/{id}", get(article).put(edit))
        .route("/api/v1/news/articles/{id}/steps", post(step))
        .route("/api/v1/news/articles/{id}/revisions", get(revisions))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(categories, articles, write, article, edit, step, revisions, upload, feature),
    components(schemas(NewsImageDoc, NewsImageSizeDoc, NewsFeatureRequest, NewsCreated, NewsCategoryDoc, NewsArticleDoc, NewsArticleRequest, NewsStepRequest, NewsStepDone, NewsRevisionDoc))
)]
pub struct Api;
