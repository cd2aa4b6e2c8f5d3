//! The quality of public service (Decision 766): a scope's figures for a
//! period, read from the store's kept sums and scored with
//! `egov_quality::index_of`; for the open-data API, the dashboard and its
//! exports alike.

use chrono::NaiveDate;
use egov_catalog::OnlineLevel;
use egov_quality::{index_of, IndexConfig, ProcedureFacts, Tally};
use egov_store::TallyKey;

use crate::{App, AppError, Refusal};

/// How many late dossiers a page or an answer lists (the most late first);
/// the count of all of them is given beside.
pub const LATE_LIMIT: usize = 100;

/// A scope of the index: the whole province (both `None`), or only some
/// agencies (an agency; a commune's, with those of the communes merged into
/// it), or only some procedures (a field's; one).
#[derive(Debug, Clone, Default)]
pub struct Scoped {
    pub agencies: Option<Vec<String>>,
    pub procedures: Option<Vec<String>>,
}

impl Scoped {
    pub fn has_agency(&self, a: &str) -> bool {
        self.agencies.as_ref().is_none_or(|x| x.iter().any(|y| y == a))
    }
}

/// The agencies whose dossiers count under a commune-level (or any) unit:
/// those of the unit and of every unit merged into it.
pub fn agencies_under(
    units: &[egov_directory::AdminUnit],
    agencies: &[egov_directory::Agency],
    unit: &str,
) -> Vec<String> {
    let under = egov_directory::counted_under(units, unit);
    agencies.iter().filter(|a| under.iter().any(|u| u.code == a.unit_code)).map(|a| a.id.as_str().to_string()).collect()
}

/// Reads a scope from the query's choices; an unknown agency, unit, field
/// or procedure is an error, not an empty index.
pub async fn scope_of(app: &App, agency: &str, unit: &str, field: &str, procedure: &str) -> Result<Scoped, AppError> {
    let bad = |v: &str| AppError::refused(Refusal::Unacceptable, "err.option", v);
    let mut s = Scoped::default();
    if !agency.is_empty() || !unit.is_empty() {
        let agencies = app.store.agencies().await?;
        if !agency.is_empty() {
            if !agencies.iter().any(|a| a.id.as_str() == agency) {
                return Err(bad(agency));
            }
            s.agencies = Some(vec![agency.to_string()]);
        } else {
            let units = app.store.units().await?;
            if !units.iter().any(|u| u.code.as_str() == unit) {
                return Err(bad(unit));
            }
            s.agencies = Some(agencies_under(&units, &agencies, unit));
        }
    }
    let snap = app.catalog.get();
    if !procedure.is_empty() {
        if !snap.procedures.contains_key(procedure) {
            return Err(bad(procedure));
        }
        s.procedures = Some(vec![procedure.to_string()]);
    } else if !field.is_empty() {
        let codes: Vec<String> =
            snap.procedures.values().filter(|p| p.field == field).map(|p| p.code.to_string()).collect();
        if codes.is_empty() {
            return Err(bad(field));
        }
        s.procedures = Some(codes);
    }
    Ok(s)
}

/// A period's figures for a scope: the province's sums by month, agency and
/// officer (the scope's procedures only), and the scope's late dossiers.
pub async fn view(
    app: &App,
    from: NaiveDate,
    to: NaiveDate,
    scope: &Scoped,
) -> Result<egov_store::QualityView, AppError> {
    let q = egov_store::QualityScope {
        procedures: scope.procedures.as_deref(),
        late_agencies: scope.agencies.as_deref(),
        late_limit: LATE_LIMIT,
        ..egov_store::QualityScope::new(from, to)
    };
    Ok(app.store.quality_view(&q, app.now(), egov_store::Source::Kept).await?)
}

/// The agencies that take fees online today: those with a receiving
/// account in force (the VietQR transfer on the dossier's page) and those a
/// configured payment gateway collects for.
#[derive(Debug, Clone, Default)]
pub struct Payable {
    /// A gateway collects for every agency.
    pub all: bool,
    pub agencies: std::collections::HashSet<String>,
}

impl Payable {
    pub fn takes(&self, agency: &str) -> bool {
        self.all || self.agencies.contains(agency)
    }
}

/// Which agencies take fees online today, from the accounts recorded and
/// the gateways configured.
pub async fn payable(app: &App) -> Result<Payable, AppError> {
    let today = app.now().date();
    let accounts = app.store.payment_accounts(None).await?;
    let mut out = Payable::default();
    for a in &accounts {
        let of_agency: Vec<&egov_store::payments::KeptAccount> =
            accounts.iter().filter(|x| x.agency == a.agency).collect();
        if egov_payments::account::in_force(&of_agency, today, |x| &x.a).is_some() {
            out.agencies.insert(a.agency.clone());
        }
    }
    for g in &app.config.payment_gateways {
        out.all |= g.agencies.is_empty();
        out.agencies.extend(g.agencies.iter().cloned());
    }
    Ok(out)
}

/// The procedures of a scope, as the index counts them: offered by one of
/// its agencies (any, for the province) and among its procedures; a fee is
/// payable online where one of the scope's agencies offering the procedure
/// takes fees online.
fn procedure_facts(
    app: &App,
    agencies: Option<&[String]>,
    procedures: Option<&[String]>,
    payable: &Payable,
) -> Vec<ProcedureFacts> {
    let snap = app.catalog.get();
    let in_scope = |a: &String| agencies.is_none_or(|x| x.contains(a));
    snap.procedures
        .values()
        .filter(|p| p.agencies.iter().any(in_scope))
        .filter(|p| procedures.is_none_or(|c| c.iter().any(|x| p.code == *x)))
        .map(|p| ProcedureFacts {
            online: matches!(p.online_level, OnlineLevel::Full | OnlineLevel::Partial),
            has_fee: p.fees.iter().any(|f| f.amount_vnd > 0),
            fee_payable_online: p.agencies.iter().filter(|a| in_scope(a)).any(|a| payable.takes(a)),
        })
        .collect()
}

/// The index of the sums of a view kept by `keep`, for the agencies given
/// (all when `None`) and the scope's procedures; `payable` says which
/// agencies take fees online ([`payable`]).
pub fn index_where(
    app: &App,
    view: &egov_store::QualityView,
    agencies: Option<&[String]>,
    procedures: Option<&[String]>,
    payable: &Payable,
    keep: &dyn Fn(&TallyKey) -> bool,
) -> egov_quality::Index {
    let t: Tally = view
        .tallies
        .iter()
        .filter(|(k, _)| agencies.is_none_or(|a| a.contains(&k.agency)) && keep(k))
        .map(|(_, t)| *t)
        .sum();
    index_of(&IndexConfig::decision_766(), &t, &procedure_facts(app, agencies, procedures, payable))
}
