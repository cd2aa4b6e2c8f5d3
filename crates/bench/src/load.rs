//! A closed-loop load generator: C connections, each sending its next request
//! when the previous answer is complete, for a fixed time; every latency kept.

use std::time::{Duration, Instant};

pub struct Result {
    pub latencies: Vec<Duration>,
    pub errors: usize,
    pub elapsed: Duration,
}

impl Result {
    /// Two runs as one (rounds of the same target, interleaved with others').
    pub fn merge(mut self, other: Result) -> Result {
        self.latencies.extend(other.latencies);
        self.latencies.sort();
        self.errors += other.errors;
        self.elapsed += other.elapsed;
        self
    }
    pub fn rps(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }
    pub fn p(&self, q: f64) -> Duration {
        crate::percentile(&self.latencies, q)
    }
}

pub async fn run(urls: &[String], connections: usize, duration: Duration) -> Result {
    run_with(urls, connections, duration, None).await
}

/// GETs with extra headers (the gateway's client and key), each answer read whole.
pub async fn run_headers(
    urls: &[String],
    connections: usize,
    duration: Duration,
    headers: &[(String, String)],
) -> Result {
    run_requests(urls, connections, duration, None, b"", headers, None).await
}

/// The same GETs sent on a schedule: `rate` requests a second in all, each
/// connection its share at even intervals (open loop, as wrk2). A request
/// whose planned time passed while the previous answer was awaited is sent at
/// once and its latency counted from the planned time, so a stall is not
/// hidden by the requests it kept from being sent; one sent after a wait is
/// timed from its sending (the timer's millisecond granularity is not the
/// server's).
pub async fn run_rate(
    urls: &[String],
    connections: usize,
    duration: Duration,
    rate: u64,
    headers: &[(String, String)],
) -> Result {
    let pace = Duration::from_secs_f64(connections as f64 / rate.max(1) as f64);
    run_requests(urls, connections, duration, None, b"", headers, Some(pace)).await
}

/// The same GETs, signed in with a bearer token.
pub async fn run_as(urls: &[String], connections: usize, duration: Duration, token: &str) -> Result {
    run_with(urls, connections, duration, Some((token.to_string(), String::new()))).await
}

/// The same, with a bearer token when given, sending `body` as an online
/// submission (multipart, with two small PDF parts) unless it is empty.
pub async fn run_with(
    urls: &[String],
    connections: usize,
    duration: Duration,
    post: Option<(String, String)>,
) -> Result {
    run_parts(urls, connections, duration, post, b"%PDF-1.4\n%%EOF\n").await
}

/// A PDF of `size` bytes (its header, then padding): an attachment of a
/// realistic size (a scanned page is about 100 KB).
pub fn pdf_of(size: usize) -> Vec<u8> {
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.resize(size.saturating_sub(6).max(pdf.len()), b' ');
    pdf.extend_from_slice(b"%%EOF\n");
    pdf
}

/// Online submissions with two parts of the bytes `part`.
pub async fn run_parts(
    urls: &[String],
    connections: usize,
    duration: Duration,
    post: Option<(String, String)>,
    part: &[u8],
) -> Result {
    run_requests(urls, connections, duration, post, part, &[], None).await
}

/// The loop of them all: GETs (with `headers`, and a bearer token when
/// `post` has one and no body), or submissions of `post`'s body with two
/// parts of the bytes `part`; each connection's next request once the
/// previous answer is read, or at its planned time when `pace` is given.
async fn run_requests(
    urls: &[String],
    connections: usize,
    duration: Duration,
    post: Option<(String, String)>,
    part: &[u8],
    headers: &[(String, String)],
    pace: Option<Duration>,
) -> Result {
    let part = std::sync::Arc::new(part.to_vec());
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = Vec::new();
    for c in 0..connections {
        let urls = urls.to_vec();
        let (post, part, headers) = (post.clone(), part.clone(), headers.to_vec());
        tasks.push(tokio::spawn(async move {
            // a request that never ends is an error, not a benchmark that never ends
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .timeout(std::time::Duration::from_secs(60))
                .build()
                .expect("client");
            let mut lat = Vec::new();
            let mut errors = 0;
            let mut i = c;
            if urls.is_empty() {
                return (lat, errors);
            }
            // the connections' schedules spread evenly over one interval
            let mut planned = pace.map(|p| start + p.mul_f64(c as f64 / connections as f64));
            while planned.unwrap_or_else(Instant::now) < deadline {
                let url = &urls[i % urls.len()];
                i += 1;
                let t = match planned {
                    Some(at) if Instant::now() >= at => at,
                    Some(at) => {
                        tokio::time::sleep_until(at.into()).await;
                        Instant::now()
                    }
                    None => Instant::now(),
                };
                if let (Some(at), Some(p)) = (planned.as_mut(), pace) {
                    *at += p;
                }
                let req = match &post {
                    Some((token, body)) if body.is_empty() => client.get(url).bearer_auth(token),
                    Some((token, body)) => {
                        // An online submission: the dossier's JSON and its two mandatory parts.
                        let pdf = part.to_vec();
                        let form = reqwest::multipart::Form::new()
                            .text("dossier", body.clone())
                            .part("part_0", reqwest::multipart::Part::bytes(pdf.clone()).file_name("a.pdf"))
                            .part("part_1", reqwest::multipart::Part::bytes(pdf).file_name("b.pdf"));
                        client.post(url).bearer_auth(token).multipart(form)
                    }
                    None => client.get(url),
                };
                let req = headers.iter().fold(req, |r, (k, v)| r.header(k, v));
                match req.send().await {
                    // an answer counts once it is read whole
                    // (a conditional request answered 304 is an answer too)
                    Ok(r) if r.status().is_success() || r.status() == reqwest::StatusCode::NOT_MODIFIED => {
                        match r.bytes().await {
                            Ok(_) => lat.push(t.elapsed()),
                            Err(_) => errors += 1,
                        }
                    }
                    Ok(r) => {
                        if errors == 0 {
                            eprintln!("first failure: {} {}", r.status(), r.text().await.unwrap_or_default());
                        }
                        errors += 1;
                    }
                    Err(e) => {
                        if errors == 0 {
                            eprintln!("first failure: {e}");
                        }
                        errors += 1;
                    }
                }
            }
            (lat, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for t in tasks {
        if let Ok((l, e)) = t.await {
            latencies.extend(l);
            errors += e;
        }
    }
    latencies.sort();
    Result { latencies, errors, elapsed: start.elapsed() }
}
