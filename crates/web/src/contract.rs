//! The OpenAPI document made true to what the API does, in one place: the
//! answers every operation can give besides those its handler lists.
//!
//! - every error is RFC 9457 problem details, `application/problem+json`;
//! - an operation with parameters or a body can answer 400 (a parameter or
//!   body that cannot be read);
//! - one behind a bearer token answers 401 without a live token and 403
//!   when the caller may not; one with a path parameter 404;
//! - one with a body 413 (over its limit), 415 (another media type) and 422
//!   (read, but not valid);
//! - a 429 says when to try again in `Retry-After`; a 405 lists the allowed
//!   methods in `Allow` (the framework's, kept by the middleware).
//!
//! The handlers' own annotations say what is particular to them (a 409 of a
//! state machine, a 429 of a throttle, a 503 of health).

use serde_json::{json, Map, Value};

/// What each generic status means, for the document's readers.
fn description(status: &str) -> &'static str {
    match status {
        "400" => "a parameter or the body cannot be read",
        "401" => "no live bearer token",
        "403" => "the caller may not do this",
        "404" => "no such resource (or none the caller may see)",
        "413" => "the body is over the operation's limit",
        "415" => "the body is not of a media type the operation takes",
        "422" => "the body was read but is not valid; `errors` points at each problem",
        "429" => "too many requests: try again after `Retry-After` seconds",
        _ => "error",
    }
}

fn problem_content() -> Value {
    json!({"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}})
}

/// Where an answer's values lead (OpenAPI links): from a new dossier to
/// what can be done with it, from a dossier to its files, from a token to its
/// revocation. A client (or a fuzzer) can follow them.
/// (path, method, status, [(operation, its parameters as `name=expression&…`)])
type Link = (&'static str, &'static str, &'static str, &'static [(&'static str, &'static str)]);

/// What can be done with a dossier whose code an answer gives.
const DOSSIER: &[(&str, &str)] = &[
    ("read", "code=$response.body#/code"),
    ("status", "code=$response.body#/code"),
    ("receipt_pdf", "code=$response.body#/code"),
    ("act", "code=$response.body#/code"),
    ("rate_api", "code=$response.body#/code"),
];

const LINKS: &[Link] = &[
    ("/api/v1/counter/dossiers", "post", "201", DOSSIER),
    ("/api/v1/dossiers", "post", "201", DOSSIER),
    ("/api/v1/dossiers/{code}", "get", "200", &[("file", "code=$request.path.code&id=$response.body#/files/0/id")]),
    ("/api/v1/auth/token", "post", "200", &[("revoke_token", "id=$response.body#/id")]),
];

fn add_links(doc: &mut Value) {
    for (path, method, status, links) in LINKS {
        let Some(r) = doc
            .pointer_mut(&format!("/paths/{}/{method}/responses/{status}", path.replace('~', "~0").replace('/', "~1")))
        else {
            continue;
        };
        let mut all = Map::new();
        for (op, params) in links.iter() {
            let parameters: Map<String, Value> = params
                .split('&')
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
                .collect();
            all.insert(op.to_string(), json!({"operationId": op, "parameters": parameters}));
        }
        if let Some(r) = r.as_object_mut() {
            r.insert("links".into(), Value::Object(all));
        }
    }
}

/// Applies the rules above to the whole document.
pub fn apply(doc: &mut Value) {
    add_links(doc);
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (_method, op) in item.iter_mut() {
            let Some(op) = op.as_object_mut() else { continue };
            operation(path, op);
        }
    }
}

fn operation(path: &str, op: &mut Map<String, Value>) {
    let secured = op.get("security").and_then(Value::as_array).is_some_and(|s| !s.is_empty());
    let has_body = op.contains_key("requestBody");
    let has_params = op.get("parameters").and_then(Value::as_array).is_some_and(|p| !p.is_empty());
    let has_path_param = path.contains('{');
    let responses = op.entry("responses").or_insert_with(|| json!({}));
    let Some(responses) = responses.as_object_mut() else { return };
    let mut add = |status: &str| {
        responses
            .entry(status.to_string())
            .or_insert_with(|| json!({"description": description(status), "content": problem_content()}));
    };
    if has_params || has_body {
        add("400");
    }
    if secured {
        add("401");
        add("403");
    }
    if has_path_param {
        add("404");
    }
    if has_body {
        add("413");
        add("415");
        add("422");
    }
    for (status, r) in responses.iter_mut() {
        let Some(r) = r.as_object_mut() else { continue };
        let is_error = status.starts_with('4') || status.starts_with('5');
        // An error with a Problem body is problem+json, whatever was written.
        if let Some(content) = r.get_mut("content").and_then(Value::as_object_mut) {
            let problem =
                content.values().any(|c| c.pointer("/schema/$ref") == Some(&json!("#/components/schemas/Problem")));
            if problem && is_error {
                *content = problem_content().as_object().cloned().unwrap_or_default();
            }
        } else if is_error && status != "503" {
            r.insert("content".into(), problem_content());
        }
        if status == "429" {
            r.insert(
                "headers".into(),
                json!({"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer", "minimum": 1}}}),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_problems_and_generic_answers_are_listed() {
        let mut doc = json!({"paths": {
            "/api/v1/x/{id}": {"post": {
                "security": [{"bearer": []}],
                "requestBody": {"content": {"application/json": {}}},
                "responses": {"200": {"description": "ok"},
                    "409": {"description": "c", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
                    "429": {"description": "t"}}
            }},
            "/healthz": {"get": {"responses": {"200": {"description": "ok"}, "503": {"description": "down"}}}}
        }});
        apply(&mut doc);
        let r = &doc["paths"]["/api/v1/x/{id}"]["post"]["responses"];
        for s in ["400", "401", "403", "404", "409", "413", "415", "422", "429"] {
            assert!(r[s]["content"]["application/problem+json"].is_object(), "{s}: {r}");
        }
        assert!(r["409"]["content"]["application/json"].is_null());
        assert!(r["429"]["headers"]["Retry-After"].is_object());
        assert!(r["200"].get("content").is_none());
        let h = &doc["paths"]["/healthz"]["get"]["responses"];
        assert!(h.get("400").is_none() && h.get("401").is_none(), "{h}");
    }
}
