//! Every message key the code and templates use exists in the catalogue, in
//! both languages (the catalogue's own test checks the translations).

use std::path::Path;

const NAMESPACES: [&str; 33] = [
    "site", "a11y", "nav", "home", "search", "catalog", "online", "unit", "level", "proc", "common", "register",
    "login", "form", "err", "role", "admin", "editor", "ftype", "kind", "cal", "lookup", "status", "apply", "my",
    "hoso", "office", "inbox", "rating", "slip", "file", "mail", "quality",
];

fn keys_in(text: &str) -> Vec<String> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| {
            let mut parts = s.split('.');
            let first = parts.next().unwrap_or("");
            s.contains('.')
                && NAMESPACES.contains(&first)
                && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_')
                && !s.ends_with(".html")
                && !s.ends_with('.')
        })
        .map(String::from)
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs" || x == "html") {
            out.push(p);
        }
    }
}

#[test]
fn every_used_key_is_in_the_catalogue() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in ["web/src", "web/templates", "identity/src", "catalog/src", "store/src", "dossier/src"] {
        walk(&root.join(dir), &mut files);
    }
    let mut checked = 0;
    let mut missing = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read");
        // The store names audit actions like keys; only its error keys are messages.
        let store = f.to_string_lossy().contains("store/src");
        for k in keys_in(&text).into_iter().filter(|k| !store || k.starts_with("err.")) {
            checked += 1;
            if !egov_i18n::has(&k) {
                missing.push(format!("{}: {k}", f.display()));
            }
        }
    }
    assert!(checked > 200, "the scan found only {checked} keys: it is broken");
    assert!(missing.is_empty(), "keys missing from the catalogue:\n{}", missing.join("\n"));
}
