//! A station's day: its broadcast slots, and the playlist they make over
//! some hours — emergency bulletins at once, then in each slot the priority
//! bulletins first and the normal ones after, each valid at the slot's
//! start, as many as fit; those that do not fit are the slot's clashes,
//! shown to the commune (which may order them: `rank`). A normal bulletin
//! the commune placed in chosen slots (`slots`) plays in those alone.

use chrono::{Duration, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::{Priority, Problem};

/// A daily broadcast slot, within one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Slot {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Slot {
    /// Every problem of a station's slots: each must end after it starts,
    /// and no two may overlap.
    pub fn check(slots: &[Slot]) -> Vec<Problem> {
        let mut out = Vec::new();
        if slots.iter().any(|s| s.end <= s.start) {
            out.push(Problem { field: "slots", key: "err.radio.slot_order" });
        }
        let mut sorted = slots.to_vec();
        sorted.sort();
        if sorted.windows(2).any(|w| w[1].start < w[0].end) {
            out.push(Problem { field: "slots", key: "err.radio.slot_overlap" });
        }
        if slots.len() > 24 {
            out.push(Problem { field: "slots", key: "err.too_long" });
        }
        out
    }
}

/// A bulletin as the playlist sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Playable {
    pub id: i64,
    pub priority: Priority,
    /// The commune's order among bulletins of one priority (lower first).
    pub rank: i32,
    pub approved_at: NaiveDateTime,
    pub valid_from: NaiveDateTime,
    pub valid_to: NaiveDateTime,
    pub duration_ms: u64,
    /// The daily slots (their starts) the commune chose for a normal
    /// bulletin at this station; empty: any slot (placed automatically).
    pub slots: Vec<NaiveTime>,
}

impl Playable {
    /// Whether the bulletin may play in the slot that starts at `start`:
    /// a priority bulletin in every slot, a normal one in those chosen for
    /// it (every slot when none was chosen).
    pub fn fits_slot(&self, start: NaiveTime) -> bool {
        self.priority != Priority::Normal || self.slots.is_empty() || self.slots.contains(&start)
    }
}

/// One play of a bulletin: when it starts, in which slot (none: at once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Planned {
    pub bulletin: i64,
    pub at: NaiveDateTime,
    pub duration_ms: u64,
    pub priority: Priority,
    /// The slot's start, or none for an emergency played at once.
    pub slot: Option<NaiveDateTime>,
}

/// A bulletin that did not fit in a slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clash {
    pub bulletin: i64,
    pub slot: NaiveDateTime,
}

/// The plays from `from` until `to`: emergencies valid at `from` at once
/// (oldest approval first), then every slot that starts in the window.
pub fn playlist(
    bulletins: &[Playable],
    slots: &[Slot],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> (Vec<Planned>, Vec<Clash>) {
    let mut plays = Vec::new();
    let mut clashes = Vec::new();
    let valid = |b: &&Playable, t: NaiveDateTime| b.valid_from <= t && t < b.valid_to;
    let mut urgent: Vec<&Playable> =
        bulletins.iter().filter(|b| b.priority == Priority::Emergency).filter(|b| valid(b, from)).collect();
    urgent.sort_by_key(|b| (b.approved_at, b.id));
    let mut at = from;
    for b in urgent {
        plays.push(Planned { bulletin: b.id, at, duration_ms: b.duration_ms, priority: b.priority, slot: None });
        at += Duration::milliseconds(i64::try_from(b.duration_ms).unwrap_or(i64::MAX / 2));
    }
    let mut sorted = slots.to_vec();
    sorted.sort();
    let mut day = from.date();
    while day <= to.date() {
        for s in &sorted {
            let (start, end) = (day.and_time(s.start), day.and_time(s.end));
            if start < from || start >= to {
                continue;
            }
            let mut here: Vec<&Playable> = bulletins
                .iter()
                .filter(|b| b.priority != Priority::Emergency)
                .filter(|b| valid(b, start) && b.fits_slot(s.start))
                .collect();
            here.sort_by_key(|b| (std::cmp::Reverse(b.priority), b.rank, b.approved_at, b.id));
            let mut cursor = start;
            for b in here {
                let len = Duration::milliseconds(i64::try_from(b.duration_ms).unwrap_or(i64::MAX / 2));
                if cursor + len <= end {
                    plays.push(Planned {
                        bulletin: b.id,
                        at: cursor,
                        duration_ms: b.duration_ms,
                        priority: b.priority,
                        slot: Some(start),
                    });
                    cursor += len;
                } else {
                    clashes.push(Clash { bulletin: b.id, slot: start });
                }
            }
        }
        match day.succ_opt() {
            Some(d) => day = d,
            None => break,
        }
    }
    (plays, clashes)
}
