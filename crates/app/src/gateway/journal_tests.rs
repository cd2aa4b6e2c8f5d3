//! The journal (`process` durability) with a real SQLite store: an
//! exchange is answered once journaled and reaches the chain after; what a
//! process left in its journal is replayed once, after what the database
//! already holds; a journal all in the database starts again empty.

use std::time::Duration;

use egov_gateway::{Exchange, Logged, Outcome};
use egov_store::gateway::journal::{replay, Journal, Mark};

use super::tests::store;
use super::Gateway;

fn logged(i: u32) -> Logged {
    let exchange = Exchange {
        message_id: format!("m{i}"),
        client: "VN-TN/GOV/H72.12/erp".into(),
        service: "VN-TN/GOV/H72.11/hotich/status".into(),
        method: "GET".into(),
        path: format!("/dossiers/{i}"),
        status: 200,
        outcome: Outcome::Answered,
        request_bytes: 0,
        response_bytes: 0,
        request_sha256: egov_gateway::log::sha256_hex(b""),
        response_sha256: egov_gateway::log::sha256_hex(b""),
        started_at: i64::from(i),
        duration_us: 1,
    };
    Logged { exchange, bodies: None }
}

fn journals(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("gateway-journal-"))
        .count()
}

#[tokio::test]
async fn journaled_exchanges_reach_the_chain_and_a_left_journal_is_replayed_once() {
    let (s, dir) = store().await;
    let jdir = dir.join("data");
    let gw = Gateway::load(&s, Some(&jdir)).await.unwrap();
    assert_eq!(journals(&jdir), 1, "the instance's journal");
    for i in 1..=20 {
        gw.log(logged(i)).await.unwrap();
    }
    let start = std::time::Instant::now();
    while s.gateway_log_head().await.unwrap().0 < 20 {
        assert!(start.elapsed() < Duration::from_secs(5), "the chain did not follow the journal");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // a process that wrote 5 entries, of which the database took 2
    let mut left = Journal::create(&jdir).unwrap();
    let id = left.id().to_string();
    for i in 101..=105 {
        left.append(&logged(i)).unwrap();
    }
    s.append_exchanges(&[logged(101), logged(102)], Some(&Mark { journal: id.clone(), n: 2 })).await.unwrap();
    assert_eq!(replay(&s, &jdir).await.unwrap(), 0, "a journal a live process holds is not touched");
    // … then died: its file stays, its lock goes with it
    drop(left);
    assert_eq!(journals(&jdir), 2);
    assert_eq!(replay(&s, &jdir).await.unwrap(), 3, "what the database did not take");
    assert_eq!(journals(&jdir), 1, "replayed and removed; the live one stays");
    assert_eq!(replay(&s, &jdir).await.unwrap(), 0);
    let ids: Vec<String> = s.exchanges(1, 100).await.unwrap().into_iter().map(|r| r.1.message_id).collect();
    let late: Vec<&str> = ids.iter().map(String::as_str).filter(|m| m.len() == 4 && m.starts_with("m10")).collect();
    assert_eq!(late, ["m101", "m102", "m103", "m104", "m105"], "each once, in order");

    // segments of a few megabytes: a closed one goes once the database has
    // its last entry; a process that died with two left replays both, once
    let mut j = Journal::create(&jdir).unwrap();
    let (id, forget, first) = (j.id().to_string(), j.forget(), j.path().to_path_buf());
    let mut n = 0;
    while j.path() == first {
        n = j.append(&logged(1000)).unwrap().n;
    }
    let first_last = n - 1; // the entry that opened the second segment is in it
    forget.committed(first_last - 1);
    assert!(first.exists(), "not all of it is in the database: kept");
    forget.committed(first_last);
    assert!(!first.exists(), "all of it is in: removed");
    let second = j.path().to_path_buf();
    while j.path() == second {
        n = j.append(&logged(2000)).unwrap().n;
    }
    s.append_exchanges(&[], Some(&Mark { journal: id, n: first_last })).await.unwrap();
    // the process dies: every segment's lock goes with it
    drop(j);
    drop(forget);
    assert_eq!(replay(&s, &jdir).await.unwrap() as u64, n - first_last, "the second and the third segments");
    assert_eq!(journals(&jdir), 1, "only the live instance's");
    s.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

/// A database that does not take the log's batches (its write lock held
/// elsewhere): the journal goes on taking exchanges up to the backlog; then
/// a call waits for room, in vain while the database is held, and gets it
/// once the database takes the batches.
#[tokio::test]
async fn calls_wait_while_more_than_the_backlog_waits_for_the_database() {
    let (s, dir) = store().await;
    let gw = Gateway::load(&s, Some(&dir.join("data"))).await.unwrap().with_backlog(1000);
    let patience = Duration::from_millis(300);
    assert!(gw.room(patience).await);
    let held = s.begin_write().await.unwrap();
    let mut n = 0;
    while !gw.behind() {
        n += 1;
        assert!(n < 100, "the backlog is never reached");
        gw.log_now(logged(n)).unwrap();
    }
    assert!(n > 1, "one record is not a thousand bytes");
    let start = std::time::Instant::now();
    assert!(!gw.room(patience).await, "no room while the database is held");
    assert!(start.elapsed() >= patience, "the call waited before it was refused");
    // room comes while a call waits: the database is let go meanwhile
    let waiting = gw.room(Duration::from_secs(20));
    let release = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        drop(held);
    };
    let (room, ()) = tokio::join!(waiting, release);
    assert!(room, "the writer caught up and the waiting call went on");
    let start = std::time::Instant::now();
    while s.gateway_log_head().await.unwrap().0 < i64::from(n) {
        assert!(start.elapsed() < Duration::from_secs(20), "the chain did not take the journal");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
