//! The body of an article in a safe rich-text subset: headings, paragraphs,
//! lists, links, images, tables, emphasis and quotes; nothing that runs
//! (scripts, event handlers, `javascript:` addresses, SVG, styles). Parsed
//! as HTML5 and rebuilt by `ammonia`, so what comes out is what is allowed,
//! whatever came in. Done on the server, when an article is saved.

use std::collections::HashSet;

/// The tags a body may hold.
pub const TAGS: &[&str] = &[
    "h2",
    "h3",
    "h4",
    "p",
    "br",
    "hr",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "figure",
    "figcaption",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "blockquote",
    "q",
    "cite",
    "code",
    "pre",
    "abbr",
];

/// The body, sanitised: the allowed tags with their allowed attributes;
/// links and images only to `http`, `https`, `mailto` or this site; every
/// link `rel="noopener noreferrer"`. Text outside tags is kept (escaped).
pub fn sanitise(html: &str) -> String {
    let schemes: HashSet<&str> = ["http", "https", "mailto"].into_iter().collect();
    ammonia::Builder::empty()
        .add_tags(TAGS)
        .add_tag_attributes("a", &["href", "title", "hreflang"])
        .add_tag_attributes("img", &["src", "alt", "width", "height", "title"])
        .add_tag_attributes("th", &["scope", "colspan", "rowspan"])
        .add_tag_attributes("td", &["colspan", "rowspan"])
        .add_tag_attributes("abbr", &["title"])
        .add_tag_attributes("ol", &["start"])
        .url_schemes(schemes)
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer"))
        .clean(html)
        .to_string()
}

/// The body's text, without tags: for a summary, a feed, the search.
pub fn text_of(html: &str) -> String {
    // a block's end is a space between words
    let mut spaced = html.to_string();
    for end in [
        "</p>",
        "</h2>",
        "</h3>",
        "</h4>",
        "</li>",
        "</td>",
        "</th>",
        "</caption>",
        "</figcaption>",
        "</blockquote>",
        "<br",
    ] {
        spaced = spaced.replace(end, &format!(" {end}"));
    }
    let bare = ammonia::Builder::empty().clean(&spaced).to_string();
    let mut out = String::with_capacity(bare.len());
    let mut rest = bare.as_str();
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let (ch, len) =
            [("&amp;", '&'), ("&lt;", '<'), ("&gt;", '>'), ("&quot;", '"'), ("&#39;", '\''), ("&nbsp;", ' ')]
                .iter()
                .find(|(e, _)| tail.starts_with(e))
                .map_or(('&', 1), |(e, c)| (*c, e.len()));
        out.push(ch);
        rest = &tail[len..];
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
