//! E-mail notifications: the only crate that speaks SMTP.
//!
//! Three small pieces: [`compose`] turns an inbox message into a bilingual
//! mail (Vietnamese first); [`Transport`] sends one mail and says whether a
//! failure is worth retrying; [`RetryPolicy`] says when to try again and when
//! to give up. The outbox itself (which messages wait, their attempts and
//! delivery status) is stored by the store and driven by the web crate's
//! delivery task; nothing here touches the database.

use std::time::Duration;

mod messages;

pub use messages::MESSAGES;

use egov_i18n::{t, Lang};

/// A mail to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Why a mail was not delivered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth another try later: the server is unreachable or answered 4xx.
    #[error("temporary failure: {0}")]
    Transient(String),
    /// Never worth retrying: the server refused for good (5xx) or the
    /// address or message is malformed.
    #[error("permanent failure: {0}")]
    Permanent(String),
}

/// Configuration errors.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid SMTP URL: {0}")]
    Url(String),
    #[error("invalid sender address '{0}'")]
    From(String),
}

/// Something that delivers mail.
pub trait Transport: Send + Sync + 'static {
    fn send(&self, mail: &Mail) -> impl std::future::Future<Output = Result<(), SendError>> + Send;
}

/// SMTP through lettre: `smtp://host:port` (plain, for a relay on the local
/// network), `smtp://user:pass@host:587?tls=required` (STARTTLS) or
/// `smtps://host:465` (TLS from the start).
pub struct Smtp {
    transport: lettre::AsyncSmtpTransport<lettre::Tokio1Executor>,
    from: lettre::message::Mailbox,
}

impl Smtp {
    pub fn new(url: &str, from: &str) -> Result<Smtp, MailError> {
        let transport = lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Url(e.to_string()))?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        let from = from.parse().map_err(|_| MailError::From(from.to_string()))?;
        Ok(Smtp { transport, from })
    }
}

impl Transport for Smtp {
    async fn send(&self, mail: &Mail) -> Result<(), SendError> {
        use lettre::AsyncTransport;
        let to: lettre::message::Mailbox =
            mail.to.parse().map_err(|_| SendError::Permanent(format!("invalid address '{}'", mail.to)))?;
        let message = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| SendError::Permanent(e.to_string()))?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
            // 4xx answers, refused connections, timeouts: try again later.
            Err(e) => Err(SendError::Transient(e.to_string())),
        }
    }
}

/// When to retry a mail that failed, and when to give up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failure; it doubles after each next one.
    pub first_delay: Duration,
    /// The longest wait between two attempts.
    pub max_delay: Duration,
    /// Attempts in all before the mail is marked failed.
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    /// 1 min, 2, 4, … capped at 2 h; ten attempts span about nine hours.
    fn default() -> Self {
        RetryPolicy { first_delay: Duration::from_secs(60), max_delay: Duration::from_secs(2 * 3600), max_attempts: 10 }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    RetryIn(Duration),
    GiveUp,
}

impl RetryPolicy {
    /// After `attempts` attempts (counting the one that just failed).
    pub fn after(&self, attempts: u32, error: &SendError) -> AfterFailure {
        if matches!(error, SendError::Permanent(_)) || attempts >= self.max_attempts {
            return AfterFailure::GiveUp;
        }
        let doublings = attempts.saturating_sub(1).min(30);
        let delay = self.first_delay.saturating_mul(1u32 << doublings);
        AfterFailure::RetryIn(delay.min(self.max_delay))
    }
}

/// The i18n key of an inbox message's kind (an action's name).
pub fn kind_key(kind: &str) -> &'static str {
    match kind {
        "submit" => "inbox.submit",
        "accept" => "inbox.accept",
        "return_incomplete" => "inbox.return_incomplete",
        "request_supplement" => "inbox.request_supplement",
        "refuse" => "inbox.refuse",
        "stop" => "inbox.stop",
        "approve" => "inbox.approve",
        "return_result" => "inbox.return_result",
        "apologize" => "inbox.apologize",
        "receive_at_counter" => "inbox.receive_at_counter",
        "security_detection" => "mail.alert.detection",
        "security_disconnected" => "mail.alert.disconnected",
        "network_down" => "mail.alert.network_down",
        "network_still_down" => "mail.alert.network_still_down",
        "network_up" => "mail.alert.network_up",
        _ => "inbox.other",
    }
}

/// A body in Vietnamese, then in English: for each language the kind's
/// words, a blank line, what `lines` writes, then the footer. (This crate's
/// messages are installed first: a job or a test may compose a mail where
/// no module registry installed them; installing twice is harmless.)
fn bilingual(key: &'static str, lines: impl Fn(Lang, &mut String)) -> String {
    static MESSAGES_IN: std::sync::Once = std::sync::Once::new();
    MESSAGES_IN.call_once(|| {
        let _ = egov_i18n::install(MESSAGES);
    });
    let mut body = String::new();
    for lang in [Lang::Vi, Lang::En] {
        if lang == Lang::En {
            body.push_str("\n----------\n\n");
        }
        body.push_str(t(lang, key));
        body.push_str("\n\n");
        lines(lang, &mut body);
        body.push_str(&format!("\n{}\n", t(lang, "mail.footer")));
    }
    body
}

/// The mail telling a citizen of a change to a dossier: Vietnamese, then
/// English. `public_url`, when known, gives the lookup link.
pub fn compose(to: &str, code: &str, kind: &str, note: &str, public_url: Option<&str>) -> Mail {
    let key = kind_key(kind);
    let body = bilingual(key, |lang, body| {
        body.push_str(&format!("{}: {code}\n", t(lang, "mail.code")));
        if !note.trim().is_empty() {
            body.push_str(&format!("{}: {}\n", t(lang, "mail.note"), note.trim()));
        }
        if let Some(base) = public_url {
            body.push_str(&format!("{}: {}/tra-cuu/{code}\n", t(lang, "mail.lookup"), base.trim_end_matches('/')));
        }
    });
    Mail { to: to.to_string(), subject: format!("{} {code}: {}", t(Lang::Vi, "mail.subject"), t(Lang::Vi, key)), body }
}

/// Where an alert belongs: its subject's tag and the back-office page that
/// shows it (the network's, or the information-security console).
fn alert_place(kind: &str) -> (&'static str, &'static str) {
    if kind.starts_with("network_") {
        ("mail.alert.network_tag", "/quan-tri/mang")
    } else {
        ("mail.alert.tag", "/quan-tri/an-toan-thong-tin")
    }
}

/// An alert to an administrator (information security, the data
/// network): its kind's words and what it is about, Vietnamese, then English.
pub fn compose_alert(to: &str, kind: &str, note: &str, public_url: Option<&str>) -> Mail {
    let key = kind_key(kind);
    let (tag, path) = alert_place(kind);
    let body = bilingual(key, |lang, body| {
        body.push_str(note.trim());
        body.push('\n');
        if let Some(base) = public_url {
            let console = format!("{}{path}", base.trim_end_matches('/'));
            body.push_str(&format!("{}: {console}\n", t(lang, "mail.alert.console")));
        }
    });
    let first = note.lines().next().unwrap_or("").chars().take(120).collect::<String>();
    Mail { to: to.to_string(), subject: format!("[{}] {}: {first}", t(Lang::Vi, tag), t(Lang::Vi, key)), body }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_then_gives_up() {
        let p =
            RetryPolicy { first_delay: Duration::from_secs(60), max_delay: Duration::from_secs(600), max_attempts: 6 };
        let e = SendError::Transient("451".into());
        let waits: Vec<AfterFailure> = (1..=6).map(|n| p.after(n, &e)).collect();
        assert_eq!(
            waits,
            vec![
                AfterFailure::RetryIn(Duration::from_secs(60)),
                AfterFailure::RetryIn(Duration::from_secs(120)),
                AfterFailure::RetryIn(Duration::from_secs(240)),
                AfterFailure::RetryIn(Duration::from_secs(480)),
                AfterFailure::RetryIn(Duration::from_secs(600)),
                AfterFailure::GiveUp,
            ]
        );
        assert_eq!(p.after(1, &SendError::Permanent("550".into())), AfterFailure::GiveUp);
        // no overflow however many attempts
        let long = RetryPolicy { max_attempts: u32::MAX, ..p };
        assert_eq!(long.after(1000, &e), AfterFailure::RetryIn(Duration::from_secs(600)));
    }

    #[test]
    fn the_mail_is_vietnamese_first_then_english_with_the_lookup_link() {
        let m = compose(
            "an@example.vn",
            "H72.50.01-261128-0001",
            "request_supplement",
            "Thiếu bản sao CCCD",
            Some("https://dvc.example.vn/"),
        );
        assert!(m.subject.contains("H72.50.01-261128-0001"));
        assert!(m.subject.contains("Cơ quan yêu cầu bổ sung hồ sơ"));
        let vi = m.body.find("Cơ quan yêu cầu bổ sung hồ sơ").expect("Vietnamese text");
        let en = m.body.find("The agency asks for a supplement").expect("English text");
        assert!(vi < en);
        assert!(m.body.contains("Thiếu bản sao CCCD"));
        assert!(m.body.contains("https://dvc.example.vn/tra-cuu/H72.50.01-261128-0001"));
        let without = compose("an@example.vn", "X-261128-0001", "accept", "", None);
        assert!(!without.body.contains("tra-cuu"));
        assert!(!without.body.contains(t(Lang::Vi, "mail.note")));
    }

    #[test]
    fn a_malformed_configuration_is_refused() {
        assert!(matches!(Smtp::new("http://example.vn", "a@b.vn"), Err(MailError::Url(_))));
        assert!(matches!(Smtp::new("smtp://127.0.0.1:2525", "not an address"), Err(MailError::From(_))));
        assert!(Smtp::new("smtp://127.0.0.1:2525", "Cổng DVC <no-reply@dvc.example.vn>").is_ok());
    }
}
