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

#[cfg(test)]
mod tests {
    /// Schemas are merged by name: two modules naming different schemas
    /// alike would have one answer with the other's (as nearly happened
    /// with two `StepRequest`s).
    #[test]
    fn no_two_modules_name_different_schemas_alike() {
        let mut seen: std::collections::HashMap<String, (&str, serde_json::Value)> = Default::default();
        for m in crate::modules::MODULES {
            let Some(c) = (m.openapi)().components else { continue };
            for (name, schema) in c.schemas {
                let v = serde_json::to_value(&schema).unwrap();
                match seen.get(&name) {
                    Some((other, prev)) => assert_eq!(prev, &v, "the schema {name} is {other}'s and {}'s", m.name),
                    None => {
                        seen.insert(name, (m.name, v));
                    }
                }
            }
        }
        assert!(seen.len() > 50, "{}", seen.len());
    }
}
