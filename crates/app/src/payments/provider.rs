//! The seam online payment providers plug into (issue 22): a redirect
//! gateway is anything that can send a citizen to pay an order, read its
//! own signed notification, tell which attempt a browser's return names,
//! and answer a status query. `gateway.rs` speaks only to this trait; the
//! configuration chooses an adapter per agency (each gateway lists the
//! agencies it collects for). VNPay's 2.1.0 protocol is the adapter built;
//! the national payment platform (PayGov, no public specification) is added
//! as another implementation and another `Protocol`, nothing else changing.
//!
//! The bank transfer (VietQR) is the other way of paying without the desk;
//! it needs no adapter call to start (the code is on the dossier's page) and
//! is settled by the bank's statement or signed notification (`bank.rs`).

use std::future::Future;
use std::pin::Pin;

use chrono::{Duration, NaiveDateTime};
use egov_payments::redirect::{self, Notice, Order};
use egov_store::payments::KeptAttempt;

use crate::{AppError, Refusal};

/// An answer that comes later (a provider's HTTP call).
pub type Later<'a, T> = Pin<Box<dyn Future<Output = Result<T, AppError>> + Send + 'a>>;

/// What the citizen is sent to pay.
#[derive(Debug, Clone)]
pub struct Purchase {
    /// egov's reference of this attempt (unique).
    pub reference: String,
    pub amount_vnd: u64,
    /// What it pays for, in words without diacritics.
    pub info: String,
    /// egov's address the browser comes back to.
    pub return_url: String,
    pub client_ip: String,
    pub created: NaiveDateTime,
    pub english: bool,
}

/// What a provider said of an attempt, once its signature held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub reference: String,
    pub amount_vnd: u64,
    /// The provider took the payment (else it failed, or was cancelled).
    pub paid: bool,
    /// The provider's own transaction number.
    pub transaction: String,
}

/// A provider's word that could not be taken: its signature does not hold,
/// or it does not say what egov needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unverified;

/// A redirect payment gateway.
pub trait Gateway: Send + Sync {
    /// Its name in the audit log (`provider:NAME`) and on its attempts.
    fn name(&self) -> &str;
    /// Whether it collects for `agency`.
    fn serves(&self, agency: &str) -> bool;
    /// The address the citizen is sent to, with the signed order.
    fn pay_url(&self, p: &Purchase) -> String;
    /// Its server-to-server notification, read only if its signature holds.
    fn notification(&self, params: &[(String, String)]) -> Result<Outcome, Unverified>;
    /// The attempt a browser's return names, and whether its signature held
    /// (the return itself is never believed).
    fn returned(&self, params: &[(String, String)]) -> (Option<String>, bool);
    /// Asks what became of attempt `a`: `None` while the provider does not
    /// know yet (or was not reached).
    fn query<'a>(&'a self, a: &'a KeptAttempt, now: NaiveDateTime, request_id: String) -> Later<'a, Option<Outcome>>;
}

/// The protocols egov speaks to gateways.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
pub enum Protocol {
    /// VNPay's payment gateway, version 2.1.0 (`egov_payments::redirect`).
    #[default]
    #[serde(rename = "vnpay-2.1.0")]
    Vnpay21,
}

/// A gateway's settings: its protocol, merchant terminal and secret, its pay
/// page and API, egov's public address (for the return), and the agencies it
/// collects for (none named: every agency).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayConfig {
    /// A name for the audit log (`provider:NAME`).
    pub name: String,
    #[serde(default)]
    pub protocol: Protocol,
    pub terminal: String,
    pub secret: String,
    pub pay_url: String,
    pub api_url: String,
    pub return_base: String,
    #[serde(default)]
    pub agencies: Vec<String>,
}

impl GatewayConfig {
    pub fn serves(&self, agency: &str) -> bool {
        self.agencies.is_empty() || self.agencies.iter().any(|a| a == agency)
    }

    /// The adapter of its protocol.
    pub fn adapter(&self) -> Box<dyn Gateway> {
        match self.protocol {
            Protocol::Vnpay21 => Box::new(Vnpay(self.clone())),
        }
    }
}

/// The `--payment-gateway` file: one gateway, or several (each for its agencies).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(untagged)]
pub enum GatewayFile {
    One(GatewayConfig),
    Many(Vec<GatewayConfig>),
}

impl GatewayFile {
    pub fn into_list(self) -> Vec<GatewayConfig> {
        match self {
            GatewayFile::One(g) => vec![g],
            GatewayFile::Many(gs) => gs,
        }
    }
}

const STAMP: &str = "%Y%m%d%H%M%S";

/// VNPay 2.1.0.
struct Vnpay(GatewayConfig);

fn outcome(n: Notice) -> Outcome {
    Outcome { paid: n.succeeded(), reference: n.reference, amount_vnd: n.amount_vnd, transaction: n.transaction_no }
}

impl Gateway for Vnpay {
    fn name(&self) -> &str {
        &self.0.name
    }

    fn serves(&self, agency: &str) -> bool {
        self.0.serves(agency)
    }

    fn pay_url(&self, p: &Purchase) -> String {
        let order = Order {
            terminal: self.0.terminal.clone(),
            reference: p.reference.clone(),
            amount_vnd: p.amount_vnd,
            info: p.info.clone(),
            return_url: p.return_url.clone(),
            client_ip: p.client_ip.clone(),
            created: p.created.format(STAMP).to_string(),
            expires: (p.created + Duration::minutes(15)).format(STAMP).to_string(),
            locale: if p.english { "en" } else { "vn" }.into(),
        };
        redirect::pay_url(&self.0.pay_url, self.0.secret.as_bytes(), &order)
    }

    fn notification(&self, params: &[(String, String)]) -> Result<Outcome, Unverified> {
        Notice::verified(self.0.secret.as_bytes(), params).map(outcome).map_err(|_| Unverified)
    }

    fn returned(&self, params: &[(String, String)]) -> (Option<String>, bool) {
        let verified = redirect::verify(self.0.secret.as_bytes(), params).is_ok();
        (params.iter().find(|(k, _)| k == "vnp_TxnRef").map(|(_, v)| v.clone()), verified)
    }

    fn query<'a>(&'a self, a: &'a KeptAttempt, now: NaiveDateTime, request_id: String) -> Later<'a, Option<Outcome>> {
        Box::pin(async move {
            let g = &self.0;
            let now = now.format(STAMP).to_string();
            let body = redirect::query_request(
                g.secret.as_bytes(),
                &g.terminal,
                &request_id,
                &a.reference,
                &a.created,
                &now,
                "127.0.0.1",
            );
            let unreachable =
                |e: reqwest::Error| AppError::refused(Refusal::Unavailable, "err.pay.gateway", e.to_string());
            let answer: serde_json::Value = reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(10))
                .build()
                .map_err(unreachable)?
                .post(&g.api_url)
                .json(&body)
                .send()
                .await
                .map_err(unreachable)?
                .json()
                .await
                .map_err(unreachable)?;
            let n = redirect::query_answer(g.secret.as_bytes(), &answer)
                .map_err(|e| AppError::refused(Refusal::Unavailable, "err.pay.gateway", e.to_string()))?;
            // "00": the query was answered; the transaction's own status says
            // the rest, "01" of it: not finished at the gateway yet
            let known = n.response_code == "00"
                && n.reference == a.reference
                && !n.transaction_status.is_empty()
                && n.transaction_status != "01";
            Ok(known.then(|| outcome(Notice { response_code: n.transaction_status.clone(), ..n })))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(json: &str) -> Vec<GatewayConfig> {
        serde_json::from_str::<GatewayFile>(json).unwrap().into_list()
    }

    const ONE: &str = r#"{"name": "vnpay", "terminal": "T", "secret": "s", "pay_url": "https://pay.example/pay",
        "api_url": "https://pay.example/api", "return_base": "https://dvc.example"}"#;

    #[test]
    fn a_file_names_one_gateway_or_several_each_for_its_agencies() {
        let one = file(ONE);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].protocol, Protocol::Vnpay21, "VNPay 2.1.0 unless said");
        assert!(one[0].serves("H72.50.01") && one[0].serves("H72.01"), "no agencies named: every agency");
        let many = file(
            r#"[{"name": "a", "protocol": "vnpay-2.1.0", "terminal": "A", "secret": "s", "pay_url": "u", "api_url": "u",
                 "return_base": "b", "agencies": ["H72.50.01"]},
                {"name": "b", "terminal": "B", "secret": "t", "pay_url": "u", "api_url": "u", "return_base": "b",
                 "agencies": ["H72.01", "H72.02"]}]"#,
        );
        let adapters: Vec<Box<dyn Gateway>> = many.iter().map(GatewayConfig::adapter).collect();
        let chosen = |agency: &str| adapters.iter().find(|g| g.serves(agency)).map(|g| g.name().to_string());
        assert_eq!(chosen("H72.50.01").as_deref(), Some("a"));
        assert_eq!(chosen("H72.02").as_deref(), Some("b"));
        assert_eq!(chosen("H72.99"), None, "an agency no gateway collects for pays by transfer or at the desk");
        let unknown = ONE.replacen("\"name\"", "\"protocol\": \"paygov\", \"name\"", 1);
        assert!(serde_json::from_str::<GatewayFile>(&unknown).is_err(), "an unknown protocol is refused");
    }

    #[test]
    fn the_vnpay_adapter_signs_what_it_sends_and_believes_only_what_is_signed() {
        let g = file(ONE).remove(0).adapter();
        let created = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap().and_hms_opt(9, 0, 0).unwrap();
        let url = g.pay_url(&Purchase {
            reference: "7x1".into(),
            amount_vnd: 5000,
            info: "Nop phi".into(),
            return_url: "https://dvc.example/thanh-toan/tra-ve".into(),
            client_ip: "10.0.0.1".into(),
            created,
            english: false,
        });
        let query = url.split_once('?').unwrap().1;
        let params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(
            (get("vnp_TxnRef"), get("vnp_Amount"), get("vnp_ExpireDate")),
            (Some("7x1"), Some("500000"), Some("20261202091500"))
        );
        // the order as sent reads back as a verified return naming the attempt
        assert_eq!(g.returned(&params), (Some("7x1".to_string()), true));
        // a notice for it, signed, is taken; changed after signing, it is not
        let mut notice: Vec<(String, String)> = params.iter().filter(|(k, _)| k != "vnp_SecureHash").cloned().collect();
        notice.extend(
            [("vnp_ResponseCode", "00"), ("vnp_TransactionStatus", "00"), ("vnp_TransactionNo", "14000001")]
                .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        let signed = egov_payments::redirect::sign(b"s", &notice);
        notice.push(("vnp_SecureHash".into(), signed));
        let o = g.notification(&notice).unwrap();
        assert_eq!(
            o,
            Outcome { reference: "7x1".into(), amount_vnd: 5000, paid: true, transaction: "14000001".into() }
        );
        let tampered: Vec<(String, String)> = notice
            .iter()
            .map(|(k, v)| if k == "vnp_Amount" { (k.clone(), "100".into()) } else { (k.clone(), v.clone()) })
            .collect();
        assert_eq!(g.notification(&tampered), Err(Unverified));
        assert!(!g.returned(&tampered).1, "a tampered return is not verified");
    }
}
