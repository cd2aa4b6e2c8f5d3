//! Search that understands Vietnamese: accents and case are folded away, `đ`
//! matches `d`, the common spelling variants (`ki`/`ky`, `qui`/`quy`) meet,
//! and results whose accents match the query exactly rank first.
//!
//! The index is an in-memory list of pre-folded names: a province's catalog
//! (hundreds) or the national one (thousands) is scanned in well under a
//! millisecond, with no external search engine to run.

use unicode_normalization::UnicodeNormalization;

use crate::{Level, OnlineLevel, Procedure};

/// Lower-cases, keeps accents (NFC), turns punctuation into spaces.
pub fn accent_key(s: &str) -> String {
    let lowered: String = s.nfc().flat_map(char::to_lowercase).collect();
    squash(&lowered)
}

fn squash(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

const VOWELS: &[u8] = b"aeiouy";

/// Folds one accent-free token's spelling variants: a final `y` after a
/// consonant is `i` (`ky`→`ki`, `ly`→`li`), and `quy`→`qui`.
fn fold_token(tok: &str) -> String {
    let b = tok.as_bytes();
    if b.len() >= 2 && b[b.len() - 1] == b'y' {
        let prev = b[b.len() - 2];
        let qu = b.len() >= 3 && &b[b.len() - 3..b.len() - 1] == b"qu";
        if !VOWELS.contains(&prev) || qu {
            let mut s = tok[..tok.len() - 1].to_string();
            s.push('i');
            return s;
        }
    }
    tok.to_string()
}

/// Removes accents and case: `Đăng ký` → `dang ki`.
pub fn fold(s: &str) -> String {
    let stripped: String = s
        .nfd()
        .filter(|c| !('\u{0300}'..='\u{036f}').contains(c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect();
    squash(&stripped).split(' ').map(fold_token).collect::<Vec<_>>().join(" ")
}

/// The filters of a catalog search.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub text: String,
    pub field: Option<String>,
    pub agency: Option<String>,
    pub online_level: Option<OnlineLevel>,
    pub level: Option<Level>,
    pub limit: usize,
}

#[derive(Debug, Clone)]
struct Entry {
    code: String,
    code_lower: String,
    folded: String,
    accent: String,
    field: String,
    agencies: Vec<String>,
    online_level: OnlineLevel,
    levels: Vec<Level>,
    popularity: i64,
}

/// One search hit: the procedure's code and its score (higher first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub code: String,
    pub score: i64,
}

/// A set of entries, one bit each.
#[derive(Debug, Clone)]
struct Bits(Vec<u64>);

impl Bits {
    fn empty(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn or(&mut self, other: &Bits) {
        self.0.iter_mut().zip(&other.0).for_each(|(a, b)| *a |= b);
    }
    fn and(&mut self, other: &Bits) {
        self.0.iter_mut().zip(&other.0).for_each(|(a, b)| *a &= b);
    }
    fn has(&self, i: usize) -> bool {
        (self.0[i / 64] >> (i % 64)) & 1 == 1
    }
    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(w, &bits)| {
            let mut b = bits;
            std::iter::from_fn(move || {
                if b == 0 {
                    return None;
                }
                let t = b.trailing_zeros() as usize;
                b &= b - 1;
                Some(w * 64 + t)
            })
        })
    }
}

/// The in-memory search index: the entries, and an inverted index from each
/// folded word (Vietnamese and English names) to the entries that contain it.
/// Words are kept sorted, so the words a query word begins are one range.
#[derive(Debug, Clone, Default)]
pub struct Index {
    entries: Vec<Entry>,
    words: Vec<(String, Bits)>,
    /// Exact accented words (lower case) → entries, for ranking.
    accent_words: std::collections::HashMap<String, Bits>,
    /// Lower-cased codes with their entry, sorted: a code prefix is one range.
    codes: Vec<(String, usize)>,
}

impl Index {
    /// Builds the index from procedures and their popularity (e.g. dossiers a year).
    pub fn build<'a>(items: impl IntoIterator<Item = (&'a Procedure, i64)>) -> Index {
        let mut entries = Vec::new();
        let mut postings: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
        let mut accent_postings: std::collections::HashMap<String, Vec<usize>> = Default::default();
        for (i, (p, popularity)) in items.into_iter().enumerate() {
            let folded = fold(&p.name_vi);
            let accent = accent_key(&p.name_vi);
            for w in folded.split(' ').chain(fold(&p.name_en).split(' ').collect::<Vec<_>>()) {
                if !w.is_empty() {
                    postings.entry(w.to_string()).or_default().push(i);
                }
            }
            for w in accent.split(' ').filter(|w| !w.is_empty()) {
                let ids = accent_postings.entry(w.to_string()).or_default();
                if ids.last() != Some(&i) {
                    ids.push(i);
                }
            }
            entries.push(Entry {
                code: p.code.to_string(),
                code_lower: p.code.to_lowercase(),
                folded,
                accent,
                field: p.field.clone(),
                agencies: p.agencies.clone(),
                online_level: p.online_level,
                levels: p.levels.clone(),
                popularity,
            });
        }
        let n = entries.len();
        let bits = |ids: Vec<usize>| {
            let mut b = Bits::empty(n);
            ids.into_iter().for_each(|i| b.set(i));
            b
        };
        let words = postings.into_iter().map(|(w, ids)| (w, bits(ids))).collect();
        let accent_words = accent_postings.into_iter().map(|(w, ids)| (w, bits(ids))).collect();
        let mut codes: Vec<(String, usize)> =
            entries.iter().enumerate().map(|(i, e)| (e.code_lower.clone(), i)).collect();
        codes.sort();
        Index { entries, words, accent_words, codes }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries with a word that begins with `prefix`.
    fn prefixed(&self, prefix: &str) -> Bits {
        let mut out = Bits::empty(self.entries.len());
        let start = self.words.partition_point(|(w, _)| w.as_str() < prefix);
        for (_, b) in self.words[start..].iter().take_while(|(w, _)| w.starts_with(prefix)) {
            out.or(b);
        }
        out
    }

    /// Runs a query: every folded query word must begin a word of the name
    /// (Vietnamese or English) or the query must begin the code. Returns the
    /// total number of matches and the first `limit` hits, best first.
    pub fn search(&self, q: &Query) -> (usize, Vec<Hit>) {
        let folded_q = fold(&q.text);
        let q_tokens: Vec<&str> = folded_q.split(' ').filter(|t| !t.is_empty()).collect();
        let accent_q = accent_key(&q.text);
        let accent_q_tokens: Vec<&str> = accent_q.split(' ').filter(|t| !t.is_empty()).collect();
        let code_q = q.text.trim().to_lowercase();
        let looks_like_code = !code_q.is_empty() && !code_q.contains(' ') && code_q.bytes().any(|b| b.is_ascii_digit());

        let mut candidates = match q_tokens.split_first() {
            None => {
                let mut all = Bits::empty(self.entries.len());
                (0..self.entries.len()).for_each(|i| all.set(i));
                all
            }
            Some((first, rest)) => {
                let mut c = self.prefixed(first);
                for t in rest {
                    c.and(&self.prefixed(t));
                }
                c
            }
        };
        if looks_like_code {
            let start = self.codes.partition_point(|(c, _)| c.as_str() < code_q.as_str());
            for (_, i) in self.codes[start..].iter().take_while(|(c, _)| c.starts_with(&code_q)) {
                candidates.set(*i);
            }
        }

        // Entries holding every query word with its exact accents.
        let mut exact = Bits::empty(self.entries.len());
        if let Some((first, rest)) = accent_q_tokens.split_first() {
            if let Some(b) = self.accent_words.get(*first) {
                exact = b.clone();
                for t in rest {
                    match self.accent_words.get(*t) {
                        Some(b) => exact.and(b),
                        None => exact = Bits::empty(self.entries.len()),
                    }
                }
            }
        }
        let mut hits: Vec<(i64, i64, usize, usize)> = Vec::new();
        for i in candidates.iter() {
            let e = &self.entries[i];
            if q.field.as_deref().is_some_and(|f| f != e.field)
                || q.agency.as_deref().is_some_and(|a| !e.agencies.iter().any(|x| x == a))
                || q.online_level.is_some_and(|l| l != e.online_level)
                || q.level.is_some_and(|l| !e.levels.contains(&l))
            {
                continue;
            }
            let score = if q_tokens.is_empty() {
                0
            } else if looks_like_code && e.code_lower.starts_with(&code_q) {
                5000
            } else {
                let mut s = 100;
                if exact.has(i) {
                    s += 1000;
                    if e.accent.contains(&accent_q) {
                        s += 1000;
                    }
                }
                if e.folded.contains(&folded_q) {
                    s += 200;
                }
                if e.folded.starts_with(&folded_q) {
                    s += 100;
                }
                s
            };
            hits.push((score, e.popularity, e.folded.len(), i));
        }
        let total = hits.len();
        let limit = if q.limit == 0 { 20 } else { q.limit };
        let key = |h: &(i64, i64, usize, usize)| (std::cmp::Reverse(h.0), std::cmp::Reverse(h.1), h.2, h.3);
        if hits.len() > limit {
            hits.select_nth_unstable_by_key(limit - 1, key);
            hits.truncate(limit);
        }
        hits.sort_unstable_by_key(key);
        let out = hits.into_iter().map(|(score, _, _, i)| Hit { code: self.entries[i].code.clone(), score }).collect();
        (total, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::sample;

    fn proc(code: &str, name: &str) -> Procedure {
        Procedure { code: code.into(), name_vi: name.into(), name_en: "x".into(), ..sample() }
    }

    fn codes(idx: &Index, text: &str) -> Vec<String> {
        idx.search(&Query { text: text.into(), ..Default::default() }).1.into_iter().map(|h| h.code).collect()
    }

    #[test]
    fn folding() {
        assert_eq!(fold("Đăng ký kết hôn"), "dang ki ket hon");
        assert_eq!(fold("DANG KY KET HON"), "dang ki ket hon");
        assert_eq!(fold("dang ki ket hon"), "dang ki ket hon");
        assert_eq!(fold("Quy hoạch; quí"), "qui hoach qui");
        assert_eq!(fold("tay huy"), "tay huy");
        // decomposed input (NFD) folds the same as composed
        assert_eq!(fold("Đăng ký".nfd().collect::<String>().as_str()), "dang ki");
        assert_eq!(accent_key("Đăng  KÝ, kết-hôn"), "đăng ký kết hôn");
    }

    #[test]
    fn finds_marriage_registration_however_typed() {
        let procs = [proc("A", "Đăng ký kết hôn"), proc("B", "Đăng ký khai sinh"), proc("C", "Cấp giấy phép xây dựng")];
        let idx = Index::build(procs.iter().map(|p| (p, 0)));
        for q in [
            "dang ky ket hon",
            "DANG KY KET HON",
            "đăng ký kết hôn",
            "dang ki ket hon",
            "Dang Ky Ket",
            "đang ky ket hon",
        ] {
            assert_eq!(codes(&idx, q), vec!["A"], "query {q}");
        }
        assert_eq!(codes(&idx, "dang ky").len(), 2);
        assert_eq!(codes(&idx, "giay phep"), vec!["C"]);
        assert!(codes(&idx, "khong co").is_empty());
        // code search: a code-like query matches the beginning of codes
        let procs = [proc("1.000894", "Đăng ký kết hôn"), proc("2.000908", "Chứng thực bản sao")];
        let idx = Index::build(procs.iter().map(|p| (p, 0)));
        assert_eq!(codes(&idx, "1.000"), vec!["1.000894"]);
        assert_eq!(codes(&idx, "2.000908"), vec!["2.000908"]);
    }

    #[test]
    fn exact_accents_rank_first() {
        // "bán" and "bản" fold alike; the one typed with its accents wins.
        let procs = [proc("X", "Giấy phép bán lẻ"), proc("Y", "Giấy phép bản lẻ")];
        let idx = Index::build(procs.iter().map(|p| (p, 0)));
        assert_eq!(codes(&idx, "bản lẻ"), vec!["Y", "X"]);
        assert_eq!(codes(&idx, "bán lẻ"), vec!["X", "Y"]);
    }

    #[test]
    fn popularity_breaks_ties_and_filters_apply() {
        let mut a = proc("A", "Đăng ký khai sinh");
        let b = proc("B", "Đăng ký khai tử");
        a.online_level = OnlineLevel::Partial;
        let idx = Index::build([(&a, 1), (&b, 5)]);
        assert_eq!(codes(&idx, "dang ky khai"), vec!["B", "A"]);
        let q = Query { text: "dang ky".into(), online_level: Some(OnlineLevel::Partial), ..Default::default() };
        assert_eq!(idx.search(&q).1.len(), 1);
        let q = Query { text: "".into(), field: Some("none".into()), ..Default::default() };
        assert_eq!(idx.search(&q).0, 0);
        let q = Query { text: "".into(), limit: 1, ..Default::default() };
        let (total, hits) = idx.search(&q);
        assert_eq!((total, hits.len()), (2, 1));
        assert_eq!(hits[0].code, "B");
    }
}
