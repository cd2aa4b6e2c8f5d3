//! What the portal finds an article by: its words folded as the catalog
//! folds them (accents, case and spelling variants away), and its tags'
//! keys, the words of a tag page's address.

use crate::{slug, NewArticle};

/// Every word of an article a search may match: title, summary, the body's
/// text and the tags, folded, each once, in their first order.
pub fn folded(a: &NewArticle) -> String {
    let all = format!("{} {} {} {}", a.title, a.summary, crate::body::text_of(&a.body), a.tags.join(" "));
    let mut seen = std::collections::HashSet::new();
    egov_catalog::search::fold(&all)
        .split(' ')
        .filter(|w| !w.is_empty() && seen.insert(*w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A search's words, folded: at most 8, each of at most 40 characters.
pub fn words(query: &str) -> Vec<String> {
    let folded = egov_catalog::search::fold(query);
    let mut out: Vec<String> = Vec::new();
    for w in folded.split(' ').filter(|w| !w.is_empty()) {
        let w: String = w.chars().take(40).collect();
        if !out.contains(&w) {
            out.push(w);
        }
        if out.len() == 8 {
            break;
        }
    }
    out
}

/// A tag's key: the words of its page's address (`Chuyển đổi số` →
/// `chuyen-doi-so`); tags that fold alike share a page.
pub fn tag_key(tag: &str) -> String {
    slug(tag)
}

/// Whether an article's folded words hold every word of a search, each as
/// the beginning of one of its words.
pub fn matches(folded: &str, words: &[String]) -> bool {
    words.iter().all(|w| folded.split(' ').any(|f| f.starts_with(w.as_str())))
}
