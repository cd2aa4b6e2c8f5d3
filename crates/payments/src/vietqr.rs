//! VietQR, the Vietnamese bank-transfer QR (NAPAS), on EMVCo's
//! merchant-presented encoding: `00` "01"; `01` "12" for one transaction
//! with its amount, "11" for a reusable code; `38` the beneficiary —
//! `00` NAPAS's GUID "A000000727", `01` {`00` the bank's BIN, `01` the
//! account}, `02` "QRIBFTTA" (to an account) or "QRIBFTTC" (to a card);
//! `53` "704" (đồng); `54` the amount; `58` "VN"; `62`.`08` the transfer's
//! purpose, without diacritics; `63` the CRC. egov writes the dossier's
//! code as the purpose, so that a bank statement's line names its dossier.

use unicode_normalization::UnicodeNormalization;

use crate::emv::{checked, object, objects, with_checksum, EmvError};

/// NAPAS's globally unique identifier in field 38.
pub const GUID: &str = "A000000727";

/// The longest purpose EMVCo's field 62.08 takes.
pub const PURPOSE_MAX: usize = 25;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    #[error(transparent)]
    Emv(#[from] EmvError),
    #[error("a bank's BIN is six digits")]
    Bin,
    #[error("an account is 1 to 19 letters or digits")]
    Account,
    #[error("an amount is a whole number of đồng from 1 to 13 digits")]
    Amount,
    #[error("the purpose is longer than {PURPOSE_MAX} characters without diacritics")]
    Purpose,
    #[error("field {0} is missing or not as VietQR requires")]
    Field(&'static str),
}

/// Where the transfer goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    ToAccount,
    ToCard,
}

impl Service {
    pub fn code(self) -> &'static str {
        match self {
            Service::ToAccount => "QRIBFTTA",
            Service::ToCard => "QRIBFTTC",
        }
    }
}

/// A transfer a VietQR code asks for, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    bin: String,
    account: String,
    service: Service,
    amount: Option<u64>,
    purpose: String,
}

/// A purpose as VietQR carries it: diacritics removed (đ → d), anything
/// but printable ASCII dropped, spaces squeezed.
pub fn purpose_text(s: &str) -> String {
    let plain: String = s
        .nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .collect();
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A bank's BIN: six digits.
pub fn valid_bin(bin: &str) -> bool {
    bin.len() == 6 && bin.bytes().all(|b| b.is_ascii_digit())
}

/// An account (or card) number: 1 to 19 letters or digits.
pub fn valid_account(account: &str) -> bool {
    !account.is_empty() && account.len() <= 19 && account.bytes().all(|b| b.is_ascii_alphanumeric())
}

impl Transfer {
    /// A transfer to a bank account, checked: every field within VietQR's rules.
    pub fn new(
        bin: &str,
        account: &str,
        service: Service,
        amount: Option<u64>,
        purpose: &str,
    ) -> Result<Transfer, QrError> {
        if !valid_bin(bin) {
            return Err(QrError::Bin);
        }
        if !valid_account(account) {
            return Err(QrError::Account);
        }
        if amount.is_some_and(|a| a == 0 || a > 9_999_999_999_999) {
            return Err(QrError::Amount);
        }
        let purpose = purpose_text(purpose);
        if purpose.len() > PURPOSE_MAX {
            return Err(QrError::Purpose);
        }
        Ok(Transfer { bin: bin.into(), account: account.into(), service, amount, purpose })
    }

    pub fn bin(&self) -> &str {
        &self.bin
    }
    pub fn account(&self) -> &str {
        &self.account
    }
    pub fn service(&self) -> Service {
        self.service
    }
    pub fn amount(&self) -> Option<u64> {
        self.amount
    }
    pub fn purpose(&self) -> &str {
        &self.purpose
    }

    /// The payload the QR code holds, its checksum last.
    pub fn payload(&self) -> String {
        // every value was checked to fit its object: none exceeds 99 characters
        let o = |tag, v: &str| object(tag, v).unwrap_or_default();
        let beneficiary = o(0, &self.bin) + &o(1, &self.account);
        let account = o(0, GUID) + &o(1, &beneficiary) + &o(2, self.service.code());
        let mut p =
            o(0, "01") + &o(1, if self.amount.is_some() { "12" } else { "11" }) + &o(38, &account) + &o(53, "704");
        if let Some(a) = self.amount {
            p += &o(54, &a.to_string());
        }
        p += &o(58, "VN");
        if !self.purpose.is_empty() {
            p += &o(62, &o(8, &self.purpose));
        }
        with_checksum(&p)
    }

    /// Reads a payload: its checksum, the fields VietQR requires, the transfer.
    pub fn parse(payload: &str) -> Result<Transfer, QrError> {
        let body = checked(payload.trim())?;
        let top = objects(body)?;
        let get = |list: &[(u8, String)], tag: u8| list.iter().find(|(t, _)| *t == tag).map(|(_, v)| v.clone());
        if get(&top, 0).as_deref() != Some("01") {
            return Err(QrError::Field("00"));
        }
        if !matches!(get(&top, 1).as_deref(), Some("11" | "12")) {
            return Err(QrError::Field("01"));
        }
        if get(&top, 53).as_deref() != Some("704") {
            return Err(QrError::Field("53"));
        }
        if get(&top, 58).as_deref() != Some("VN") {
            return Err(QrError::Field("58"));
        }
        let account = objects(&get(&top, 38).ok_or(QrError::Field("38"))?)?;
        if get(&account, 0).as_deref() != Some(GUID) {
            return Err(QrError::Field("38.00"));
        }
        let beneficiary = objects(&get(&account, 1).ok_or(QrError::Field("38.01"))?)?;
        let service = match get(&account, 2).as_deref() {
            Some("QRIBFTTA") => Service::ToAccount,
            Some("QRIBFTTC") => Service::ToCard,
            _ => return Err(QrError::Field("38.02")),
        };
        let amount = match get(&top, 54) {
            Some(a) => Some(a.parse::<u64>().map_err(|_| QrError::Amount)?),
            None => None,
        };
        let purpose = match get(&top, 62) {
            Some(extra) => get(&objects(&extra)?, 8).unwrap_or_default(),
            None => String::new(),
        };
        let bin = get(&beneficiary, 0).ok_or(QrError::Field("38.01.00"))?;
        let account = get(&beneficiary, 1).ok_or(QrError::Field("38.01.01"))?;
        Transfer::new(&bin, &account, service, amount, &purpose)
    }
}
