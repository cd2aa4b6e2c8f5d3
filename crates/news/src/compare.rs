//! Two revisions of an article side by side: each is laid out as lines —
//! title, summary, category, tags, the image's text, then the body a block
//! at a time (a paragraph, a heading, a list item, a table cell's row) —
//! and the lines compared (Myers' difference, from `similar`).

use similar::{ChangeTag, TextDiff};

use crate::NewArticle;

/// One line of a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Same(String),
    /// In the later revision only.
    Added(String),
    /// In the earlier revision only.
    Removed(String),
}

/// An article as lines of text, each labelled (`labels`: the words for
/// title, summary, category, tags, image text, in the reader's language).
pub fn lines(a: &NewArticle, labels: [&str; 5]) -> Vec<String> {
    let mut out = vec![
        format!("{}: {}", labels[0], a.title),
        format!("{}: {}", labels[1], a.summary),
        format!("{}: {}", labels[2], a.category),
        format!("{}: {}", labels[3], a.tags.join(", ")),
        format!("{}: {}", labels[4], a.image_alt),
    ];
    let mut blocks = a.body.clone();
    for end in
        ["</p>", "</h2>", "</h3>", "</h4>", "</li>", "</tr>", "</caption>", "</figcaption>", "</blockquote>", "<br>"]
    {
        blocks = blocks.replace(end, &format!("{end}\n"));
    }
    out.extend(blocks.lines().map(crate::body::text_of).filter(|l| !l.is_empty()));
    out
}

/// What changed from `old` to `new`, line by line.
pub fn compare(old: &[String], new: &[String]) -> Vec<Line> {
    let a: Vec<&str> = old.iter().map(String::as_str).collect();
    let b: Vec<&str> = new.iter().map(String::as_str).collect();
    TextDiff::from_slices(&a, &b)
        .iter_all_changes()
        .map(|c| match c.tag() {
            ChangeTag::Equal => Line::Same(c.value().to_string()),
            ChangeTag::Insert => Line::Added(c.value().to_string()),
            ChangeTag::Delete => Line::Removed(c.value().to_string()),
        })
        .collect()
}
