//! The OpenAPI 3.1 document: the base (title, bearer scheme, problem
//! details) and every registered module's paths and schemas merged into it,
//! then made true to the answers every operation can give (see
//! [`crate::contract`]).

use utoipa::OpenApi;

use crate::error::{Problem, ProblemField};

#[derive(OpenApi)]
#[openapi(
    info(title = "egov API", description = "The provincial e-government platform's JSON API. Errors are RFC 9457 problem details."),
    components(schemas(Problem, ProblemField)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;
impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI 3.1 document, generated from the code and made true to the
/// answers every operation can give (see [`crate::contract`]).
pub fn openapi_document() -> serde_json::Value {
    let mut api = ApiDoc::openapi();
    for m in crate::modules::MODULES {
        api.merge((m.openapi)());
    }
    let mut doc = serde_json::to_value(api).unwrap_or_default();
    crate::contract::apply(&mut doc);
    doc
}
