//! The audit chain: every change appends an entry; `egov audit verify`
//! detects an altered, removed or reordered entry and names it.

mod common;

use common::*;

fn verify(app: &TestApp) -> (bool, String) {
    let out = app.cli(&["audit", "verify"]);
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

/// An app with some history: a registration, sign-ins, a token, a catalog import.
async fn with_history() -> TestApp {
    let app = spawn().await;
    let c = app.client();
    c.login("demo.admin", DEMO_PASSWORD).await;
    let (_, token) = app.token("demo.admin");
    let api = app.client().with_bearer(&token);
    let doc = api.get("/api/v1/catalog").await.text;
    assert_eq!(api.put_json("/api/v1/catalog", &doc).await.status, 200);
    app
}

#[tokio::test]
async fn every_change_is_audited_and_the_chain_verifies() {
    let app = with_history().await;
    let entries = app.store.recent_audit(1000).await.unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.event.action.as_str()).collect();
    for a in ["demo.load", "session.start", "token.issue", "procedure.update"] {
        assert!(actions.contains(&a), "no {a} in {actions:?}");
    }
    // an update records digests of the state before and after
    let upd = entries.iter().find(|e| e.event.action == "procedure.update").unwrap();
    assert_eq!(upd.event.before_digest.len(), 64);
    assert_eq!(upd.event.before_digest, upd.event.after_digest, "re-importing the same catalog changes no content");
    let (ok, out) = verify(&app);
    assert!(ok, "{out}");
    assert!(out.contains(&format!("{} entries", entries.len())), "{out}");
}

#[tokio::test]
async fn an_altered_entry_is_detected_and_named() {
    let app = with_history().await;
    app.store.execute_raw("UPDATE audit_log SET actor = 'user:999' WHERE seq = 3").await.unwrap();
    let (ok, out) = verify(&app);
    assert!(!ok);
    assert!(out.contains("BROKEN at entry 3"), "{out}");
}

#[tokio::test]
async fn an_altered_and_rehashed_entry_is_detected_at_the_next() {
    let app = with_history().await;
    // a forger who recomputes nothing but copies another entry's hash still breaks the link
    app.store
        .execute_raw("UPDATE audit_log SET hash = (SELECT hash FROM audit_log WHERE seq = 2) WHERE seq = 4")
        .await
        .unwrap();
    let (ok, out) = verify(&app);
    assert!(!ok);
    assert!(out.contains("BROKEN at entry 4"), "{out}");
}

#[tokio::test]
async fn a_removed_entry_is_detected_and_named() {
    let app = with_history().await;
    app.store.execute_raw("DELETE FROM audit_log WHERE seq = 2").await.unwrap();
    let (ok, out) = verify(&app);
    assert!(!ok);
    assert!(out.contains("BROKEN at entry 3"), "{out}");
    // removing the newest entry is caught by the head
    let app = with_history().await;
    let head = app.store.audit_head().await.unwrap();
    app.store.execute_raw(&format!("DELETE FROM audit_log WHERE seq = {}", head.seq)).await.unwrap();
    let (ok, out) = verify(&app);
    assert!(!ok);
    assert!(out.contains(&format!("BROKEN at entry {}", head.seq)), "{out}");
}

#[tokio::test]
async fn reordered_entries_are_detected_and_named() {
    let app = with_history().await;
    // swap the positions of entries 2 and 3
    app.store.execute_raw("UPDATE audit_log SET seq = -3 WHERE seq = 3").await.unwrap();
    app.store.execute_raw("UPDATE audit_log SET seq = 3 WHERE seq = 2").await.unwrap();
    app.store.execute_raw("UPDATE audit_log SET seq = 2 WHERE seq = -3").await.unwrap();
    let (ok, out) = verify(&app);
    assert!(!ok);
    assert!(out.contains("BROKEN at entry 2"), "{out}");
}

#[tokio::test]
async fn a_failed_write_appends_nothing() {
    let app = spawn().await;
    let before = app.store.audit_head().await.unwrap();
    {
        let mut w = app.store.begin_write().await.unwrap();
        w.audit(egov_audit::Event::new("test", "x", "y", None::<&()>, None::<&()>));
        // dropped without commit
    }
    assert_eq!(app.store.audit_head().await.unwrap(), before);
    assert!(verify(&app).0);
}
