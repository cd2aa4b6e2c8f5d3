//! The demo's fees and results (`serve --demo` with its demo year): the
//! receiving accounts of a commune and of the department, a dossier owing
//! its fee (its VietQR code on the citizen's page), and a marriage
//! registration returned with its result — both parts checked against the
//! originals — so that the citizen's store, the registry and the public
//! check have something to show. Made through the use cases.

use egov_app::dossiers::{self, Filing, Request};
use egov_app::files::Upload;
use egov_app::Actor;
use egov_identity::Principal;
use egov_payments::account::AccountInput;

use crate::demo::{COMMUNE_A, DOST, MARRIAGE_COUPLE};

/// A small PDF standing for a scanned paper.
const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

async fn who(app: &egov_app::App, username: &str) -> Result<Principal, String> {
    let mut w = app.store.begin_write().await.map_err(|e| e.to_string())?;
    let id = w.user_id_by_username(username).await.map_err(|e| e.to_string())?;
    w.commit().await.map_err(|e| e.to_string())?;
    let id = id.ok_or_else(|| format!("no demo account {username}"))?;
    app.store.principal(id).await.map_err(|e| e.to_string())?.ok_or_else(|| format!("no demo account {username}"))
}

fn parts(n: usize) -> Vec<Upload> {
    (0..n).map(|part| Upload { part, name: format!("giay-to-{part}.pdf"), bytes: PDF.to_vec() }).collect()
}

/// Makes the demo's fees and results unless an account is recorded already;
/// the check page's address of the result, when made.
pub async fn payments(app: &egov_app::App) -> Result<Option<String>, String> {
    let fail = |e: egov_app::AppError| e.to_string();
    if !egov_app::payments::accounts(app, Actor::Operator).await.map_err(fail)?.is_empty() {
        return Ok(None);
    }
    for (agency, bin, account, holder) in [
        (COMMUNE_A, "970415", "113000123456", "UBND PHUONG TAN NINH"),
        (DOST, "970436", "0071000999888", "SO KHOA HOC VA CONG NGHE TAY NINH"),
    ] {
        let input = AccountInput {
            bin: bin.into(),
            account: account.into(),
            holder: holder.into(),
            service: "to_account".into(),
            from: "2026-01-01".into(),
        };
        egov_app::payments::add_account(app, Actor::Operator, agency, &input).await.map_err(fail)?;
    }
    let citizen = who(app, "demo.citizen").await?;
    let (receiver, approver, specialist) =
        (who(app, "demo.receiver").await?, who(app, "demo.approver").await?, who(app, "demo.specialist").await?);
    let own = [("applicant_name", "Nguyễn Văn Dân"), ("applicant_id", "072090001234"), ("address", "Phường Tân Ninh")];
    // a registration of parentage owing its 5,000 đồng before the result
    let mut form: std::collections::BTreeMap<String, String> =
        own.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    for (k, v) in [
        ("recognition", "child"),
        ("parent_name", "Nguyễn Văn Dân"),
        ("parent_birth_date", "1990-05-01"),
        ("parent_id", "072090001234"),
        ("child_name", "Nguyễn Văn Con"),
        ("child_birth_date", "2020-03-02"),
        ("voluntary", "on"),
    ] {
        form.insert(k.into(), v.into());
    }
    let filing = |procedure: &str, form| Filing {
        procedure: procedure.into(),
        agency: COMMUNE_A.into(),
        form,
        uploads: parts(2),
        draft: false,
        continuing: None,
        reuse: Vec::new(),
    };
    dossiers::file(app, &citizen, filing("1.001022", form)).await.map_err(fail)?;
    // a marriage registration returned with its result, both parts checked at the desk
    let mut form: std::collections::BTreeMap<String, String> =
        own.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    form.extend(MARRIAGE_COUPLE.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let filed = dossiers::file(app, &citizen, filing("1.000894", form)).await.map_err(fail)?;
    let code = filed.code.ok_or("a submitted dossier has a code")?.to_string();
    let d = app.store.dossier(&code).await.map_err(|e| e.to_string())?.ok_or("the dossier just filed")?;
    for f in app.store.dossier_files(d.id).await.map_err(|e| e.to_string())? {
        egov_app::results::mark_digitised(app, &receiver, &code, f.id).await.map_err(fail)?;
    }
    let none = dossiers::ActionFiles::default;
    dossiers::act(app, &receiver, &code, Request::Accept, none()).await.map_err(fail)?;
    dossiers::act(app, &approver, &code, Request::Assign { to: "demo.specialist".into() }, none())
        .await
        .map_err(fail)?;
    dossiers::act(app, &specialist, &code, Request::Forward { to_agency: None }, none()).await.map_err(fail)?;
    dossiers::act(app, &approver, &code, Request::Approve, none()).await.map_err(fail)?;
    let issue = egov_results::IssueInput {
        doc_type: "Giấy chứng nhận kết hôn".into(),
        number: "01/2026/GCNKH".into(),
        valid_until: String::new(),
    };
    let result = Upload { part: 0, name: "giay-chung-nhan-ket-hon.pdf".into(), bytes: PDF.to_vec() };
    let files = dossiers::ActionFiles { result: Some(result), parts: Vec::new() };
    dossiers::act(app, &receiver, &code, Request::ReturnResult { paper: true, issue }, files).await.map_err(fail)?;
    let (found, _) = egov_app::results::search(app, &receiver, "01/2026/GCNKH", 1, 1).await.map_err(fail)?;
    Ok(found.first().map(|k| format!("/kiem-tra-ket-qua?so=01%2F2026%2FGCNKH&ma={}", k.check_code.as_str())))
}
