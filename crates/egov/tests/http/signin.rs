//! Signing in through an OpenID Connect provider (issue 14), against the
//! demonstration provider egov serves in demo mode: a real provider over
//! HTTP (discovery, JWKS, code flow with PKCE, ES256 ID tokens, userinfo,
//! logout), walked as a browser would.

use crate::common::*;

/// Unescapes what askama escapes in an attribute.
fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#47;", "/")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#43;", "+")
        .replace("&amp;", "&")
}

/// The hidden inputs of a page's form, as name and value.
pub(crate) fn hidden_inputs(html: &str) -> Vec<(String, String)> {
    html.split("<input type=\"hidden\" name=\"")
        .skip(1)
        .filter_map(|rest| {
            let (name, rest) = rest.split_once('"')?;
            let rest = rest.strip_prefix(" value=\"")?;
            let (value, _) = rest.split_once('"')?;
            Some((name.to_string(), unescape(value)))
        })
        .collect()
}

/// Begins signing in at the demo provider and picks `subject` there;
/// returns the callback address the provider sends the browser to.
async fn to_callback(c: &Client, subject: &str, next: &str) -> String {
    let r = c.get(&format!("/dang-nhap/oidc/demo?next={next}")).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let authorize = r.location().to_string();
    assert!(authorize.contains("code_challenge_method=S256") && authorize.contains("nonce="), "{authorize}");
    let page = c.get_url(&authorize).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("MÔ PHỎNG"), "the provider says it is a demonstration");
    let mut form = hidden_inputs(&page.text);
    form.push(("subject".into(), subject.into()));
    let action = authorize.split('?').next().unwrap().to_string();
    let r = c.post_form_url(&action, &form).await;
    assert_eq!(r.status, 303, "{}", r.text);
    r.location().to_string()
}

/// The application page's form, submitted to H72.50.01 with both documents.
fn filing(csrf: String, name: &str, id_number: &str) -> reqwest::multipart::Form {
    with_couple(reqwest::multipart::Form::new())
        .text("csrf", csrf)
        .text("agency", "H72.50.01")
        .text("f_applicant_name", name.to_string())
        .text("f_applicant_id", id_number.to_string())
        .text("f_address", "Phường Tân Ninh")
        .text("submit", "1")
        .part("part_0", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("to-khai.pdf"))
        .part("part_1", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("cccd.pdf"))
}

/// Signs in as a demo person; returns the callback's answer.
async fn sign_in(c: &Client, subject: &str) -> Resp {
    let cb = to_callback(c, subject, "/ho-so-cua-toi").await;
    c.get_url(&cb).await
}

#[tokio::test]
async fn a_citizen_signs_in_through_the_provider_and_twice_is_one_citizen() {
    let app = spawn_demo_idp().await;
    let c = app.client();
    let r = sign_in(&c, "demo-mai").await;
    assert_eq!((r.status, r.location()), (303, "/ho-so-cua-toi"), "{}", r.text);
    let mine = c.get("/ho-so-cua-toi").await;
    assert!(mine.text.contains("Trần Thị Mai"), "{}", mine.text);
    assert_eq!(c.get_url(&format!("{}/dang-nhap/oidc/callback?state=x&code=y", app.base)).await.status, 403);
    // again, in another browser: the same citizen
    let c2 = app.client();
    assert_eq!(sign_in(&c2, "demo-mai").await.status, 303);
    let n = app.store.count_where("users", "id_number = '072190001111'").await.unwrap();
    assert_eq!(n, 1, "one record per ID number");
    // the record carries what the provider vouched for
    let audit = app.store.count_where("audit_log", "action = 'session.start'").await.unwrap();
    assert_eq!(audit, 2, "each sign-in is audited");
}

#[tokio::test]
async fn a_state_is_good_once_and_only_in_the_browser_that_began() {
    let app = spawn_demo_idp().await;
    let c = app.client();
    let cb = to_callback(&c, "demo-mai", "/").await;
    // another browser holding the callback address (a forged login) is refused
    let thief = app.client();
    let r = thief.get_url(&cb).await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert!(r.text.contains("Phiên đăng nhập không hợp lệ"), "{}", r.text);
    // and the state is spent: the real browser cannot use it either
    let r = c.get_url(&cb).await;
    assert_eq!(r.status, 403);
    // a fresh sign-in works, once
    let cb = to_callback(&c, "demo-mai", "/").await;
    assert_eq!(c.get_url(&cb).await.status, 303);
    let again = c.get_url(&cb).await;
    assert_eq!(again.status, 403, "a replayed state is refused");
}

#[tokio::test]
async fn signing_out_ends_the_session_here_and_at_the_provider() {
    let app = spawn_demo_idp().await;
    let c = app.client();
    assert_eq!(sign_in(&c, "demo-hung").await.status, 303);
    let csrf = c.get("/ho-so-cua-toi").await.csrf();
    let r = c.post_form("/dang-xuat", &[("csrf", &csrf)]).await;
    assert_eq!(r.status, 303);
    let end = r.location().to_string();
    assert!(end.starts_with(&format!("{}/demo-idp/logout?id_token_hint=", app.base)), "{end}");
    assert_eq!(app.store.count_where("sessions", "provider = 'demo'").await.unwrap(), 0, "gone on the server");
    let r = c.get_url(&end).await;
    assert_eq!((r.status, r.location().to_string()), (303, format!("{}/", app.base)));
    assert!(c.get("/ho-so-cua-toi").await.location().starts_with("/dang-nhap"), "signed out");
}

#[tokio::test]
async fn a_provider_ending_its_session_signs_the_person_out_through_the_back_channel() {
    let app = spawn_demo_idp().await;
    let c = app.client();
    assert_eq!(sign_in(&c, "demo-mai").await.status, 303);
    let token: String = app.store.scalar_text("SELECT id_token FROM sessions WHERE provider = 'demo'").await.unwrap();
    // the provider's own logout page, reached without egov's sign-out (another tab, the provider's app)
    let other = app.client();
    let r = other.get(&format!("/demo-idp/logout?id_token_hint={token}")).await;
    assert_eq!(r.status, 303);
    assert_eq!(app.store.count_where("sessions", "provider = 'demo'").await.unwrap(), 0);
    assert!(c.get("/ho-so-cua-toi").await.location().starts_with("/dang-nhap"), "signed out");
    let ended = app.store.count_where("audit_log", "action = 'session.end' AND actor = 'provider:demo'").await.unwrap();
    assert_eq!(ended, 1);
    // a logout token that is not one: 400, nothing ended
    assert_eq!(sign_in(&c, "demo-mai").await.status, 303);
    let r = c.post_form("/api/v1/auth/oidc/demo/backchannel-logout", &[("logout_token", &token)]).await;
    assert_eq!(r.status, 400, "an ID token is no logout token: {}", r.text);
    let r = c.post_form("/api/v1/auth/oidc/demo/backchannel-logout", &[("logout_token", "a.b.c")]).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        c.post_form("/api/v1/auth/oidc/nobody/backchannel-logout", &[("logout_token", "a.b.c")]).await.status,
        404
    );
    assert_eq!(app.store.count_where("sessions", "provider = 'demo'").await.unwrap(), 1);
}

#[tokio::test]
async fn an_old_local_account_is_linked_once_by_its_password() {
    let app = spawn_demo_idp().await;
    // demo.citizen registered long ago with a password and ID 072090001234, and filed a dossier
    let old = app.store.user_id_of("demo.citizen").await.unwrap().unwrap();
    let (_, secret) = app.token("demo.citizen").await;
    let code = submit_online(&app.client().with_bearer(&secret)).await;
    // the password no longer opens it: citizens sign in with their electronic identity
    let c = app.client();
    let page = c.get("/dang-nhap").await;
    let r = c
        .post_form(
            "/dang-nhap",
            &[("csrf", &page.csrf()), ("login", "demo.citizen"), ("password", DEMO_PASSWORD), ("next", "/")],
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert!(r.text.contains("liên kết tài khoản cũ"), "{}", r.text);
    // Nguyễn Văn Dân signs in through the provider: a new verified record, offered the link
    let r = sign_in(&c, "demo-dan").await;
    assert_eq!((r.status, r.location()), (303, "/tai-khoan/lien-ket"));
    assert!(!c.get("/ho-so-cua-toi").await.text.contains(&code), "not his until linked");
    let form = c.get("/tai-khoan/lien-ket").await;
    assert!(form.text.contains("demo.citizen"));
    let r = c.post_form("/tai-khoan/lien-ket", &[("csrf", &form.csrf()), ("password", "wrong-password")]).await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("Mật khẩu của tài khoản cũ không đúng."));
    let r = c.post_form("/tai-khoan/lien-ket", &[("csrf", &form.csrf()), ("password", DEMO_PASSWORD)]).await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert!(c.get("/ho-so-cua-toi").await.text.contains(&code), "the old account's dossier is his now");
    assert_eq!(c.get("/tai-khoan/lien-ket").await.status, 404, "linked once");
    assert!(app.store.principal(old).await.unwrap().is_none(), "the old account is closed");
    assert_eq!(app.store.count_where("audit_log", "action = 'account.link'").await.unwrap(), 1);
    // signing in again finds the same record, with the number now its own
    let c2 = app.client();
    assert_eq!(sign_in(&c2, "demo-dan").await.location(), "/ho-so-cua-toi");
    assert_eq!(app.store.count_where("users", "citizen_id = '072090001234'").await.unwrap(), 1);
}

#[tokio::test]
async fn an_organisation_files_as_itself_and_its_dossiers_are_not_its_representative_s() {
    let app = spawn_demo_idp().await;
    let org = app.client();
    assert_eq!(sign_in(&org, "demo-lan-org").await.status, 303);
    assert!(org.get("/ho-so-cua-toi").await.text.contains("Công ty TNHH Nông sản Tây Ninh"));
    let page = org.get("/thu-tuc/1.000894/nop").await;
    assert_eq!(page.status, 200, "{}", page.text);
    let form = filing(page.csrf(), "Công ty TNHH Nông sản Tây Ninh", "072188003333");
    let r = org.post_multipart("/thu-tuc/1.000894/nop", form).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let loc = r.location().trim_end_matches("?moi=1").to_string();
    assert_eq!(org.get(&loc).await.status, 200);
    let filer = app
        .store
        .scalar_text("SELECT provider || ':' || subject || ':' || assurance || ':' || person FROM dossier_filers")
        .await
        .unwrap();
    assert_eq!(filer, "demo:demo-lan-org:2:072188003333", "who filed it, at what level, for whom");
    // another person does not see it
    let mai = app.client();
    assert_eq!(sign_in(&mai, "demo-mai").await.status, 303);
    assert_eq!(mai.get(&loc).await.status, 403);
    assert!(!mai.get("/ho-so-cua-toi").await.text.contains(&loc[7..]));
}

#[tokio::test]
async fn citizens_do_not_register_with_a_password_unless_the_deployment_allows_it() {
    let app = spawn_demo_idp().await;
    let c = app.client();
    let page = c.get("/dang-ky").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("Nghị định 69/2024/NĐ-CP") && page.text.contains("/dang-nhap/oidc/demo"));
    assert!(!page.text.contains("name=\"password_confirm\""), "no form to register with");
    let r = c
        .post_form(
            "/dang-ky",
            &[("csrf", &c.get("/dang-nhap").await.csrf()), ("full_name", "A"), ("citizen_id", "079190000123")],
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(app.store.count_where("users", "citizen_id = '079190000123'").await.unwrap(), 0);
    // the same deployment with --local-citizen-accounts: the form is there
    let open = spawn().await;
    assert!(open.client().get("/dang-ky").await.text.contains("name=\"password_confirm\""));
}

#[tokio::test]
async fn the_demonstration_provider_exists_only_in_demo_mode() {
    let app = spawn().await;
    for path in ["/demo-idp/.well-known/openid-configuration", "/demo-idp/jwks", "/demo-idp/authorize"] {
        assert_eq!(app.client().get(path).await.status, 404, "{path}");
    }
    assert_eq!(app.client().get("/dang-nhap/oidc/demo").await.status, 404);
    let demo = spawn_demo_idp().await;
    let d = demo.client().get("/demo-idp/.well-known/openid-configuration").await;
    assert_eq!(d.json()["issuer"], format!("{}/demo-idp", demo.base));
}

#[tokio::test]
async fn a_level_1_identity_is_told_what_it_cannot_file_and_forms_are_prefilled() {
    let app = spawn_demo_idp().await;
    let hung = app.client();
    assert_eq!(sign_in(&hung, "demo-hung").await.status, 303);
    // a land registration needs level 2: said on its page, on its form, and on filing
    assert!(hung.get("/thu-tuc/2.001263").await.text.contains("cần tài khoản định danh điện tử mức 2"));
    let r = hung.get("/thu-tuc/2.001263/nop").await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert!(r.text.contains("Tài khoản của Quý vị là mức 1"), "{}", r.text);
    let csrf = hung.get("/ho-so-cua-toi").await.csrf();
    let form = filing(csrf, "Lê Văn Hùng", "072085002222");
    assert_eq!(hung.post_multipart("/thu-tuc/2.001263/nop", form).await.status, 403);
    assert_eq!(app.count("dossiers").await, 0);
    // a marriage registration does not: level 1 files it, the form filled from the identity
    let f = hung.get("/thu-tuc/1.000894/nop").await;
    assert_eq!(f.status, 200);
    assert!(f.text.contains("value=\"072085002222\"") && f.text.contains("value=\"Lê Văn Hùng\""), "{}", f.text);
    // the requester's own fields only: not the bride's nor the groom's ID number
    assert_eq!(f.text.matches("value=\"072085002222\"").count(), 1, "{}", f.text);
    // level 2 files the land registration
    let mai = app.client();
    assert_eq!(sign_in(&mai, "demo-mai").await.status, 303);
    let f = mai.get("/thu-tuc/2.001263/nop").await;
    assert_eq!(f.status, 200, "{}", f.text);
    assert!(f.text.contains("value=\"072190001111\""));
}

#[tokio::test]
async fn front_channel_logout_ends_the_session_its_provider_names() {
    let app = spawn_demo_idp().await;
    let c = app.client();
    assert_eq!(sign_in(&c, "demo-mai").await.status, 303);
    let sid = app.store.scalar_text("SELECT sid FROM sessions WHERE provider = 'demo'").await.unwrap();
    let iss = format!("{}/demo-idp", app.base);
    let q = |iss: &str, sid: &str| {
        form_urlencoded::Serializer::new(String::new()).append_pair("iss", iss).append_pair("sid", sid).finish()
    };
    let other = app.client();
    let r = other.get(&format!("/dang-nhap/oidc/demo/frontchannel-logout?{}", q("https://evil.example", &sid))).await;
    assert_eq!(r.status, 400, "another issuer ends nothing");
    assert_eq!(app.store.count_where("sessions", "provider = 'demo'").await.unwrap(), 1);
    let r = other.get(&format!("/dang-nhap/oidc/demo/frontchannel-logout?{}", q(&iss, &sid))).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-security-policy"), format!("default-src 'none'; frame-ancestors {}", app.base));
    assert_eq!(r.header("x-frame-options"), "", "the provider's page frames it");
    assert_eq!(app.store.count_where("sessions", "provider = 'demo'").await.unwrap(), 0);
    assert!(c.get("/ho-so-cua-toi").await.location().starts_with("/dang-nhap"));
}

#[tokio::test]
async fn an_official_mapped_to_an_identity_signs_in_through_the_provider() {
    let app = spawn_demo_idp().await;
    let out = app.cli(&[
        "admin",
        "map-identity",
        "--username",
        "demo.receiver",
        "--provider",
        "demo",
        "--subject",
        "demo-hung",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let c = app.client();
    assert_eq!(sign_in(&c, "demo-hung").await.status, 303);
    let office = c.get("/quan-tri/ho-so").await;
    assert_eq!(office.status, 200, "the receiving officer's worklist: {}", office.text);
    // an unknown account or a malformed provider name is refused at the command line
    let bad = app.cli(&["admin", "map-identity", "--username", "nobody", "--provider", "demo", "--subject", "x"]);
    assert!(!bad.status.success());
    let bad =
        app.cli(&["admin", "map-identity", "--username", "demo.receiver", "--provider", "Bad Name", "--subject", "x"]);
    assert!(!bad.status.success());
}

#[tokio::test]
async fn a_level_1_identity_reads_its_level_and_what_it_means() {
    let app = spawn_demo_idp().await;
    let c = app.client();
    assert_eq!(sign_in(&c, "demo-hung").await.status, 303);
    let mine = c.get("/ho-so-cua-toi").await;
    assert!(
        mine.text.contains("Tài khoản định danh mức 1: Quý vị nộp được các thủ tục không yêu cầu mức 2"),
        "{}",
        mine.text
    );
    let c2 = app.client();
    assert_eq!(sign_in(&c2, "demo-mai").await.status, 303);
    assert!(!c2.get("/ho-so-cua-toi").await.text.contains("Tài khoản định danh mức 1"));
}

#[tokio::test]
async fn a_new_representative_ends_the_former_one_s_sessions_for_the_organisation() {
    let app = spawn_demo_idp().await;
    let lan = app.client();
    assert_eq!(sign_in(&lan, "demo-lan-org").await.status, 303);
    // as if that session were a former representative's, who represented it until now
    app.store.execute_raw("UPDATE representatives SET id_number = '072000009999' WHERE until IS NULL").await.unwrap();
    app.store.execute_raw("UPDATE sessions SET person = '072000009999' WHERE person IS NOT NULL").await.unwrap();
    assert_eq!(lan.get("/ho-so-cua-toi").await.status, 200);
    // the provider now says Lan represents the company: the former one's sessions end
    let lan2 = app.client();
    assert_eq!(sign_in(&lan2, "demo-lan-org").await.status, 303);
    assert!(
        lan.get("/ho-so-cua-toi").await.location().starts_with("/dang-nhap"),
        "the former representative's session ended"
    );
    assert_eq!(lan2.get("/ho-so-cua-toi").await.status, 200);
    assert_eq!(app.store.count_where("representatives", "until IS NOT NULL").await.unwrap(), 1, "the period closed");
}
