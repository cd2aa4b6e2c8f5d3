//! A redirect payment gateway of the common Vietnamese shape (VNPay's
//! published integration, version 2.1.0, is one): the citizen is sent to
//! the gateway with signed request parameters; the gateway sends them back
//! with a signed return, and tells the merchant's server with a signed
//! notification (IPN). The signature: the `vnp_` parameters but the hash's
//! own, sorted by name, each name and value URL-encoded as PHP's
//! `urlencode` does (space as `+`), joined with `&`, HMAC-SHA512 with the
//! merchant's secret, in lower-case hexadecimal. Amounts travel in
//! hundredths of a đồng. Only the verified notification (or a query to the
//! gateway) changes a payment: the browser's return is shown, never
//! trusted.

use hmac::{Hmac, Mac};
use sha2::Sha512;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedirectError {
    #[error("the signature is missing")]
    Unsigned,
    #[error("the signature does not match the parameters")]
    BadSignature,
    #[error("parameter {0} is missing or malformed")]
    Field(&'static str),
}

/// `urlencode` as PHP writes it: letters, digits and `-_.` kept, a space
/// as `+`, every other byte as `%XX` in upper case.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(b as char),
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The string signed: the parameters but the signature's, sorted by name.
pub fn canonical(params: &[(String, String)]) -> String {
    let mut p: Vec<&(String, String)> =
        params.iter().filter(|(k, _)| k != "vnp_SecureHash" && k != "vnp_SecureHashType").collect();
    p.sort_by(|a, b| a.0.cmp(&b.0));
    p.iter().map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v))).collect::<Vec<_>>().join("&")
}

/// HMAC-SHA512 of `data` with `secret`, in lower-case hexadecimal.
pub fn hmac_sha512(secret: &[u8], data: &[u8]) -> String {
    // HMAC takes a key of any length: this cannot fail
    let mut mac = <Hmac<Sha512> as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    mac.update(data);
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sign(secret: &[u8], params: &[(String, String)]) -> String {
    hmac_sha512(secret, canonical(params).as_bytes())
}

/// Whether the parameters carry the signature of `secret` (compared in
/// constant time).
pub fn verify(secret: &[u8], params: &[(String, String)]) -> Result<(), RedirectError> {
    let given = params.iter().find(|(k, _)| k == "vnp_SecureHash").map(|(_, v)| v.to_ascii_lowercase());
    let given = given.ok_or(RedirectError::Unsigned)?;
    let want = sign(secret, params);
    let same = crate::same_signature(&given, &want);
    if same {
        Ok(())
    } else {
        Err(RedirectError::BadSignature)
    }
}

/// A payment asked of the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// The merchant's terminal code.
    pub terminal: String,
    /// The merchant's reference of this attempt (unique per attempt).
    pub reference: String,
    pub amount_vnd: u64,
    /// What it pays for (without diacritics, as the gateway shows it).
    pub info: String,
    pub return_url: String,
    pub client_ip: String,
    /// `yyyyMMddHHmmss`, Vietnam time.
    pub created: String,
    pub expires: String,
    /// `vn` or `en`.
    pub locale: String,
}

/// The address the citizen is sent to: the gateway's, with the order's
/// parameters and their signature.
pub fn pay_url(gateway: &str, secret: &[u8], o: &Order) -> String {
    let params: Vec<(String, String)> = [
        ("vnp_Version", "2.1.0".to_string()),
        ("vnp_Command", "pay".into()),
        ("vnp_TmnCode", o.terminal.clone()),
        ("vnp_Amount", (o.amount_vnd * 100).to_string()),
        ("vnp_CurrCode", "VND".into()),
        ("vnp_TxnRef", o.reference.clone()),
        ("vnp_OrderInfo", o.info.clone()),
        ("vnp_OrderType", "other".into()),
        ("vnp_Locale", o.locale.clone()),
        ("vnp_ReturnUrl", o.return_url.clone()),
        ("vnp_IpAddr", o.client_ip.clone()),
        ("vnp_CreateDate", o.created.clone()),
        ("vnp_ExpireDate", o.expires.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let hash = sign(secret, &params);
    format!("{gateway}?{}&vnp_SecureHash={hash}", canonical(&params))
}

/// What a verified return or notification says of an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub reference: String,
    pub amount_vnd: u64,
    /// `00`: the gateway took the payment.
    pub response_code: String,
    pub transaction_status: String,
    /// The gateway's own transaction number.
    pub transaction_no: String,
    pub bank_code: String,
    /// `yyyyMMddHHmmss`.
    pub pay_date: String,
}

impl Notice {
    /// Reads a return or a notification, its signature checked first.
    pub fn verified(secret: &[u8], params: &[(String, String)]) -> Result<Notice, RedirectError> {
        verify(secret, params)?;
        Notice::read(|k| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
    }

    /// Its fields by name (a return's parameters, a query answer's members),
    /// the signature already checked.
    fn read(get: impl Fn(&str) -> Option<String>) -> Result<Notice, RedirectError> {
        let hundredths: u64 =
            get("vnp_Amount").and_then(|a| a.parse().ok()).ok_or(RedirectError::Field("vnp_Amount"))?;
        if !hundredths.is_multiple_of(100) {
            return Err(RedirectError::Field("vnp_Amount"));
        }
        Ok(Notice {
            reference: get("vnp_TxnRef").filter(|r| !r.is_empty()).ok_or(RedirectError::Field("vnp_TxnRef"))?,
            amount_vnd: hundredths / 100,
            response_code: get("vnp_ResponseCode").ok_or(RedirectError::Field("vnp_ResponseCode"))?,
            transaction_status: get("vnp_TransactionStatus").unwrap_or_default(),
            transaction_no: get("vnp_TransactionNo").unwrap_or_default(),
            bank_code: get("vnp_BankCode").unwrap_or_default(),
            pay_date: get("vnp_PayDate").unwrap_or_default(),
        })
    }

    pub fn succeeded(&self) -> bool {
        self.response_code == "00" && (self.transaction_status.is_empty() || self.transaction_status == "00")
    }
}

/// The merchant's answer to a notification, as the protocol expects it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpnAnswer {
    Confirmed,
    UnknownOrder,
    AlreadyConfirmed,
    WrongAmount,
    BadSignature,
}

impl IpnAnswer {
    /// The JSON body: `{"RspCode":"00","Message":"Confirm Success"}` and the like.
    pub fn body(self) -> &'static str {
        match self {
            IpnAnswer::Confirmed => r#"{"RspCode":"00","Message":"Confirm Success"}"#,
            IpnAnswer::UnknownOrder => r#"{"RspCode":"01","Message":"Order not found"}"#,
            IpnAnswer::AlreadyConfirmed => r#"{"RspCode":"02","Message":"Order already confirmed"}"#,
            IpnAnswer::WrongAmount => r#"{"RspCode":"04","Message":"Invalid amount"}"#,
            IpnAnswer::BadSignature => r#"{"RspCode":"97","Message":"Invalid signature"}"#,
        }
    }
}

/// The fields of a status query (`querydr`) whose values, joined by `|` in
/// this order, are signed.
pub const QUERY_SIGNED: [&str; 9] = [
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
];

/// The fields of a query's answer signed the same way.
pub const ANSWER_SIGNED: [&str; 15] = [
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
];

/// The values of `fields` in `obj` (absent: empty), joined by `|`.
pub fn piped(obj: &serde_json::Map<String, serde_json::Value>, fields: &[&str]) -> String {
    fields
        .iter()
        .map(|f| match obj.get(*f) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Null) | None => String::new(),
            Some(v) => v.to_string(),
        })
        .collect::<Vec<_>>()
        .join("|")
}

/// A status query of the attempt `reference` made on `transaction_date`
/// (`yyyyMMddHHmmss`), signed: the JSON body posted to the gateway's API.
pub fn query_request(
    secret: &[u8],
    terminal: &str,
    request_id: &str,
    reference: &str,
    transaction_date: &str,
    now: &str,
    ip: &str,
) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for (k, v) in [
        ("vnp_RequestId", request_id),
        ("vnp_Version", "2.1.0"),
        ("vnp_Command", "querydr"),
        ("vnp_TmnCode", terminal),
        ("vnp_TxnRef", reference),
        ("vnp_OrderInfo", reference),
        ("vnp_TransactionDate", transaction_date),
        ("vnp_CreateDate", now),
        ("vnp_IpAddr", ip),
    ] {
        m.insert(k.into(), serde_json::Value::String(v.into()));
    }
    let hash = hmac_sha512(secret, piped(&m, &QUERY_SIGNED).as_bytes());
    m.insert("vnp_SecureHash".into(), serde_json::Value::String(hash));
    serde_json::Value::Object(m)
}

/// Whether a JSON object carries the signature of `fields` under `secret`.
pub fn piped_verified(secret: &[u8], obj: &serde_json::Map<String, serde_json::Value>, fields: &[&str]) -> bool {
    let given = obj.get("vnp_SecureHash").and_then(|v| v.as_str()).unwrap_or("").to_ascii_lowercase();
    let want = hmac_sha512(secret, piped(obj, fields).as_bytes());
    crate::same_signature(&given, &want)
}

/// A query's answer, its signature checked: what the gateway knows of the attempt.
pub fn query_answer(secret: &[u8], body: &serde_json::Value) -> Result<Notice, RedirectError> {
    let obj = body.as_object().ok_or(RedirectError::Field("body"))?;
    if obj.get("vnp_SecureHash").is_none() {
        return Err(RedirectError::Unsigned);
    }
    if !piped_verified(secret, obj, &ANSWER_SIGNED) {
        return Err(RedirectError::BadSignature);
    }
    Notice::read(|k| match obj.get(k) {
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}
