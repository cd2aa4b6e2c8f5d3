//! Identity providers from a JSON file (`--oidc-providers FILE`), and the
//! demonstration provider that `serve --demo` runs inside egov.

use std::sync::Arc;

use egov_app::signin::ProviderConfig;
use egov_oidc::demo::{DemoClient, DemoPerson, DemoProvider};
use egov_oidc::{ClaimNames, ClientAuth};
use serde::Deserialize;

/// One provider as the file writes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileProvider {
    name: String,
    label_vi: String,
    label_en: String,
    issuer: String,
    client_id: String,
    /// `client_secret_basic`; or give `private_key_file` for `private_key_jwt`.
    #[serde(default)]
    client_secret: Option<String>,
    #[serde(default)]
    private_key_file: Option<std::path::PathBuf>,
    #[serde(default)]
    private_key_id: Option<String>,
    #[serde(default = "default_scope")]
    scope: String,
    #[serde(default)]
    claims: FileClaims,
    #[serde(default)]
    officials_only: bool,
}

fn default_scope() -> String {
    "openid profile".into()
}

/// Claim names; each defaults to `ClaimNames::default()`'s.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileClaims {
    id_number: Option<String>,
    full_name: Option<String>,
    birth_date: Option<String>,
    assurance: Option<String>,
    level2_values: Option<Vec<String>>,
    org_code: Option<String>,
    org_name: Option<String>,
}

/// Reads the providers file.
pub fn load(path: &std::path::Path) -> Result<Vec<ProviderConfig>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let list: Vec<FileProvider> = serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    list.into_iter()
        .map(|p| {
            let auth = match (p.client_secret, p.private_key_file) {
                (Some(s), None) => ClientAuth::SecretBasic(s),
                (None, Some(f)) => {
                    let pem = std::fs::read(&f).map_err(|e| format!("cannot read {}: {e}", f.display()))?;
                    ClientAuth::private_key_pem(&pem, p.private_key_id).map_err(|e| e.to_string())?
                }
                _ => return Err(format!("provider {}: give client_secret or private_key_file, one of them", p.name)),
            };
            if p.name == egov_web::DEMO_PROVIDER {
                return Err(format!("the provider name '{}' is kept for the demonstration provider", p.name));
            }
            let d = ClaimNames::default();
            let c = p.claims;
            Ok(ProviderConfig {
                name: p.name,
                label_vi: p.label_vi,
                label_en: p.label_en,
                issuer: p.issuer,
                client_id: p.client_id,
                auth,
                scope: p.scope,
                claims: ClaimNames {
                    id_number: c.id_number.unwrap_or(d.id_number),
                    full_name: c.full_name.unwrap_or(d.full_name),
                    birth_date: c.birth_date.unwrap_or(d.birth_date),
                    assurance: c.assurance.unwrap_or(d.assurance),
                    level2_values: c.level2_values.unwrap_or(d.level2_values),
                    org_code: c.org_code.unwrap_or(d.org_code),
                    org_name: c.org_name.unwrap_or(d.org_name),
                },
                officials_only: p.officials_only,
                demo: false,
            })
        })
        .collect()
}

fn person(subject: &str, label: &str, claims: serde_json::Value) -> DemoPerson {
    DemoPerson { subject: subject.into(), label: label.into(), claims: claims.as_object().cloned().unwrap_or_default() }
}

/// The demo people: two citizens (levels 2 and 1), the demo citizen who
/// also has an old local account, and a representative of a company.
pub fn demo_people() -> Vec<DemoPerson> {
    vec![
        person(
            "demo-mai",
            "Trần Thị Mai — định danh mức 2 / level 2",
            serde_json::json!({"citizen_id": "072190001111", "name": "Trần Thị Mai", "birthdate": "1990-05-12", "acr": "2"}),
        ),
        person(
            "demo-hung",
            "Lê Văn Hùng — định danh mức 1 / level 1",
            serde_json::json!({"citizen_id": "072085002222", "name": "Lê Văn Hùng", "birthdate": "1985-11-03", "acr": "1"}),
        ),
        person(
            "demo-dan",
            "Nguyễn Văn Dân — có tài khoản cũ / has an old local account",
            serde_json::json!({"citizen_id": "072090001234", "name": "Nguyễn Văn Dân", "birthdate": "1990-01-01", "acr": "2"}),
        ),
        person(
            "demo-lan-org",
            "Phạm Thị Lan cho Công ty TNHH Nông sản Tây Ninh / for a company",
            serde_json::json!({"citizen_id": "072188003333", "name": "Phạm Thị Lan", "birthdate": "1988-02-20", "acr": "2",
                "tax_code": "3901234567", "org_name": "Công ty TNHH Nông sản Tây Ninh"}),
        ),
    ]
}

/// The demonstration provider at `<base>/demo-idp` with egov as its one
/// client (its callback under `base`, and under the other loopback name
/// when `base` is on loopback), and egov's configuration for it.
pub fn demo(base: &str) -> Result<(Arc<DemoProvider>, ProviderConfig), String> {
    let base = base.trim_end_matches('/');
    let issuer = format!("{base}/demo-idp");
    let secret = egov_identity::random_secret().map_err(|e| e.to_string())?;
    let mut bases = vec![base.to_string()];
    for (a, b) in [("//127.0.0.1", "//localhost"), ("//localhost", "//127.0.0.1")] {
        if base.contains(a) {
            bases.push(base.replace(a, b));
        }
    }
    let client = DemoClient {
        id: "egov-demo".into(),
        secret: secret.clone(),
        redirect_uris: bases.iter().map(|b| format!("{b}/dang-nhap/oidc/callback")).collect(),
        post_logout_redirect_uris: bases.iter().map(|b| format!("{b}/")).collect(),
        backchannel_logout_uri: Some(format!("{base}/api/v1/auth/oidc/{}/backchannel-logout", egov_web::DEMO_PROVIDER)),
    };
    let op = DemoProvider::new(&issuer, vec![client], demo_people())?;
    let config = ProviderConfig {
        name: egov_web::DEMO_PROVIDER.into(),
        label_vi: "Tài khoản định danh điện tử".into(),
        label_en: "electronic identity".into(),
        issuer,
        client_id: "egov-demo".into(),
        auth: ClientAuth::SecretBasic(secret),
        scope: "openid profile".into(),
        claims: ClaimNames::default(),
        officials_only: false,
        demo: true,
    };
    Ok((Arc::new(op), config))
}
