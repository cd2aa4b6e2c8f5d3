//! Payments (issue 22): the agencies' receiving accounts. Every change is
//! audited.

use chrono::NaiveDate;
use egov_payments::account::Account;
use egov_payments::vietqr::Service;

use crate::{get, Migration, Result, Store, StoreError, WriteTx};

mod attempts;
mod requests;
mod transfers;

pub use attempts::KeptAttempt;
pub use requests::{FeeOwed, KeptPayment, Settlement};
pub use transfers::{KeptTransfer, NewTransfer};

pub const MIGRATIONS: &[Migration] = crate::migrations!("payments": 39 "0039_payment_accounts", 40 "0040_payment_requests", 41 "0041_bank_transfers", 42 "0042_payment_attempts");

/// A receiving account as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptAccount {
    pub id: i64,
    pub agency: String,
    pub a: Account,
    pub recorded_by: String,
}

fn service_str(s: Service) -> &'static str {
    match s {
        Service::ToAccount => "to_account",
        Service::ToCard => "to_card",
    }
}

fn row(r: &sqlx::any::AnyRow) -> Result<KeptAccount> {
    let service: String = get(r, "service")?;
    let from: String = get(r, "effective_from")?;
    Ok(KeptAccount {
        id: get(r, "id")?,
        agency: get(r, "agency_code")?,
        a: Account {
            bin: get(r, "bin")?,
            account: get(r, "account")?,
            holder: get(r, "holder")?,
            service: match service.as_str() {
                "to_account" => Service::ToAccount,
                "to_card" => Service::ToCard,
                s => return Err(StoreError::Corrupt(format!("an account's service: {s}"))),
            },
            from: NaiveDate::parse_from_str(&from, "%Y-%m-%d")
                .map_err(|_| StoreError::Corrupt(format!("an account's first day: {from}")))?,
        },
        recorded_by: get(r, "recorded_by")?,
    })
}

impl Store {
    /// Accounts, of one agency (`Some`) or all; by agency, then first day.
    pub async fn payment_accounts(&self, agency: Option<&str>) -> Result<Vec<KeptAccount>> {
        let rows = sqlx::query(
            "SELECT * FROM payment_accounts WHERE ($1 = '' OR agency_code = $1) ORDER BY agency_code, effective_from, id",
        )
        .bind(agency.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(row).collect()
    }

    pub async fn payment_account(&self, id: i64) -> Result<Option<KeptAccount>> {
        let r = sqlx::query("SELECT * FROM payment_accounts WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        r.as_ref().map(row).transpose()
    }
}

impl WriteTx {
    /// Records an account of `agency`: its id.
    pub async fn payment_account_add(&mut self, agency: &str, a: &Account, actor: &str, now: i64) -> Result<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO payment_accounts (agency_code, bin, account, holder, service, effective_from, recorded_by, \
             recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(agency)
        .bind(&a.bin)
        .bind(&a.account)
        .bind(&a.holder)
        .bind(service_str(a.service))
        .bind(a.from.format("%Y-%m-%d").to_string())
        .bind(actor)
        .bind(now)
        .fetch_one(self.conn())
        .await?;
        self.audit(egov_audit::Event::new(
            actor,
            "payments.account",
            format!("payment-account:{id}"),
            None::<&()>,
            Some(a),
        ));
        Ok(id)
    }
}
