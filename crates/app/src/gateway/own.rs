//! egov's own services published through its gateway, so that other
//! systems use egov the way they use any other member.

use egov_store::GwService;

use crate::{Actor, App, AppError};

/// Publishes egov's own services under subsystem `ident` (registered if
/// new): `dossier-status` (a dossier's public status) and `agencies` (the
/// directory of agencies), reached at `base`, the platform's own address;
/// each (service, upstream).
pub async fn publish_own(
    app: &App,
    actor: Actor<'_>,
    ident: &str,
    base: &str,
    who: &str,
) -> Result<Vec<(String, String)>, AppError> {
    let existing = app.gateway.get().subsystems().iter().find(|s| s.ident == ident).map(|s| s.id);
    let id = match existing {
        Some(id) => id,
        None => {
            let new = super::NewSubsystem { ident: ident.into(), agency: None, name: "egov".into() };
            super::add_subsystem(app, actor, new, who).await?
        }
    };
    let base = base.trim_end_matches('/');
    let mut out = Vec::new();
    for (code, path) in [("dossier-status", "/api/v1/dossiers"), ("agencies", "/api/v1/directory/agencies")] {
        let s = GwService {
            id: 0,
            subsystem_id: id,
            code: code.into(),
            upstream: format!("{base}{path}"),
            timeout_ms: 10_000,
            logging: egov_gateway::LogMode::Metadata,
            openapi: None,
        };
        super::put_service(app, actor, s, who).await?;
        out.push((format!("{ident}/{code}"), format!("{base}{path}")));
    }
    Ok(out)
}
