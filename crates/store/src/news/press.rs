//! Information cooperation with the press: outlets, contracts, deliveries
//! and their acceptance. Every change is audited.

use chrono::NaiveDate;
use egov_news::press::{Contract, Delivery, Outlet, OutletKind};

use crate::{get, Result, Store, StoreError, WriteTx};

fn corrupt(what: &str, v: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}: {v}"))
}

fn date(r: &sqlx::any::AnyRow, col: &str) -> Result<NaiveDate> {
    let v: String = get(r, col)?;
    NaiveDate::parse_from_str(&v, "%Y-%m-%d").map_err(|_| corrupt(col, &v))
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The audit's word for a change of press cooperation.
const AUDIT: &str = "news.press";

impl Store {
    pub async fn news_outlets(&self) -> Result<Vec<(i64, Outlet)>> {
        let rows = sqlx::query("SELECT * FROM news_outlets ORDER BY name, id").fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let kind: String = get(r, "kind")?;
                Ok((
                    get(r, "id")?,
                    Outlet {
                        name: get(r, "name")?,
                        kind: OutletKind::parse(&kind).ok_or_else(|| corrupt("an outlet's kind", &kind))?,
                        licence: get(r, "licence")?,
                        in_province: get::<i64>(r, "in_province")? != 0,
                        contact: get(r, "contact")?,
                    },
                ))
            })
            .collect()
    }

    /// Contracts (one agency's: `Some`): (id, agency, outlet id, contract).
    pub async fn news_contracts(&self, agency: Option<&str>) -> Result<Vec<(i64, String, i64, Contract)>> {
        let rows = sqlx::query(
            "SELECT * FROM news_contracts WHERE ($1 = '' OR agency_code = $1) ORDER BY period_from DESC, id DESC",
        )
        .bind(agency.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    get(r, "id")?,
                    get(r, "agency_code")?,
                    get(r, "outlet_id")?,
                    Contract {
                        number: get(r, "number")?,
                        subject: get(r, "subject")?,
                        items: get(r, "items")?,
                        from: date(r, "period_from")?,
                        to: date(r, "period_to")?,
                        budget: get(r, "budget")?,
                    },
                ))
            })
            .collect()
    }

    /// Deliveries (of one agency's contracts: `Some`): (id, contract id,
    /// delivery, accepted).
    pub async fn news_deliveries(&self, agency: Option<&str>) -> Result<Vec<(i64, i64, Delivery, bool)>> {
        let rows = sqlx::query(
            "SELECT d.* FROM news_deliveries d JOIN news_contracts c ON c.id = d.contract_id \
             WHERE ($1 = '' OR c.agency_code = $1) ORDER BY d.delivered_on DESC, d.id DESC",
        )
        .bind(agency.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    get(r, "id")?,
                    get(r, "contract_id")?,
                    Delivery {
                        title: get(r, "title")?,
                        where_when: get(r, "where_when")?,
                        delivered_on: date(r, "delivered_on")?,
                    },
                    get::<Option<i64>>(r, "accepted_at")?.is_some(),
                ))
            })
            .collect()
    }

    /// The agency a delivery's contract is of.
    pub async fn news_delivery_agency(&self, id: i64) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT c.agency_code FROM news_deliveries d JOIN news_contracts c ON c.id = d.contract_id WHERE d.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn news_contract_agency(&self, id: i64) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT agency_code FROM news_contracts WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }
}

impl WriteTx {
    pub async fn news_outlet_add(&mut self, o: &Outlet, actor: &str) -> Result<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO news_outlets (name, kind, licence, in_province, contact, recorded_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(&o.name)
        .bind(o.kind.as_str())
        .bind(&o.licence)
        .bind(i64::from(o.in_province))
        .bind(&o.contact)
        .bind(actor)
        .fetch_one(self.conn())
        .await?;
        self.audit(egov_audit::Event::new(actor, AUDIT, format!("outlet:{id}"), None::<&()>, Some(o)));
        Ok(id)
    }

    pub async fn news_contract_add(&mut self, agency: &str, outlet: i64, c: &Contract, actor: &str) -> Result<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO news_contracts (agency_code, outlet_id, number, subject, items, period_from, period_to, budget, recorded_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(agency)
        .bind(outlet)
        .bind(&c.number)
        .bind(&c.subject)
        .bind(c.items)
        .bind(ymd(c.from))
        .bind(ymd(c.to))
        .bind(c.budget)
        .bind(actor)
        .fetch_one(self.conn())
        .await?;
        self.audit(egov_audit::Event::new(actor, AUDIT, format!("press-contract:{id}"), None::<&()>, Some(c)));
        Ok(id)
    }

    pub async fn news_delivery_add(&mut self, contract: i64, d: &Delivery, actor: &str) -> Result<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO news_deliveries (contract_id, title, where_when, delivered_on, recorded_by) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(contract)
        .bind(&d.title)
        .bind(&d.where_when)
        .bind(ymd(d.delivered_on))
        .bind(actor)
        .fetch_one(self.conn())
        .await?;
        self.audit(egov_audit::Event::new(actor, AUDIT, format!("press-delivery:{id}"), None::<&()>, Some(d)));
        Ok(id)
    }

    /// Accepts a delivered item; false if it was accepted already.
    pub async fn news_delivery_accept(&mut self, id: i64, actor: &str, now: i64) -> Result<bool> {
        let n = sqlx::query(
            "UPDATE news_deliveries SET accepted_at = $2, accepted_by = $3 WHERE id = $1 AND accepted_at IS NULL",
        )
        .bind(id)
        .bind(now)
        .bind(actor)
        .execute(self.conn())
        .await?
        .rows_affected();
        if n == 1 {
            self.audit(egov_audit::Event::new(
                actor,
                AUDIT,
                format!("press-delivery:{id}"),
                None::<&()>,
                Some(&"accepted"),
            ));
        }
        Ok(n == 1)
    }
}
