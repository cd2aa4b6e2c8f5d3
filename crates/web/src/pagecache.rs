//! Pages rendered for visitors not signed in, kept by their ETag (which
//! names the program, the data's version, the language and the address):
//! the same tag, the same bytes, served without rendering again. Bounded in
//! bytes; the oldest entry goes first. A page is never kept for someone
//! signed in (their pages name them).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use axum::body::Bytes;

/// At most this many bytes of pages are kept.
pub const MAX_BYTES: usize = 32 << 20;

#[derive(Default)]
pub struct PageCache {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    pages: HashMap<String, Bytes>,
    order: VecDeque<String>,
    bytes: usize,
}

impl PageCache {
    pub fn get(&self, tag: &str) -> Option<Bytes> {
        self.inner.lock().ok()?.pages.get(tag).cloned()
    }

    pub fn put(&self, tag: &str, page: Bytes) {
        if page.len() > MAX_BYTES / 8 {
            return;
        }
        let Ok(mut i) = self.inner.lock() else { return };
        if i.pages.contains_key(tag) {
            return;
        }
        i.bytes += page.len();
        i.pages.insert(tag.to_string(), page);
        i.order.push_back(tag.to_string());
        while i.bytes > MAX_BYTES {
            let Some(old) = i.order.pop_front() else { break };
            if let Some(p) = i.pages.remove(&old) {
                i.bytes -= p.len();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_pages_go_first_when_the_bytes_run_out() {
        let c = PageCache::default();
        let page = Bytes::from(vec![b'x'; MAX_BYTES / 8]);
        for i in 0..9 {
            c.put(&format!("t{i}"), page.clone());
        }
        assert!(c.get("t0").is_none(), "the first went");
        assert!((1..9).all(|i| c.get(&format!("t{i}")).is_some()));
        c.put("big", Bytes::from(vec![b'x'; MAX_BYTES / 8 + 1]));
        assert!(c.get("big").is_none(), "a page too big is not kept");
    }
}
