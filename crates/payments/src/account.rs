//! An agency's receiving account for bank transfers (what its VietQR codes
//! pay into): the bank by its BIN, the account, its holder's name, from
//! which day it is used. Accounts change: the one in force on a day is the
//! latest whose first day has come.

use chrono::NaiveDate;

use crate::vietqr::{valid_account, valid_bin, QrError, Service, Transfer};
use crate::Problem;

/// Some banks' BINs as NAPAS publishes them, to name a bank on the pages;
/// any six-digit BIN is taken.
pub const BANKS: [(&str, &str); 8] = [
    ("970436", "Vietcombank"),
    ("970415", "VietinBank"),
    ("970418", "BIDV"),
    ("970405", "Agribank"),
    ("970422", "MB"),
    ("970407", "Techcombank"),
    ("970432", "VPBank"),
    ("970423", "TPBank"),
];

pub fn bank_name(bin: &str) -> Option<&'static str> {
    BANKS.iter().find(|(b, _)| *b == bin).map(|(_, n)| *n)
}

/// An account as the form or the API sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountInput {
    pub bin: String,
    pub account: String,
    pub holder: String,
    /// `to_account` or `to_card`.
    pub service: String,
    /// `YYYY-MM-DD`.
    pub from: String,
}

/// An account checked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Account {
    pub bin: String,
    pub account: String,
    pub holder: String,
    pub service: Service,
    pub from: NaiveDate,
}

impl AccountInput {
    /// The account, or every problem at once.
    pub fn check(&self) -> Result<Account, Vec<Problem>> {
        let mut out = Vec::new();
        let (bin, account) = (self.bin.trim(), self.account.trim().replace([' ', '.', '-'], ""));
        let service = match self.service.trim() {
            "to_account" | "" => Some(Service::ToAccount),
            "to_card" => Some(Service::ToCard),
            _ => None,
        };
        if service.is_none() {
            out.push(Problem { field: "service", key: "err.option" });
        }
        // the QR's own rules decide what a BIN and an account may be
        if !valid_bin(bin) {
            out.push(Problem { field: "bin", key: "err.pay.bin" });
        }
        if !valid_account(&account) {
            out.push(Problem { field: "account", key: "err.pay.account" });
        }
        let holder = self.holder.trim();
        if holder.is_empty() {
            out.push(Problem { field: "holder", key: "err.required" });
        } else if holder.chars().count() > 200 {
            out.push(Problem { field: "holder", key: "err.too_long" });
        }
        let from = NaiveDate::parse_from_str(self.from.trim(), "%Y-%m-%d").ok().filter(|d| {
            let y = chrono::Datelike::year(d);
            (2000..=2100).contains(&y)
        });
        if from.is_none() {
            out.push(Problem { field: "from", key: "err.date" });
        }
        match (service, from) {
            (Some(service), Some(from)) if out.is_empty() => {
                Ok(Account { bin: bin.into(), account, holder: holder.into(), service, from })
            }
            _ => Err(out),
        }
    }
}

impl Account {
    /// The transfer of `amount` đồng for `purpose` (a dossier's code) into
    /// this account.
    pub fn transfer(&self, amount: u64, purpose: &str) -> Result<Transfer, QrError> {
        Transfer::new(&self.bin, &self.account, self.service, Some(amount), purpose)
    }
}

/// Of one agency's accounts (each item's account read by `account`), the
/// one in force on `day`: the latest whose first day has come.
pub fn in_force<T>(items: &[T], day: NaiveDate, account: impl Fn(&T) -> &Account) -> Option<&T> {
    items.iter().filter(|i| account(i).from <= day).max_by_key(|i| account(i).from)
}
