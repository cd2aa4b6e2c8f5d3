//! An article as written: its language, title, summary, body, category,
//! tags and the featured image's alternative text; checked field by field,
//! every problem at once. A Vietnamese article and its English version are
//! two articles linked as translations of each other.

use serde::{Deserialize, Serialize};

use crate::Problem;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    Vi,
    En,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::Vi, Language::En];
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Vi => "vi",
            Language::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.as_str() == s.trim())
    }
    /// The other language: where a translation is.
    pub fn other(self) -> Language {
        match self {
            Language::Vi => Language::En,
            Language::En => Language::Vi,
        }
    }
}

/// An article as a form or the API sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleInput {
    pub language: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub category: String,
    /// Comma-separated.
    pub tags: String,
    /// The featured image's alternative text: required when there is one.
    pub image_alt: String,
    /// The featured image (an uploaded image's id), if any.
    pub image: Option<i64>,
}

/// An article checked: trimmed, its body sanitised, its tags split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewArticle {
    pub language: Language,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub category: String,
    pub tags: Vec<String>,
    pub image_alt: String,
    /// The featured image, an uploaded image's id.
    #[serde(default)]
    pub image: Option<i64>,
}

fn text(out: &mut Vec<Problem>, field: &'static str, value: &str, max: usize, required: bool) {
    let v = value.trim();
    if required && v.is_empty() {
        out.push(Problem { field, key: "err.required" });
    } else if v.chars().count() > max {
        out.push(Problem { field, key: "err.too_long" });
    }
}

impl ArticleInput {
    /// The article, or every problem at once. `categories`: the codes that
    /// exist (categories are data).
    pub fn check(&self, categories: &[&str]) -> Result<NewArticle, Vec<Problem>> {
        let mut out = Vec::new();
        let language = Language::parse(&self.language);
        if language.is_none() {
            out.push(Problem { field: "language", key: "err.option" });
        }
        text(&mut out, "title", &self.title, 300, true);
        text(&mut out, "summary", &self.summary, 1000, true);
        text(&mut out, "body", &self.body, 200_000, true);
        let body = crate::sanitise(&self.body);
        if !self.body.trim().is_empty() && crate::body::text_of(&body).is_empty() && !body.contains("<img") {
            out.push(Problem { field: "body", key: "err.news.body_empty" });
        }
        if !categories.contains(&self.category.trim()) {
            out.push(Problem { field: "category", key: "err.option" });
        }
        let tags: Vec<String> = self
            .tags
            .split(',')
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|t| !t.is_empty())
            .collect();
        if tags.len() > 20 || tags.iter().any(|t| t.chars().count() > 60) {
            out.push(Problem { field: "tags", key: "err.news.tags" });
        }
        if self.image.is_some() && self.image_alt.trim().is_empty() {
            out.push(Problem { field: "image_alt", key: "err.news.alt" });
        }
        text(&mut out, "image_alt", &self.image_alt, 300, false);
        match language {
            Some(language) if out.is_empty() => Ok(NewArticle {
                language,
                title: self.title.trim().to_string(),
                summary: self.summary.trim().to_string(),
                body,
                category: self.category.trim().to_string(),
                tags,
                image_alt: self.image_alt.trim().to_string(),
                image: self.image,
            }),
            _ => Err(out),
        }
    }
}

/// An address's words for a title: accents and case folded, anything but
/// letters and digits a dash, at most 80 characters (`Chuyển đổi số năm
/// 2026` → `chuyen-doi-so-nam-2026`).
pub fn slug(title: &str) -> String {
    let folded: String =
        egov_catalog::search::fold(title).chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let mut out = String::new();
    for part in folded.split('-').filter(|p| !p.is_empty()) {
        if out.len() + part.len() + 1 > 80 {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(part);
    }
    out
}
