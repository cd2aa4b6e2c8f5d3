//! The news portal's use cases (issue 21): writing an article and its
//! translation, the editorial workflow, and what the public portal shows.
//!
//! Who sits at which desk of an agency's newsroom is decided here, once:
//! a system administrator is the publisher of every agency; an agency's
//! administrator its publisher, its approvers its editors, its other
//! officials its writers. Nobody else writes.

use chrono::NaiveDateTime;
use egov_identity::Role;
use egov_news::{next, ArticleInput, Desk, State, Step};
use egov_store::news::{Article, Moved};

use crate::{Actor, App, AppError, FieldError, Refusal};

mod portal;
pub mod press;
pub mod press_info;
pub mod spokespersons;
pub use portal::{
    feature, featured, image, latest_by_category, listing, sections, sitemap, upload_image, version, Filter, Portal,
    INDEX,
};

/// How many articles a public page lists.
pub const PAGE: i64 = 12;

/// The desk `actor` sits at in `agency`'s newsroom, if any.
pub fn desk(actor: Actor<'_>, agency: &str) -> Option<Desk> {
    let p = match actor {
        Actor::Operator => return Some(Desk::Publisher),
        Actor::User(p) => p,
    };
    if !p.is_official() {
        return None;
    }
    if p.is_system_admin() {
        return Some(Desk::Publisher);
    }
    if p.agency_id.as_ref().is_none_or(|a| a.as_str() != agency) {
        return None;
    }
    Some(if p.has_role(Role::AgencyAdmin) {
        Desk::Publisher
    } else if p.has_role(Role::Approver) {
        Desk::Editor
    } else {
        Desk::Writer
    })
}

/// Whether the actor has a newsroom: an official of an agency, or a
/// system administrator (every agency's).
pub fn may_write(actor: Actor<'_>) -> bool {
    actor.is_system() || own_agency(actor).is_ok_and(|a| desk(actor, &a).is_some())
}

/// The agency an actor writes for: its own.
pub(crate) fn own_agency(actor: Actor<'_>) -> Result<String, AppError> {
    match actor {
        Actor::User(p) if p.is_official() => {
            p.agency_id.as_ref().map(|a| a.as_str().to_string()).ok_or(AppError::Forbidden)
        }
        _ => Err(AppError::Forbidden),
    }
}

fn invalid(problems: Vec<egov_news::Problem>) -> AppError {
    AppError::Invalid(problems.into_iter().map(|p| FieldError::new(p.field, p.key)).collect())
}

/// The article checked, every problem at once; its image must be one
/// uploaded for `agency`'s newsroom.
async fn checked(app: &App, input: &ArticleInput, agency: &str) -> Result<egov_news::NewArticle, AppError> {
    let cats = app.store.news_categories().await?;
    let codes: Vec<&str> = cats.iter().map(|c| c.code.as_str()).collect();
    let mut problems = input.check(&codes).err().unwrap_or_default();
    if let Some(i) = input.image {
        if app.store.news_image(i).await?.is_none_or(|img| img.agency_code != agency) {
            problems.push(egov_news::Problem { field: "image", key: "err.option" });
        }
    }
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    input.check(&codes).map_err(invalid)
}

/// An article the actor works on (its agency's newsroom), with the desk.
pub(crate) async fn held(app: &App, actor: Actor<'_>, id: i64) -> Result<(Article, Desk), AppError> {
    let a = app.store.news_article(id).await?.ok_or(AppError::NotFound)?;
    let d = desk(actor, &a.agency_code).ok_or(AppError::NotFound)?;
    Ok((a, d))
}

/// A new draft for the actor's agency; with `translation_of`, the other
/// language's version of that article (linked both ways). Its id.
pub async fn write(
    app: &App,
    actor: Actor<'_>,
    input: &ArticleInput,
    translation_of: Option<i64>,
) -> Result<i64, AppError> {
    let agency = own_agency(actor)?;
    write_in(app, actor, &agency, input, translation_of).await
}

/// A new draft for `agency`'s newsroom (the actor must sit at one of its
/// desks); a translation goes to its original's newsroom. Its id.
pub async fn write_in(
    app: &App,
    actor: Actor<'_>,
    agency: &str,
    input: &ArticleInput,
    translation_of: Option<i64>,
) -> Result<i64, AppError> {
    desk(actor, agency).ok_or(AppError::Forbidden)?;
    let home = match translation_of {
        Some(t) => app.store.news_article(t).await?.map_or_else(|| agency.to_string(), |o| o.agency_code),
        None => agency.to_string(),
    };
    let a = checked(app, input, &home).await?;
    let original = match translation_of {
        Some(t) => {
            let (o, _) = held(app, actor, t).await?;
            if o.a.language == a.language {
                return Err(AppError::Invalid(vec![FieldError::new("language", "err.news.same_language")]));
            }
            if o.translation_id.is_some() {
                return Err(AppError::Invalid(vec![FieldError::new("translation_of", "err.news.translated")]));
            }
            Some((o.id, o.agency_code))
        }
        None => None,
    };
    let agency = original.as_ref().map_or(agency, |(_, a)| a.as_str());
    let now = app.store.now();
    let mut w = app.store.begin_write().await?;
    let id = w.news_save(None, agency, &a, State::Draft, &actor.audit_name(), now).await?.ok_or(AppError::NotFound)?;
    if let Some((o, _)) = original {
        w.news_link(o, id, &actor.audit_name()).await?;
    }
    w.commit().await?;
    app.news.changed();
    Ok(id)
}

/// A new revision of an article not yet published: a draft stays a draft,
/// one with the editor or the publisher goes back to the editor.
pub async fn edit(app: &App, actor: Actor<'_>, id: i64, input: &ArticleInput) -> Result<(), AppError> {
    let (old, _) = held(app, actor, id).await?;
    let state = match old.state {
        State::Draft => State::Draft,
        State::Review | State::Approved => State::Review,
        State::Published | State::Unpublished => {
            return Err(AppError::refused(Refusal::Conflict, "err.news.published", ""))
        }
    };
    let a = checked(app, input, &old.agency_code).await?;
    if old.translation_id.is_some() && a.language != old.a.language {
        return Err(AppError::Invalid(vec![FieldError::new("language", "err.news.same_language")]));
    }
    let mut w = app.store.begin_write().await?;
    w.news_save(Some(id), &old.agency_code, &a, state, &actor.audit_name(), app.store.now()).await?;
    w.commit().await?;
    app.news.changed();
    Ok(())
}

/// Takes a step of the workflow on an article.
pub async fn step(app: &App, actor: Actor<'_>, id: i64, step: &Step) -> Result<State, AppError> {
    let (a, d) = held(app, actor, id).await?;
    let state = next(a.state, d, step).map_err(|p| match p.key {
        "err.news.desk" => AppError::Forbidden,
        "err.news.state" => AppError::refused(Refusal::Conflict, "err.news.state", ""),
        _ => invalid(vec![p]),
    })?;
    let micros = egov_kernel::vn::to_micros;
    let m = match step {
        Step::Submit | Step::Approve => Moved {
            state,
            note: String::new(),
            publish_at: a.publish_at,
            unpublish_at: a.unpublish_at,
            unpublish_reason: a.unpublish_reason.clone(),
        },
        Step::SendBack { note } => Moved {
            state,
            note: note.trim().to_string(),
            publish_at: None,
            unpublish_at: None,
            unpublish_reason: String::new(),
        },
        Step::Publish { at } => Moved {
            state,
            note: String::new(),
            publish_at: Some(micros(*at)),
            unpublish_at: None,
            unpublish_reason: String::new(),
        },
        Step::Unpublish { at, reason } => Moved {
            state,
            note: String::new(),
            publish_at: a.publish_at,
            unpublish_at: Some(micros(*at)),
            unpublish_reason: reason.trim().to_string(),
        },
    };
    let mut w = app.store.begin_write().await?;
    w.news_move(id, step.name(), &m, &actor.audit_name(), app.store.now()).await?;
    w.commit().await?;
    app.news.changed();
    Ok(state)
}

/// An article for the back office (the actor's newsroom's).
pub async fn article(app: &App, actor: Actor<'_>, id: i64) -> Result<(Article, Desk), AppError> {
    held(app, actor, id).await
}

/// The articles of the actor's newsroom (every agency's for a system
/// administrator), newest change first.
pub async fn articles(app: &App, actor: Actor<'_>) -> Result<Vec<Article>, AppError> {
    if actor.is_system() {
        return Ok(app.store.news_articles(None, 500).await?);
    }
    let agency = own_agency(actor)?;
    Ok(app.store.news_articles(Some(&agency), 500).await?)
}

/// Whether an article shows on the portal now.
pub fn shown_now(app: &App, a: &Article) -> bool {
    let t = |m: Option<i64>| m.and_then(egov_kernel::vn::from_micros);
    egov_news::workflow::shows(a.state, t(a.publish_at), t(a.unpublish_at), app.now())
}

/// An article as the portal shows it, with its translation if that shows
/// too; not found when it does not show.
pub async fn public(app: &App, id: i64) -> Result<(Article, Option<Article>), AppError> {
    let a = app.store.news_article(id).await?.filter(|a| shown_now(app, a)).ok_or(AppError::NotFound)?;
    let t = match a.translation_id {
        Some(t) => app.store.news_article(t).await?.filter(|t| shown_now(app, t)),
        None => None,
    };
    Ok((a, t))
}

/// When a step's time is given as text (`YYYY-MM-DDTHH:MM`), or now.
pub fn when(app: &App, text: Option<&str>) -> Result<NaiveDateTime, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(app.now()),
        Some(t) => NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
            .map_err(|_| AppError::Invalid(vec![FieldError::new("at", "err.date")])),
    }
}
