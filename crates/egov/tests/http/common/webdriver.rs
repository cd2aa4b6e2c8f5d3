//! A minimal W3C WebDriver client over HTTP, driving Debian's chromedriver
//! and headless Chromium. Missing browser or driver fails the test: the test
//! command installs them.
#![allow(dead_code)]

use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Browser {
    driver: Child,
    http: reqwest::Client,
    base: String,
    session: String,
    _profile: std::path::PathBuf,
}

fn find_binary(names: &[&str]) -> String {
    for n in names {
        for dir in ["/usr/bin", "/usr/local/bin", "/usr/lib/chromium"] {
            let p = format!("{dir}/{n}");
            if std::path::Path::new(&p).exists() {
                return p;
            }
        }
    }
    panic!("none of {names:?} is installed: run the test command (scripts/test.sh), which installs chromium and chromium-driver");
}

impl Browser {
    pub async fn start() -> Browser {
        let driver_bin = find_binary(&["chromedriver"]);
        let chromium = find_binary(&["chromium", "chromium-browser"]);
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
            l.local_addr().expect("addr").port()
        };
        // In a process group of its own, so that Chromium goes with it even
        // when a failing test never reaches `quit`.
        let driver = Command::new(driver_bin)
            .process_group(0)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().expect("client");
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if http.get(format!("{base}/status")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = std::env::temp_dir().join(format!("egov-chromium-{port}"));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display())
            ]}
        }}});
        let r: Value =
            http.post(format!("{base}/session")).json(&caps).send().await.expect("session").json().await.expect("json");
        let session = r["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {r}")).to_string();
        let b = Browser { driver, http, base, session, _profile: profile };
        b.cmd("POST", "timeouts", json!({"implicit": 5000, "pageLoad": 30000})).await;
        b
    }

    async fn try_cmd(&self, method: &str, path: &str, body: Value) -> Result<Value, String> {
        let url = format!("{}/session/{}/{}", self.base, self.session, path);
        let req = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.post(url).json(&body),
        };
        let v: Value = req.send().await.map_err(|e| e.to_string())?.json().await.map_err(|e| e.to_string())?;
        if v["value"].get("error").is_some() {
            return Err(format!("webdriver {path}: {}", v["value"]["message"]));
        }
        Ok(v["value"].clone())
    }

    async fn cmd(&self, method: &str, path: &str, body: Value) -> Value {
        self.try_cmd(method, path, body).await.unwrap_or_else(|e| panic!("{e}"))
    }

    /// Retries a step while the page is changing under it (a navigation after a
    /// click may still be under way): up to 10 s.
    async fn settled<T, F, Fut>(&self, mut step: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, String>>,
    {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            match step().await {
                Ok(v) => return v,
                Err(e)
                    if std::time::Instant::now() < deadline
                        && (e.contains("stale") || e.contains("no such element")) =>
                {
                    tokio::time::sleep(Duration::from_millis(100)).await
                }
                Err(e) => panic!("{e}"),
            }
        }
    }

    async fn try_text(&self, css: &str) -> Result<String, String> {
        let v = self.try_cmd("POST", "element", json!({"using": "css selector", "value": css})).await?;
        let e = v[ELEMENT].as_str().ok_or("no element")?.to_string();
        Ok(self.try_cmd("GET", &format!("element/{e}/text"), Value::Null).await?.as_str().unwrap_or("").to_string())
    }

    /// Waits until the text of `css` satisfies `ok` (up to 10 s) and returns it;
    /// panics with the last text seen otherwise.
    pub async fn wait_text(&self, css: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        let mut last = String::new();
        while std::time::Instant::now() < deadline {
            if let Ok(t) = self.try_text(css).await {
                if ok(&t) {
                    return t;
                }
                last = t;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{css} never matched; last text: {last}")
    }

    pub async fn goto(&self, url: &str) {
        self.cmd("POST", "url", json!({"url": url})).await;
    }

    pub async fn url(&self) -> String {
        self.cmd("GET", "url", Value::Null).await.as_str().unwrap_or("").to_string()
    }

    pub async fn find(&self, css: &str) -> String {
        let v = self.cmd("POST", "element", json!({"using": "css selector", "value": css})).await;
        v[ELEMENT].as_str().unwrap_or_else(|| panic!("no element {css}")).to_string()
    }

    pub async fn find_link(&self, text: &str) -> String {
        let v = self.cmd("POST", "element", json!({"using": "link text", "value": text})).await;
        v[ELEMENT].as_str().unwrap_or_else(|| panic!("no link {text}")).to_string()
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        self.settled(|| async {
            let v = self.try_cmd("POST", "element", json!({"using": "css selector", "value": css})).await?;
            let e = v[ELEMENT].as_str().ok_or("no element")?.to_string();
            self.try_cmd("POST", &format!("element/{e}/clear"), json!({})).await?;
            self.try_cmd("POST", &format!("element/{e}/value"), json!({"text": text})).await
        })
        .await;
    }

    /// Chooses a file for a file input (its absolute path).
    pub async fn upload(&self, css: &str, path: &std::path::Path) {
        let path = path.display().to_string();
        self.settled(|| async {
            let v = self.try_cmd("POST", "element", json!({"using": "css selector", "value": css})).await?;
            let e = v[ELEMENT].as_str().ok_or("no element")?.to_string();
            self.try_cmd("POST", &format!("element/{e}/value"), json!({"text": path})).await
        })
        .await;
    }

    pub async fn click(&self, css: &str) {
        self.settled(|| async {
            let v = self.try_cmd("POST", "element", json!({"using": "css selector", "value": css})).await?;
            let e = v[ELEMENT].as_str().ok_or("no element")?.to_string();
            self.try_cmd("POST", &format!("element/{e}/click"), json!({})).await
        })
        .await;
    }

    pub async fn click_element(&self, e: &str) {
        self.cmd("POST", &format!("element/{e}/click"), json!({})).await;
    }

    pub async fn text(&self, css: &str) -> String {
        self.settled(|| self.try_text(css)).await
    }

    /// The page as a screen `width` CSS pixels wide would show it (Chromium's
    /// device metrics, through the driver's DevTools passage).
    pub async fn emulate_width(&self, width: u32) {
        self.cmd(
            "POST",
            "goog/cdp/execute",
            json!({"cmd": "Emulation.setDeviceMetricsOverride",
                "params": {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": true}}),
        )
        .await;
    }

    /// Whether the page fits its width: nothing makes it scroll sideways
    /// (WCAG 1.4.10 reflow; a data table may scroll inside its own box).
    pub async fn overflows(&self) -> Option<String> {
        let v = self
            .script(
                "var w = document.documentElement.clientWidth; \
                 if (document.documentElement.scrollWidth <= w) return null; \
                 var out = []; document.querySelectorAll('body *').forEach(function (e) { \
                   var r = e.getBoundingClientRect(); if (r.right > w + 1 && !e.closest('.scroll-x')) out.push(e.tagName + '.' + e.className + ' ' + Math.round(r.right)); }); \
                 return document.documentElement.scrollWidth + ' > ' + w + ': ' + out.slice(0, 5).join(', ');",
            )
            .await;
        v.as_str().map(String::from)
    }

    /// axe-core's WCAG 2.2 A and AA violations on the page (each rule with its
    /// first offending element), injected from the test tools' npm package.
    pub async fn axe(&self) -> Vec<String> {
        static AXE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let source = AXE.get_or_init(|| {
            let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/browser-tools/node_modules/axe-core/axe.min.js");
            std::fs::read_to_string(&p).unwrap_or_else(|_| {
                panic!("{} is missing: run the test command (scripts/test.sh), which runs npm ci there", p.display())
            })
        });
        self.cmd("POST", "execute/sync", json!({"script": format!("{source}; return 1;"), "args": []})).await;
        let v = self
            .cmd(
                "POST",
                "execute/async",
                json!({"script": "var done = arguments[arguments.length - 1]; \
                    axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}}) \
                    .then(function (r) { done(r.violations.map(function (v) { return v.id + ': ' + v.nodes[0].target.join(' ') + ' — ' + v.help; })); }) \
                    .catch(function (e) { done(['axe failed: ' + e]); });", "args": []}),
            )
            .await;
        v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect()).unwrap_or_default()
    }

    pub async fn script(&self, js: &str) -> Value {
        self.cmd("POST", "execute/sync", json!({"script": js, "args": []})).await
    }

    /// Presses keys (WebDriver key codes, e.g. "\u{E004}" for Tab) on the focused element.
    pub async fn press(&self, key: &str) {
        let actions = json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
            {"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}
        ]}]});
        self.cmd("POST", "actions", actions).await;
    }

    pub async fn screenshot(&self, path: &std::path::Path) {
        let v = self.cmd("GET", "screenshot", Value::Null).await;
        let b64 = v.as_str().unwrap_or("");
        std::fs::write(path, base64_decode(b64)).expect("write screenshot");
    }

    pub async fn quit(self) {
        let _ = self.http.delete(format!("{}/session/{}", self.base, self.session)).send().await;
        // Drop ends the process group.
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.driver.wait();
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let bytes: Vec<u8> = s.bytes().filter(|c| *c != b'=' && !c.is_ascii_whitespace()).collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= (val(*c) as u32) << (18 - 6 * i);
        }
        out.push((n >> 16) as u8);
        if chunk.len() > 2 {
            out.push((n >> 8) as u8);
        }
        if chunk.len() > 3 {
            out.push(n as u8);
        }
    }
    out
}
