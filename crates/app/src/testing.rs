//! What the application layer's tests share: an `App` on a fresh SQLite
//! file with every module's tables, on the clock given, with two agencies
//! (H72.11 and H72.12); an agency administrator; instants written as text.

use std::path::PathBuf;

use chrono::{NaiveDate, NaiveDateTime};
use egov_directory::{Agency, AgencyId, AgencyKind, UnitCode, UnitLevel};
use egov_identity::{AccountKind, Principal, Role, UserId};
use egov_kernel::Clock;

use crate::{App, Config};

pub(crate) fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

/// An app on `clock` (its settings changed by `config`) and its folder, to remove.
pub(crate) async fn app_with(clock: Clock, config: impl FnOnce(&mut Config)) -> (App, PathBuf) {
    let mut b = [0u8; 8];
    getrandom::getrandom(&mut b).unwrap();
    let dir = std::env::temp_dir().join(format!("egov-app-{}", egov_kernel::hex(&b)));
    std::fs::create_dir_all(&dir).unwrap();
    let s = Store::connect(&format!("sqlite://{}", dir.join("t.db").display())).await.unwrap();
    use egov_store::*;
    let all = [
        platform::MIGRATIONS,
        identity::MIGRATIONS,
        calendar::MIGRATIONS,
        dossiers::MIGRATIONS,
        quality::MIGRATIONS,
        signin::MIGRATIONS,
        gateway::MIGRATIONS,
        protection::MIGRATIONS,
        network::MIGRATIONS,
        incidents::MIGRATIONS,
        radio::MIGRATIONS,
    ];
    let migrations: Vec<_> = all.iter().flat_map(|m| m.iter()).cloned().collect();
    s.migrate(&migrations).await.unwrap();
    let mut c = Config { clock, blobs: egov_store::BlobSpec::Folder(dir.join("files")), ..Default::default() };
    config(&mut c);
    let app = App::new(s, c).await.unwrap();
    let mut w = app.store.begin_write().await.unwrap();
    for id in ["H72.11", "H72.12"] {
        let a = Agency {
            id: AgencyId::parse(id).unwrap(),
            name_vi: format!("Sở {id}"),
            name_en: format!("Department {id}"),
            kind: AgencyKind::Department,
            parent_id: None,
            unit_code: UnitCode::parse("72", UnitLevel::Province).unwrap(),
            effective_from: NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(),
            effective_to: None,
        };
        w.upsert_agency(&a).await.unwrap();
    }
    w.commit().await.unwrap();
    (app, dir)
}

pub(crate) async fn app(clock: Clock) -> (App, PathBuf) {
    app_with(clock, |_| {}).await
}

/// An administrator of `agency` (user 7).
pub(crate) fn admin_of(agency: &str) -> Principal {
    Principal {
        user_id: UserId::new(7),
        username: "qt".into(),
        full_name: "Quản trị".into(),
        kind: AccountKind::Official,
        agency_id: Some(AgencyId::parse(agency).unwrap()),
        roles: vec![Role::AgencyAdmin],
        signed_by: None,
    }
}
