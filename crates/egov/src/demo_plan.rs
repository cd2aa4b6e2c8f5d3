//! The demo's IT plan (`serve --demo`): this year's plan from the
//! template's example rows (every figure egov measures, and training
//! courses reported by the department), the IT-based radio stations'
//! target amended from July, one reported value approved and one awaiting
//! approval, and today's readings of the register figures. Made through
//! the use cases.

use chrono::{Datelike, NaiveDate};
use egov_app::plan::{self as plan, Submission};
use egov_app::Actor;
use egov_plan::{Amendment, Measure, Source};

/// A small PDF standing for a signed minute.
const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// Makes this year's plan unless the year has one; its year when made.
pub async fn plan(app: &egov_app::App) -> Result<Option<i32>, String> {
    let fail = |e: egov_app::AppError| e.to_string();
    let today = app.now().date();
    let year = today.year();
    if app.store.plan(year).await.map_err(|e| e.to_string())?.is_some() {
        return Ok(None);
    }
    let indicators = plan::read_template(egov_plan::template::template_csv().as_bytes()).map_err(fail)?;
    let adopted_on = NaiveDate::from_ymd_opt(year, 1, 15).ok_or("no 15 January")?;
    let p = egov_store::plan::Plan { year, decision: "Quyết định số 85/QĐ-UBND".into(), adopted_on };
    plan::create(app, Actor::Operator, &p, &indicators).await.map_err(fail)?;
    let kept = app.store.plan_indicators(year).await.map_err(|e| e.to_string())?;
    if let Some(i) = kept.iter().find(|i| i.i.source == Source::Measured(Measure::RadioStationsIt)) {
        let from = NaiveDate::from_ymd_opt(year, 7, 1).ok_or("no 1 July")?;
        let a = Amendment { from, target: 60.0, decision: "Quyết định số 1520/QĐ-UBND".into() };
        plan::amend(app, Actor::Operator, i.id, &a).await.map_err(fail)?;
    }
    if let Some(i) = kept.iter().find(|i| i.i.source == Source::Reported) {
        let first = NaiveDate::from_ymd_opt(year, 6, 30).ok_or("no 30 June")?.min(today);
        let s = |as_of, value, note: &str| Submission {
            as_of,
            value,
            note: note.into(),
            file_name: "bien-ban-tap-huan.pdf".into(),
            bytes: PDF.to_vec(),
        };
        let approved = plan::submit(app, Actor::Operator, i.id, s(first, 2.0, "Hai lớp tập huấn an toàn thông tin"))
            .await
            .map_err(fail)?;
        plan::decide(app, Actor::Operator, approved, true, "").await.map_err(fail)?;
        plan::submit(app, Actor::Operator, i.id, s(today, 3.0, "Thêm lớp kỹ năng số cho cán bộ xã"))
            .await
            .map_err(fail)?;
    }
    plan::keep_readings(app).await.map_err(fail)?;
    Ok(Some(year))
}
