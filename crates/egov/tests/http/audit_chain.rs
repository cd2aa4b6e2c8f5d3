//! The audit chain: every change appends an entry; `egov audit verify`
//! detects an altered, removed or reordered entry and names it.

use crate::common::*;

fn verify(app: &TestApp) -> (bool, String) {
    let out = app.cli(&["audit", "verify"]);
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

/// An app with some history: a registration, sign-ins, a token, a catalog import.
async fn with_history() -> TestApp {
    let app = spawn().await;
    let c = app.client();
    c.login("demo.admin", DEMO_PASSWORD).await;
    let (_, token) = app.token("demo.admin").await;
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

/// A folder for an anchor key and file, removed at the end.
struct AnchorDir(std::path::PathBuf);

impl AnchorDir {
    fn new() -> AnchorDir {
        let d = std::env::temp_dir().join(format!("egov-anchor-{}", random_name()));
        std::fs::create_dir_all(&d).unwrap();
        AnchorDir(d)
    }
    fn key(&self) -> String {
        self.0.join("anchor.key").display().to_string()
    }
    fn file(&self) -> String {
        self.0.join("anchors.log").display().to_string()
    }
    fn anchor(&self, app: &TestApp) {
        let out = app.cli(&["audit", "anchor", "--audit-anchor-key", &self.key(), "--audit-anchor-file", &self.file()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    fn verify(&self, app: &TestApp) -> (bool, String) {
        let out = app.cli(&["audit", "verify", "--anchor", &self.file(), "--audit-anchor-key", &self.key()]);
        (
            out.status.success(),
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)),
        )
    }
}

impl Drop for AnchorDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Cuts the chain's tail as a forger with the database would: the last
/// entries deleted and the head row rewound to the one before them.
async fn cut_tail(app: &TestApp, keep: i64) {
    app.store.execute_raw(&format!("DELETE FROM audit_log WHERE seq > {keep}")).await.unwrap();
    app.store
        .execute_raw(&format!(
            "UPDATE audit_head SET seq = {keep}, hash = (SELECT hash FROM audit_log WHERE seq = {keep}) WHERE id = 1"
        ))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_cut_tail_passes_the_chain_alone_but_not_its_anchors() {
    let app = with_history().await;
    let dir = AnchorDir::new();
    dir.anchor(&app);
    let (ok, out) = dir.verify(&app);
    assert!(ok, "{out}");
    // more history, anchored again
    app.client().login("demo.citizen", DEMO_PASSWORD).await;
    dir.anchor(&app);
    let head = app.store.audit_head().await.unwrap();
    assert!(dir.verify(&app).0);
    cut_tail(&app, head.seq - 1).await;
    // what the database alone cannot see ...
    let (ok, out) = verify(&app);
    assert!(ok, "the chain alone still verifies: {out}");
    // ... the anchors do
    let (ok, out) = dir.verify(&app);
    assert!(!ok);
    assert!(out.contains("tail was cut") && out.contains(&format!("entry {}", head.seq)), "{out}");
}

#[tokio::test]
async fn a_rewritten_tail_is_caught_by_its_anchors() {
    let app = with_history().await;
    let dir = AnchorDir::new();
    dir.anchor(&app);
    let head = app.store.audit_head().await.unwrap();
    // cut two entries, then let the platform write on: the chain grows past
    // the anchored entry again, with other hashes
    cut_tail(&app, head.seq - 2).await;
    for _ in 0..3 {
        app.client().login("demo.citizen", DEMO_PASSWORD).await;
    }
    assert!(app.store.audit_head().await.unwrap().seq > head.seq);
    assert!(verify(&app).0);
    let (ok, out) = dir.verify(&app);
    assert!(!ok);
    assert!(out.contains(&format!("entry {} has another hash", head.seq)), "{out}");
}

#[tokio::test]
async fn forged_or_foreign_anchors_are_refused() {
    let app = with_history().await;
    let dir = AnchorDir::new();
    dir.anchor(&app);
    let text = std::fs::read_to_string(dir.file()).unwrap();
    let anchor: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
    // the forger moves the anchor back to hide the tail: the signature no longer matches
    let forged = text.replace(&format!("\"seq\":{}", anchor["seq"]), "\"seq\":1");
    std::fs::write(dir.file(), forged).unwrap();
    let (ok, out) = dir.verify(&app);
    assert!(!ok && out.contains("signature"), "{out}");
    // anchors signed by another key than the instance's
    let other = AnchorDir::new();
    other.anchor(&app);
    let out = app.cli(&["audit", "verify", "--anchor", &other.file(), "--audit-anchor-key", &dir.key()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("another key"));
    // the key file is the owner's alone
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.key()).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }
}
