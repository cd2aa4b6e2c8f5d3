//! Information cooperation with the press: agencies' administrators keep
//! the outlets' register, place contracts or orders with outlets, record
//! every item delivered and accept it; the year's summary per outlet and
//! subject is the domain's count (`egov_news::press::summary`).

use egov_news::press::{summary, ContractInput, Delivery, DeliveryInput, Outlet, OutletInput, SummaryRow};
use egov_news::Problem;

use super::spokespersons::{may_keep, may_view};
use crate::{Actor, App, AppError, FieldError};

fn invalid(ps: Vec<Problem>) -> AppError {
    AppError::Invalid(ps.into_iter().map(|p| FieldError::new(p.field, p.key)).collect())
}

pub async fn add_outlet(app: &App, actor: Actor<'_>, input: &OutletInput) -> Result<i64, AppError> {
    if !may_view(actor) {
        return Err(AppError::Forbidden);
    }
    let o = input.check().map_err(invalid)?;
    let mut w = app.store.begin_write().await?;
    let id = w.news_outlet_add(&o, &actor.audit_name()).await?;
    w.commit().await?;
    Ok(id)
}

pub async fn add_contract(
    app: &App,
    actor: Actor<'_>,
    agency: &str,
    outlet: Option<i64>,
    input: &ContractInput,
) -> Result<i64, AppError> {
    if !may_keep(actor, agency) {
        return Err(AppError::Forbidden);
    }
    let outlets = app.store.news_outlets().await?;
    let mut problems = input.check().err().unwrap_or_default();
    if !outlet.is_some_and(|o| outlets.iter().any(|(id, _)| *id == o)) {
        problems.push(Problem { field: "outlet", key: "err.option" });
    }
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    let c = input.check().map_err(invalid)?;
    let mut w = app.store.begin_write().await?;
    let id = w.news_contract_add(agency, outlet.unwrap_or_default(), &c, &actor.audit_name()).await?;
    w.commit().await?;
    Ok(id)
}

pub async fn add_delivery(app: &App, actor: Actor<'_>, contract: i64, input: &DeliveryInput) -> Result<i64, AppError> {
    let agency = app.store.news_contract_agency(contract).await?.ok_or(AppError::NotFound)?;
    if !may_keep(actor, &agency) {
        return Err(AppError::NotFound);
    }
    let d = input.check().map_err(invalid)?;
    let mut w = app.store.begin_write().await?;
    let id = w.news_delivery_add(contract, &d, &actor.audit_name()).await?;
    w.commit().await?;
    Ok(id)
}

/// The department accepts a delivered item.
pub async fn accept(app: &App, actor: Actor<'_>, delivery: i64) -> Result<(), AppError> {
    let agency = app.store.news_delivery_agency(delivery).await?.ok_or(AppError::NotFound)?;
    if !may_keep(actor, &agency) {
        return Err(AppError::NotFound);
    }
    let mut w = app.store.begin_write().await?;
    w.news_delivery_accept(delivery, &actor.audit_name(), app.store.now()).await?;
    w.commit().await?;
    Ok(())
}

/// A contract as the page lists it, with its counts so far.
pub struct ContractLine {
    pub id: i64,
    pub agency: String,
    pub outlet: i64,
    pub c: egov_news::press::Contract,
    pub delivered: i64,
    pub accepted: i64,
    pub due: i64,
}

/// Everything the page shows: the outlets, the actor's contracts with
/// their counts, their deliveries, and the year's summary.
pub struct Overview {
    pub outlets: Vec<(i64, Outlet)>,
    pub contracts: Vec<ContractLine>,
    /// (id, contract id, delivery, accepted)
    pub deliveries: Vec<(i64, i64, Delivery, bool)>,
    pub summary: Vec<SummaryRow>,
}

pub async fn overview(app: &App, actor: Actor<'_>, year: i32) -> Result<Overview, AppError> {
    if !may_view(actor) {
        return Err(AppError::Forbidden);
    }
    let own = match actor {
        Actor::User(p) if !p.is_system_admin() => p.agency_id.as_ref().map(|a| a.as_str().to_string()),
        _ => None,
    };
    let outlets = app.store.news_outlets().await?;
    let contracts = app.store.news_contracts(own.as_deref()).await?;
    let deliveries = app.store.news_deliveries(own.as_deref()).await?;
    let lines = contracts
        .iter()
        .map(|(id, agency, outlet, c)| {
            let of = deliveries.iter().filter(|d| d.1 == *id);
            let delivered = of.clone().count() as i64;
            let accepted = of.filter(|d| d.3).count() as i64;
            ContractLine {
                id: *id,
                agency: agency.clone(),
                outlet: *outlet,
                c: c.clone(),
                delivered,
                accepted,
                due: egov_news::press::remaining(c, accepted),
            }
        })
        .collect();
    let flat: Vec<(i64, i64, egov_news::press::Contract)> =
        contracts.into_iter().map(|(id, _, o, c)| (id, o, c)).collect();
    let ds: Vec<(i64, Delivery, bool)> = deliveries.iter().map(|(_, c, d, a)| (*c, d.clone(), *a)).collect();
    Ok(Overview { summary: summary(&flat, &ds, year), outlets, contracts: lines, deliveries })
}
