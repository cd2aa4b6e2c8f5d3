//! `egov-radio-sim`: one or many simulated devices against an egov server.
//! Each enrols (a code per device, or a key already given), then reports
//! its status every minute, plays its playlist (sleeping through each
//! bulletin, `--speed` times faster) and reports each playback, while its
//! emergency stream is held open: an emergency interrupts what plays, is
//! played and acknowledged.

use std::time::Duration;

use clap::Parser;
use egov_radio_sim::{Device, Playback};

#[derive(Parser)]
#[command(version, about = "A simulated commune-radio device for egov")]
struct Args {
    /// The server, e.g. http://127.0.0.1:8080
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    server: String,
    /// One-time enrolment codes, one per device.
    #[arg(long = "code")]
    codes: Vec<String>,
    /// Play this many times faster than real time.
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
    /// Stop after this many seconds (0: never).
    #[arg(long, default_value_t = 0)]
    seconds: u64,
}

async fn run(dev: Device, speed: f64) {
    let mut stream = match dev.listen().await {
        Ok(s) => s,
        Err(e) => return eprintln!("device {}: {e}", dev.id),
    };
    let mut n = 0u64;
    loop {
        let _ = dev.status(None, 80, "").await;
        let plays = dev.playlist(6).await.unwrap_or_default();
        for p in plays.iter().take(3) {
            let len = Duration::from_secs_f64(p.duration_ms.max(0) as f64 / 1000.0 / speed.max(0.001));
            let _ = dev.status(Some(p.bulletin_id), 80, "").await;
            let interrupted = tokio::select! {
                _ = tokio::time::sleep(len) => None,
                e = stream.next() => e.ok(),
            };
            n += 1;
            let secs = len.as_secs();
            let _ = dev
                .report(&[Playback {
                    report_id: format!("{}-{n}", dev.id),
                    bulletin_id: p.bulletin_id,
                    started_seconds_ago: secs,
                    ended_seconds_ago: 0,
                    completed: interrupted.is_none(),
                }])
                .await;
            if let Some(e) = interrupted {
                println!("device {}: emergency «{}» interrupts «{}»", dev.id, e.title, p.title);
                let _ = dev.received(e.bulletin_id).await;
            }
        }
        if let Ok(Some(e)) = stream.next_within(Duration::from_secs(60)).await {
            println!("device {}: emergency «{}»", dev.id, e.title);
            let _ = dev.received(e.bulletin_id).await;
        }
    }
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let http = reqwest::Client::new();
    let mut tasks = Vec::new();
    for code in &args.codes {
        match Device::enrol(&http, &args.server, code).await {
            Ok(d) => {
                println!("enrolled device {}", d.id);
                tasks.push(tokio::spawn(run(d, args.speed)));
            }
            Err(e) => eprintln!("enrolment failed: {e}"),
        }
    }
    if tasks.is_empty() {
        eprintln!("no device enrolled (give --code for each)");
        std::process::exit(2);
    }
    if args.seconds > 0 {
        tokio::time::sleep(Duration::from_secs(args.seconds)).await;
    } else {
        for t in tasks {
            let _ = t.await;
        }
    }
}
