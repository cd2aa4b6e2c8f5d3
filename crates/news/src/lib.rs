//! The news portal (issue 21), pure: an article as written and checked
//! (`article.rs`), the editorial workflow — writer, editor, publisher,
//! scheduled publication and unpublication — (`workflow.rs`), and the safe
//! rich-text subset a body is kept in (`body.rs`). Times are the
//! province's local time, passed in.

pub mod article;
pub mod body;
pub mod compare;
pub mod image;
pub mod index;
pub mod press;
pub mod press_info;
pub mod spokesperson;
pub mod workflow;

pub use article::{slug, ArticleInput, Language, NewArticle};
pub use body::sanitise;
pub use workflow::{next, open_steps, Desk, State, Step};

/// A problem of one field: its name and the i18n key of its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub key: &'static str,
}

#[cfg(test)]
mod tests;
