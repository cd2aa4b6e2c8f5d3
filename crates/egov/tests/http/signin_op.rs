//! The relying party against a real OpenID Connect provider started by the
//! test (panva's certified `oidc-provider` under Node): the whole sign-in,
//! then each way a provider's answer can be wrong — tampered, for another
//! client, expired, with another nonce — a replayed `state`, a key
//! rotation and a back-channel logout, each refused or handled as the
//! specifications say.

use crate::common::*;
use crate::signin::hidden_inputs;

/// An address the provider answered with, made absolute.
fn absolute(op: &TestOp, location: &str) -> String {
    if location.starts_with("http") {
        location.to_string()
    } else {
        format!("{}{location}", op.issuer)
    }
}

/// Follows the provider's redirects (its own addresses only) from `url`
/// until it sends the browser elsewhere; returns that address.
async fn follow_at_op(c: &Client, op: &TestOp, mut url: String) -> String {
    for _ in 0..10 {
        if !url.starts_with(&op.issuer) {
            return url;
        }
        let r = c.get_url(&url).await;
        if r.status == 200 && r.text.contains("/interaction/") {
            return url;
        }
        assert!(matches!(r.status, 302 | 303), "{url}: {} {}", r.status, r.text);
        url = absolute(op, r.location());
    }
    panic!("too many redirects at the provider");
}

/// Begins signing in at the test provider, logs in there as `account`;
/// returns the callback address the provider sends the browser to.
async fn to_callback(c: &Client, op: &TestOp, account: &str) -> String {
    to_callback_via(c, op, "testop", account).await
}

/// The same through egov's provider configuration `provider`.
async fn to_callback_via(c: &Client, op: &TestOp, provider: &str, account: &str) -> String {
    let r = c.get(&format!("/dang-nhap/oidc/{provider}?next=/ho-so-cua-toi")).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let at = follow_at_op(c, op, r.location().to_string()).await;
    let page = c.get_url(&at).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let action = page.text.split("action=\"").nth(1).and_then(|s| s.split('"').next()).expect("a login form");
    let r = c.post_form_url(&absolute(op, action), &[("account".into(), account.into())]).await;
    assert!(matches!(r.status, 302 | 303), "{} {}", r.status, r.text);
    let cb = follow_at_op(c, op, absolute(op, r.location())).await;
    assert!(cb.contains("/dang-nhap/oidc/callback?"), "{cb}");
    cb
}

async fn sign_in(c: &Client, op: &TestOp, account: &str) -> Resp {
    let cb = to_callback(c, op, account).await;
    c.get_url(&cb).await
}

/// The reason egov recorded for its last refused sign-in matches `reason`
/// (the audit chain keeps the digest of `{"reason": …}`).
async fn last_refusal_was(app: &TestApp, reason: &str) -> bool {
    let digest = egov_audit::digest_of(&serde_json::json!({ "reason": reason }));
    let found = app
        .store
        .scalar_text("SELECT after_digest FROM audit_log WHERE action = 'oidc.refused' ORDER BY seq DESC LIMIT 1")
        .await
        .unwrap_or_default();
    found == digest
}

#[tokio::test]
async fn the_whole_sign_in_with_a_real_provider_and_twice_is_one_citizen() {
    let (app, op) = spawn_with_test_op().await;
    let c = app.client();
    let r = sign_in(&c, &op, "p-mai").await;
    assert_eq!((r.status, r.location()), (303, "/ho-so-cua-toi"), "{}", r.text);
    assert!(c.get("/ho-so-cua-toi").await.text.contains("Trần Thị Mai"), "the name came from userinfo");
    let level: String = app
        .store
        .scalar_text("SELECT CAST(assurance AS TEXT) || ':' || birth_date FROM users WHERE id_number = '072190001111'")
        .await
        .unwrap();
    assert_eq!(level, "2:1990-05-12", "the level and birth date under the provider's own claim names");
    let c2 = app.client();
    assert_eq!(sign_in(&c2, &op, "p-mai").await.status, 303);
    assert_eq!(app.store.count_where("users", "id_number = '072190001111'").await.unwrap(), 1);
}

#[tokio::test]
async fn each_spoiled_id_token_is_refused_by_the_check_it_breaks() {
    let (app, op) = spawn_with_test_op().await;
    for (mode, reason) in [
        ("tamper", "ID token: the ID token's signature does not verify"),
        ("wrong-audience", "ID token: the ID token is not for this client"),
        ("expired", "ID token: the ID token has expired"),
        ("wrong-nonce", "ID token: the ID token's nonce is not the one sent"),
    ] {
        let c = app.client();
        let cb = to_callback(&c, &op, "p-mai").await;
        op.set_mode(mode).await;
        let r = c.get_url(&cb).await;
        assert_eq!(r.status, 403, "{mode}: {}", r.text);
        assert!(r.text.contains("Không thể xác minh danh tính"), "{mode}: {}", r.text);
        assert!(last_refusal_was(&app, reason).await, "{mode} is refused as: {reason}");
        assert!(c.get("/ho-so-cua-toi").await.location().starts_with("/dang-nhap"), "{mode}: no session");
    }
    assert_eq!(app.store.count_where("sessions", "provider = 'testop'").await.unwrap(), 0);
    assert_eq!(app.store.count_where("users", "id_number IS NOT NULL").await.unwrap(), 0, "nobody was made");
    // the provider answers well again: accepted
    assert_eq!(sign_in(&app.client(), &op, "p-mai").await.status, 303);
}

#[tokio::test]
async fn a_replayed_state_is_refused() {
    let (app, op) = spawn_with_test_op().await;
    let c = app.client();
    let cb = to_callback(&c, &op, "p-hung").await;
    assert_eq!(c.get_url(&cb).await.status, 303);
    let again = c.get_url(&cb).await;
    assert_eq!(again.status, 403, "{}", again.text);
    assert!(again.text.contains("Phiên đăng nhập không hợp lệ"));
}

#[tokio::test]
async fn a_rotated_key_is_fetched_and_trusted() {
    let (app, op) = spawn_with_test_op().await;
    assert_eq!(sign_in(&app.client(), &op, "p-mai").await.status, 303, "the first key");
    let kid = op.rotate().await;
    let c = app.client();
    let r = sign_in(&c, &op, "p-mai").await;
    assert_eq!(r.status, 303, "signed with the new key {kid}: {}", r.text);
}

#[tokio::test]
async fn signing_out_at_the_provider_ends_the_egov_session_through_the_back_channel() {
    let (app, op) = spawn_with_test_op().await;
    let c = app.client();
    assert_eq!(sign_in(&c, &op, "p-mai").await.status, 303);
    assert_eq!(app.store.count_where("sessions", "provider = 'testop' AND sid IS NOT NULL").await.unwrap(), 1);
    // the person signs out at the provider (another tab, the provider's own app)
    let page = c.get_url(&format!("{}/session/end", op.issuer)).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let form = hidden_inputs(&page.text);
    let action = page.text.split("action=\"").nth(1).and_then(|s| s.split('"').next()).expect("a logout form");
    let r = c.post_form_url(&absolute(&op, action), &form).await;
    assert!(r.status < 400, "{} {}", r.status, r.text);
    // the provider has posted a signed logout token to egov before answering
    assert_eq!(app.store.count_where("sessions", "provider = 'testop'").await.unwrap(), 0);
    assert!(c.get("/ho-so-cua-toi").await.location().starts_with("/dang-nhap"));
    assert_eq!(
        app.store.count_where("audit_log", "action = 'session.end' AND actor = 'provider:testop'").await.unwrap(),
        1
    );
}

#[tokio::test]
async fn an_organisation_signs_in_under_the_provider_s_claim_names() {
    let (app, op) = spawn_with_test_op().await;
    let c = app.client();
    assert_eq!(sign_in(&c, &op, "p-lan-org").await.status, 303);
    assert!(c.get("/ho-so-cua-toi").await.text.contains("Công ty TNHH Nông sản Tây Ninh"));
    let rep = app
        .store
        .scalar_text(
            "SELECT r.id_number FROM representatives r JOIN users u ON u.id = r.org_id \
             WHERE u.tax_code = '3901234567' AND r.until IS NULL",
        )
        .await
        .unwrap();
    assert_eq!(rep, "072188003333", "the representative recorded");
}

#[tokio::test]
async fn the_client_may_authenticate_with_a_private_key_jwt() {
    let (app, op) = spawn_with_test_op().await;
    let c = app.client();
    let cb = to_callback_via(&c, &op, "testop-pk", "p-mai").await;
    let r = c.get_url(&cb).await;
    assert_eq!((r.status, r.location()), (303, "/ho-so-cua-toi"), "{}", r.text);
    let s = app.store.scalar_text("SELECT provider FROM sessions WHERE provider IS NOT NULL").await.unwrap();
    assert_eq!(s, "testop-pk");
}
