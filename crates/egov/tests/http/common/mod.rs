//! Test harness: the real server on a random port with a fresh database
//! (SQLite by default, PostgreSQL when EGOV_TEST_BACKEND=postgres), and an
//! HTTP client with its own cookie jar.
#![allow(dead_code)]

pub mod server;
pub mod smtp;
pub mod webdriver;

pub use server::*;
pub use smtp::*;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;

use egov_store::Store;

pub const DEMO_PASSWORD: &str = "demo-password-1";

/// A small but real PDF, to attach.
pub const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// Submits the demo marriage registration online to H72.50.01 with its two
/// mandatory documents; returns the dossier's code.
pub async fn submit_online(citizen: &Client) -> String {
    let r = citizen.post_multipart("/api/v1/dossiers", marriage_submission()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()["code"].as_str().expect("code").to_string()
}

/// The API's multipart submission of the demo marriage registration to
/// H72.50.01, the whole form and its two mandatory documents.
pub fn marriage_submission() -> reqwest::multipart::Form {
    let body = serde_json::json!({"procedure": "1.000894", "agency": "H72.50.01",
        "form": marriage(serde_json::json!({"applicant_name": "Nguyễn Văn Dân", "applicant_id": "072090001234", "address": "Phường Tân Ninh"}))});
    reqwest::multipart::Form::new()
        .text("dossier", body.to_string())
        .part("part_0", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("to-khai.pdf"))
        .part("part_1", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("cccd.pdf"))
}

/// The sequence numbers of the day's dossiers at H72.50.01 (the day of
/// `code`), asserted to be 1..=n: no gap, no repeat.
pub async fn gap_free_numbers(store: &Store, code: &str) -> Vec<u32> {
    let day = egov_dossier::DossierCode::parse(code).expect("a dossier code").date();
    let mut seqs: Vec<u32> = store
        .dossier_codes_of_day("H72.50.01", day)
        .await
        .expect("the day's codes")
        .iter()
        .map(|c| c.rsplit('-').next().and_then(|n| n.parse().ok()).expect("a sequence number"))
        .collect();
    seqs.sort();
    assert_eq!(seqs, (1..=seqs.len() as u32).collect::<Vec<_>>(), "numbers without gaps or repeats");
    seqs
}

/// The couple's part of the demo marriage registration's form (1.000894).
pub use egov::demo::MARRIAGE_COUPLE as COUPLE;

/// A marriage registration's form: the requester's fields as given, the
/// couple's added.
pub fn marriage(mut form: serde_json::Value) -> serde_json::Value {
    for (k, v) in COUPLE {
        form[k] = serde_json::Value::String(v.to_string());
    }
    form
}

/// A page's multipart application with the couple's fields (`f_…`) added.
pub fn with_couple(mut f: reqwest::multipart::Form) -> reqwest::multipart::Form {
    for (k, v) in COUPLE {
        f = f.text(format!("f_{k}"), v.to_string());
    }
    f
}

/// The path of an installed command-line tool; a clear failure if it is missing.
pub fn tool(name: &str) -> String {
    for dir in ["/usr/bin", "/usr/local/bin", "/usr/sbin"] {
        let p = format!("{dir}/{name}");
        if std::path::Path::new(&p).exists() {
            return p;
        }
    }
    panic!("{name} is not installed: run the test command (scripts/test.sh), which installs what the suite uses")
}

/// The text of a PDF as `pdftotext -layout` reads it, after what `pdfinfo`
/// says of the file (its page size and count).
pub fn pdf_text(bytes: &[u8]) -> String {
    let file = std::env::temp_dir().join(format!("egov-pdf-{}.pdf", random_name()));
    std::fs::write(&file, bytes).expect("write the PDF");
    let out =
        std::process::Command::new(tool("pdftotext")).arg("-layout").arg(&file).arg("-").output().expect("pdftotext");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let info = std::process::Command::new(tool("pdfinfo")).arg(&file).output().expect("pdfinfo");
    let _ = std::fs::remove_file(&file);
    format!("{}\n{}", String::from_utf8_lossy(&info.stdout), String::from_utf8_lossy(&out.stdout))
}

/// What poppler's `pdfsig` says of a PDF's signatures (whatever its exit code).
pub fn pdfsig(bytes: &[u8]) -> String {
    let file = std::env::temp_dir().join(format!("egov-sig-{}.pdf", random_name()));
    std::fs::write(&file, bytes).expect("write the PDF");
    let out = std::process::Command::new(tool("pdfsig")).arg(&file).output().expect("pdfsig");
    let _ = std::fs::remove_file(&file);
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// Today in Vietnam (YYYY-MM-DD), as archives and reports date things.
pub fn vn_today() -> String {
    chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap()).date_naive().to_string()
}

pub fn random_name() -> String {
    let mut b = [0u8; 8];
    getrandom::getrandom(&mut b).expect("randomness");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Which database the suite runs on.
pub fn backend() -> String {
    std::env::var("EGOV_TEST_BACKEND").unwrap_or_else(|_| "sqlite".into())
}

/// A fresh, empty database; returns its URL.
pub async fn fresh_database() -> String {
    match backend().as_str() {
        "postgres" => {
            let base = std::env::var("EGOV_TEST_POSTGRES_URL")
                .expect("EGOV_TEST_BACKEND=postgres needs EGOV_TEST_POSTGRES_URL (scripts/test.sh sets it)");
            let name = format!("egov_test_{}", random_name());
            let admin = Store::connect(&base).await.expect("connect to PostgreSQL");
            admin.execute_raw(&format!("CREATE DATABASE {name}")).await.expect("create database");
            admin.close().await;
            let (prefix, _) = base.rsplit_once('/').expect("URL has a database name");
            format!("{prefix}/{name}")
        }
        "sqlite" => {
            let dir = std::env::temp_dir().join(format!("egov-test-{}", random_name()));
            std::fs::create_dir_all(&dir).expect("temp dir");
            format!("sqlite://{}", dir.join("egov.db").display())
        }
        other => panic!("unknown EGOV_TEST_BACKEND {other}"),
    }
}

/// Where a server of this run keeps its files: on PostgreSQL, the prefix
/// `name` in the suite's bucket of a real object store (Garage, which the
/// test command starts: EGOV_TEST_S3_URL); otherwise `folder`.
pub fn blob_spec(folder: &std::path::Path, name: &str) -> egov_store::BlobSpec {
    match (backend().as_str(), std::env::var("EGOV_TEST_S3_URL")) {
        ("postgres", Ok(url)) => {
            let (bucket, query) = url.split_once('?').unwrap_or((&url, ""));
            let url = format!("{}/{name}?{query}", bucket.trim_end_matches('/'));
            egov_store::BlobSpec::parse(&url).expect("EGOV_TEST_S3_URL is s3://BUCKET?endpoint=…")
        }
        ("postgres", Err(_)) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("EGOV_TEST_BACKEND=postgres in CI needs EGOV_TEST_S3_URL (scripts/test.sh starts Garage)")
        }
        _ => egov_store::BlobSpec::Folder(folder.to_path_buf()),
    }
}

/// The blob store of a server `egov serve` runs with the data folder `data`
/// (the prefix named after the folder, on an object store), as the
/// environment variable that names it, if not the default folder.
pub fn server_blobs(data: &std::path::Path) -> (egov_store::BlobSpec, Option<(&'static str, String)>) {
    let name = data.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(random_name);
    let spec = blob_spec(&data.join("files"), &name);
    let env = matches!(spec, egov_store::BlobSpec::S3(_)).then(|| ("EGOV_BLOB_STORE", spec.to_string()));
    (spec, env)
}

/// The blobs (and leftovers of interrupted writes) a store holds.
pub async fn count_blobs(blobs: &egov_store::BlobStore) -> usize {
    blobs.everything().await.expect("list the blob store").len()
}

pub struct TestApp {
    pub blobs: egov_store::BlobStore,
    files_dir: std::path::PathBuf,
    pub addr: SocketAddr,
    pub base: String,
    pub store: Store,
    pub db_url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        let _ = std::fs::remove_dir_all(&self.files_dir);
        dispose_database(&self.db_url);
    }
}

/// Removes a database `fresh_database` made: its directory (SQLite) or the
/// database, its connections closed by force (PostgreSQL). Best effort: a
/// test's litter is not its failure, but it is said.
pub fn dispose_database(url: &str) {
    if let Some(path) = url.strip_prefix("sqlite://") {
        if let Some(dir) = std::path::Path::new(path).parent() {
            if let Err(e) = std::fs::remove_dir_all(dir) {
                eprintln!("could not remove {}: {e}", dir.display());
            }
        }
        return;
    }
    let (Ok(base), Some((_, name))) = (std::env::var("EGOV_TEST_POSTGRES_URL"), url.rsplit_once('/')) else {
        return;
    };
    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    // Drop runs inside the test's runtime: the work goes to a thread of its own.
    let done = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
        rt.block_on(async {
            let admin = Store::connect(&base).await.map_err(|e| e.to_string())?;
            let r = admin.execute_raw(&sql).await.map_err(|e| e.to_string());
            admin.close().await;
            r
        })
    })
    .join();
    match done {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => eprintln!("could not drop the test database {name}: {e}"),
        Err(_) => eprintln!("could not drop the test database {name}"),
    }
}

/// Starts the server on a fresh database with the demo data, with local
/// citizen accounts on: the suite's citizens of the one-stop vertical sign
/// in with a password (the identity tests use `spawn_lawful`, the default).
pub async fn spawn() -> TestApp {
    spawn_with(egov_web::Settings { local_citizen_accounts: true, ..Default::default() }).await
}

pub async fn spawn_with(settings: egov_web::Settings) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    spawn_on(listener, settings).await
}

/// Starts the server with the lawful defaults (no local citizen accounts)
/// and the demonstration identity provider egov serves in demo mode.
pub async fn spawn_demo_idp() -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (op, config) = egov::providers::demo(&base).expect("demo provider");
    let mut settings = egov_web::Settings { demo_idp: Some(op), ..Default::default() };
    settings.app.providers.push(config);
    spawn_on(listener, settings).await
}

/// Starts the server on a listener already bound (so that settings can name its address).
pub async fn spawn_on(listener: tokio::net::TcpListener, mut settings: egov_web::Settings) -> TestApp {
    let db_url = fresh_database().await;
    let name = format!("egov-files-{}", random_name());
    let files_dir = std::env::temp_dir().join(&name);
    // the suite's store, unless the test chose one
    if settings.app.blobs == egov_app::Config::default().blobs {
        settings.app.blobs = blob_spec(&files_dir, &name);
    }
    let blobs = egov_store::BlobStore::open(&settings.app.blobs).expect("blob store");
    let store = Store::connect(&db_url).await.expect("connect");
    store.migrate(&egov_web::modules::migrations()).await.expect("migrate");
    assert!(egov::demo::load(&store, DEMO_PASSWORD).await.expect("demo"));
    let state = egov_web::AppState::new(store.clone(), settings).await.expect("state");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(egov_web::serve(
        listener,
        None,
        state,
        async move {
            let _ = rx.await;
        },
        std::time::Duration::ZERO,
    ));
    TestApp { blobs, files_dir, addr, base: format!("http://{addr}"), store, db_url, stop: Some(tx) }
}

impl TestApp {
    pub fn client(&self) -> Client {
        Client::new(&self.base)
    }

    /// Runs the `egov` binary against this app's database.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_egov"))
            .args(args)
            .arg("--database-url")
            .arg(&self.db_url)
            .output()
            .expect("run egov")
    }

    /// egov's own services published on its gateway and the ward's one-stop
    /// shop a client granted the directory of agencies, through the command
    /// line: egov's subsystem, the client's, and the client's API key.
    pub fn egov_on_the_gateway(&self) -> (&'static str, &'static str, String) {
        let own = "VN-TN/GOV/H72/egov";
        let client = "VN-TN/GOV/H72.50.01/motcua";
        for args in [
            vec!["gateway", "publish-own", own, "--base", &self.base],
            vec!["gateway", "add-subsystem", client, "--name", "Một cửa"],
            vec!["gateway", "grant", "VN-TN/GOV/H72/egov/agencies", "--to", client],
        ] {
            assert!(self.cli(&args).status.success(), "{args:?}");
        }
        let key = String::from_utf8_lossy(&self.cli(&["gateway", "issue-key", client]).stdout)
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_string();
        (own, client, key)
    }

    /// Issues a bearer token for a user (a day long) through the use case the
    /// command line calls, without spawning it.
    pub async fn token(&self, username: &str) -> (i64, String) {
        let uid = egov_app::accounts::user_id(&self.store, username).await.expect("lookup").expect("no such user");
        let t = egov_app::accounts::issue_token(
            &self.store,
            egov_app::Actor::Operator,
            uid,
            "test",
            std::time::Duration::from_secs(24 * 3600),
        )
        .await
        .expect("token");
        (t.id, t.secret)
    }

    /// An API client signed in as `user` by a token.
    pub async fn as_user(&self, user: &str) -> Client {
        self.client().with_bearer(&self.token(user).await.1)
    }

    pub async fn count(&self, table: &str) -> i64 {
        self.store.count_rows(table).await.expect("count")
    }
}

pub struct Resp {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
    pub fn location(&self) -> &str {
        self.headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or("")
    }
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
    /// The CSRF token of the first form on the page.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let i = self.text.find(marker).unwrap_or_else(|| panic!("no csrf field in: {}", self.text)) + marker.len();
        self.text[i..i + 64].to_string()
    }
}

/// An HTTP client that keeps cookies like a browser (Secure ones too: the
/// test server is on loopback) and never follows redirects.
pub struct Client {
    http: reqwest::Client,
    base: String,
    pub cookies: Mutex<HashMap<String, String>>,
    pub bearer: Option<String>,
}

impl Client {
    pub fn new(base: &str) -> Client {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
        Client { http, base: base.to_string(), cookies: Mutex::new(HashMap::new()), bearer: None }
    }

    /// This client (its cookies and token) pointed at another server: an
    /// instance beside the one it signed in to.
    pub fn at(&self, base: &str) -> Client {
        let cookies = Mutex::new(self.cookies.lock().expect("lock").clone());
        Client { http: self.http.clone(), base: base.to_string(), cookies, bearer: self.bearer.clone() }
    }

    pub fn with_bearer(mut self, token: &str) -> Client {
        self.bearer = Some(token.to_string());
        self
    }

    fn cookie_header(&self) -> String {
        self.cookies.lock().expect("lock").iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    /// The body of a GET as bytes (a PDF, a spreadsheet), with this client's
    /// cookies and token; panics unless it answers 200.
    pub async fn get_bytes(&self, path: &str) -> Vec<u8> {
        let mut req = self.http.get(format!("{}{}", self.base, path)).header("cookie", self.cookie_header());
        if let Some(b) = &self.bearer {
            req = req.header("authorization", format!("Bearer {b}"));
        }
        let resp = req.send().await.expect("request");
        assert_eq!(resp.status().as_u16(), 200, "{path}");
        resp.bytes().await.expect("body").to_vec()
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Resp {
        let mut req = req.header("cookie", self.cookie_header());
        if let Some(b) = &self.bearer {
            req = req.header("authorization", format!("Bearer {b}"));
        }
        let resp = req.send().await.expect("request");
        for v in resp.headers().get_all("set-cookie") {
            let s = v.to_str().expect("cookie");
            let first = s.split(';').next().unwrap_or("");
            if let Some((k, val)) = first.split_once('=') {
                let mut jar = self.cookies.lock().expect("lock");
                if val.is_empty() || s.contains("Max-Age=0") {
                    jar.remove(k);
                } else {
                    jar.insert(k.to_string(), val.to_string());
                }
            }
        }
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap_or_default();
        Resp { status, headers, text }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send(self.http.get(format!("{}{}", self.base, path))).await
    }

    /// A GET of an absolute address (another server's: a provider's), with this client's cookies.
    pub async fn get_url(&self, url: &str) -> Resp {
        self.send(self.http.get(url)).await
    }

    /// A form POST to an absolute address.
    pub async fn post_form_url(&self, url: &str, form: &[(String, String)]) -> Resp {
        self.send(self.http.post(url).form(form)).await
    }

    /// A GET with extra headers.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Resp {
        let mut req = self.http.get(format!("{}{}", self.base, path));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req).await
    }

    pub async fn delete(&self, path: &str) -> Resp {
        self.send(self.http.delete(format!("{}{}", self.base, path))).await
    }

    /// A JSON POST with extra headers.
    /// A POST of a body of any type (a CSV file, say).
    /// A POST of bytes (an image, a file) with this client's cookies and token.
    pub async fn post_with_body_bytes(&self, path: &str, body: Vec<u8>, content_type: &str) -> Resp {
        let req = self.http.post(format!("{}{}", self.base, path)).header("content-type", content_type).body(body);
        self.send(req).await
    }

    /// A GET whose body is bytes: status, headers and body.
    pub async fn get_raw(&self, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
        let resp = self
            .http
            .get(format!("{}{}", self.base, path))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .expect("request");
        let (status, headers) = (resp.status().as_u16(), resp.headers().clone());
        (status, headers, resp.bytes().await.expect("body").to_vec())
    }

    pub async fn post_with_body(&self, path: &str, body: &str, content_type: &str) -> Resp {
        let req = self
            .http
            .post(format!("{}{}", self.base, path))
            .header("content-type", content_type)
            .body(body.to_string());
        self.send(req).await
    }

    pub async fn post_json_with(&self, path: &str, body: &str, headers: &[(&str, &str)]) -> Resp {
        let mut req = self
            .http
            .post(format!("{}{}", self.base, path))
            .header("content-type", "application/json")
            .body(body.to_string());
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req).await
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Resp {
        self.send(self.http.post(format!("{}{}", self.base, path)).form(form)).await
    }

    pub async fn post_json(&self, path: &str, body: &str) -> Resp {
        self.send(
            self.http
                .post(format!("{}{}", self.base, path))
                .header("content-type", "application/json")
                .body(body.to_string()),
        )
        .await
    }

    pub async fn post_multipart(&self, path: &str, form: reqwest::multipart::Form) -> Resp {
        self.send(self.http.post(format!("{}{}", self.base, path)).multipart(form)).await
    }

    /// A PUT of raw bytes of a type (an audio file, say).
    pub async fn put_bytes(&self, path: &str, body: Vec<u8>, content_type: &str) -> Resp {
        self.send(self.http.put(format!("{}{}", self.base, path)).header("content-type", content_type).body(body)).await
    }

    pub async fn put_json(&self, path: &str, body: &str) -> Resp {
        self.send(
            self.http
                .put(format!("{}{}", self.base, path))
                .header("content-type", "application/json")
                .body(body.to_string()),
        )
        .await
    }

    /// An action on a dossier through the API (JSON).
    pub async fn act(&self, code: &str, body: serde_json::Value) -> Resp {
        self.post_json(&format!("/api/v1/dossiers/{code}/actions"), &body.to_string()).await
    }

    /// The citizen sends the dossier back completed, a file for each
    /// requested document `j` (the indexes of the supplement request's items).
    pub async fn resubmit(&self, code: &str, requested: &[usize]) -> Resp {
        let mut form = reqwest::multipart::Form::new().text("action", r#"{"action": "resubmit"}"#);
        for j in requested {
            form = form.part(
                format!("requested_{j}"),
                reqwest::multipart::Part::bytes(PDF.to_vec()).file_name(format!("bo-sung-{j}.pdf")),
            );
        }
        self.post_multipart(&format!("/api/v1/dossiers/{code}/actions"), form).await
    }

    /// An action that must succeed.
    pub async fn act_ok(&self, code: &str, body: serde_json::Value) -> Resp {
        let r = self.act(code, body.clone()).await;
        assert_eq!(r.status, 200, "{body}: {}", r.text);
        r
    }

    /// Signs in through the page; panics unless it succeeds.
    pub async fn login(&self, login: &str, password: &str) -> Resp {
        let page = self.get("/dang-nhap").await;
        let csrf = page.csrf();
        let r = self
            .post_form("/dang-nhap", &[("csrf", &csrf), ("login", login), ("password", password), ("next", "/")])
            .await;
        assert_eq!(r.status, 303, "sign-in of {login} failed: {}", r.text);
        r
    }
}

/// A real OpenID Connect provider (`oidc-provider` from npm, run by Node:
/// `tests/oidc-provider/server.mjs`), for the relying-party tests. Its
/// packages are installed by the test command; without them the test fails.
pub struct TestOp {
    child: std::process::Child,
    pub issuer: String,
}

impl Drop for TestOp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl TestOp {
    /// Starts the provider with egov at `rp_base` as its one client.
    pub fn start(rp_base: &str) -> TestOp {
        use std::io::BufRead;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc-provider");
        assert!(
            dir.join("node_modules/oidc-provider").exists(),
            "oidc-provider is not installed in {}: run the test command (scripts/test.sh), which runs npm ci there",
            dir.display()
        );
        let mut child = std::process::Command::new("node")
            .arg("server.mjs")
            .current_dir(&dir)
            .env("RP_BASE", rp_base)
            .env("CLIENT_ID", "egov")
            .env("CLIENT_SECRET", "egov-test-secret")
            .env("RP_JWKS_FILE", Self::rp_keys().join("jwks-a.json"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("node is not installed: run the test command (scripts/test.sh)");
        let out = child.stdout.take().expect("stdout");
        let mut lines = std::io::BufReader::new(out).lines();
        let issuer = loop {
            match lines.next() {
                Some(Ok(l)) => {
                    if let Some(i) = l.strip_prefix("listening ") {
                        break i.trim().to_string();
                    }
                }
                _ => panic!("the test provider did not start"),
            }
        };
        // keep reading what it prints: a closed pipe would end it at its next line
        std::thread::spawn(move || for _ in lines {});
        TestOp { child, issuer }
    }

    /// The relying party's own keys (egov-oidc's test keys): `a.pem` signs
    /// the `private_key_jwt` assertions, `jwks-a.json` is its public half.
    fn rp_keys() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../oidc/tests/keys")
    }

    /// egov as the provider's second client, authenticating with `private_key_jwt`.
    pub fn config_private_key_jwt(&self) -> egov_app::signin::ProviderConfig {
        let pem = std::fs::read(Self::rp_keys().join("a.pem")).expect("the test key");
        egov_app::signin::ProviderConfig {
            name: "testop-pk".into(),
            client_id: "egov-pk".into(),
            auth: egov_oidc::ClientAuth::private_key_pem(&pem, Some("key-a".into())).expect("key"),
            ..self.config()
        }
    }

    /// egov's configuration for it: the claim names a provincial platform might use.
    pub fn config(&self) -> egov_app::signin::ProviderConfig {
        egov_app::signin::ProviderConfig {
            name: "testop".into(),
            label_vi: "Nền tảng định danh thử".into(),
            label_en: "test identity platform".into(),
            issuer: self.issuer.clone(),
            client_id: "egov".into(),
            auth: egov_oidc::ClientAuth::SecretBasic("egov-test-secret".into()),
            scope: "openid profile".into(),
            claims: egov_oidc::ClaimNames {
                id_number: "so_dinh_danh".into(),
                assurance: "loa".into(),
                level2_values: vec!["2".into()],
                org_code: "ma_so_thue".into(),
                org_name: "ten_to_chuc".into(),
                ..Default::default()
            },
            officials_only: false,
            demo: false,
        }
    }

    /// Sets how the provider's next token answer is spoiled.
    pub async fn set_mode(&self, mode: &str) {
        let r = reqwest::Client::new().post(format!("{}/test/mode?m={mode}", self.issuer)).send().await.expect("op");
        assert!(r.status().is_success());
    }

    /// A new signing key (the old one stays published).
    pub async fn rotate(&self) -> String {
        reqwest::Client::new()
            .post(format!("{}/test/rotate", self.issuer))
            .send()
            .await
            .expect("op")
            .text()
            .await
            .expect("kid")
    }
}

/// Starts egov with the lawful defaults and the real test provider.
pub async fn spawn_with_test_op() -> (TestApp, TestOp) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let op = TestOp::start(&base);
    let mut settings = egov_web::Settings::default();
    settings.app.providers.push(op.config());
    settings.app.providers.push(op.config_private_key_jwt());
    (spawn_on(listener, settings).await, op)
}
