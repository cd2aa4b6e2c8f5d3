//! Per-address rate limits of the public doors that could otherwise be
//! walked (the dossier lookup, registration): so many requests per window,
//! then 429 with `Retry-After` until the window ends.
//!
//! Kept in the memory of each instance: with N instances behind a balancer
//! an address gets at most N times the limit, which still bounds a walk.
//! (Sign-in failures are counted in the database instead, so that a
//! lock-out holds across instances.)

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A limit: at most `max` requests per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

/// Fixed windows per key.
#[derive(Debug)]
pub struct Throttle {
    limit: Limit,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

/// Entries kept before expired ones are swept out.
const SWEEP_AT: usize = 10_000;

impl Throttle {
    pub fn new(limit: Limit) -> Throttle {
        Throttle { limit, windows: Mutex::new(HashMap::new()) }
    }

    /// Counts a request of `key` at `now`: `Ok` if allowed, else the whole
    /// seconds to wait (at least 1).
    pub fn check(&self, key: &str, now: Instant) -> Result<(), u64> {
        let Limit { max, window } = self.limit;
        let mut w = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if w.len() >= SWEEP_AT {
            w.retain(|_, (start, _)| now.saturating_duration_since(*start) < window);
        }
        let entry = w.entry(key.to_string()).or_insert((now, 0));
        if now.saturating_duration_since(entry.0) >= window {
            *entry = (now, 0);
        }
        if entry.1 >= max {
            let left = window.saturating_sub(now.saturating_duration_since(entry.0));
            return Err(left.as_secs_f64().ceil().max(1.0) as u64);
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_its_limit_per_window_and_is_told_how_long_to_wait() {
        let t = Throttle::new(Limit { max: 3, window: Duration::from_secs(60) });
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(t.check("a", t0), Ok(()));
        }
        assert_eq!(t.check("a", t0), Err(60));
        assert_eq!(t.check("a", t0 + Duration::from_millis(59_500)), Err(1));
        assert_eq!(t.check("b", t0), Ok(()), "another address is not held back");
        assert_eq!(t.check("a", t0 + Duration::from_secs(60)), Ok(()), "a new window");
    }

    #[test]
    fn expired_windows_are_swept_when_many() {
        let t = Throttle::new(Limit { max: 1, window: Duration::from_secs(1) });
        let t0 = Instant::now();
        for i in 0..SWEEP_AT {
            t.check(&i.to_string(), t0).unwrap();
        }
        t.check("late", t0 + Duration::from_secs(2)).unwrap();
        assert_eq!(t.windows.lock().unwrap().len(), 1);
    }
}
