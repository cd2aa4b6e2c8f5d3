//! Every message key the code and templates use exists in the catalogue, in
//! both languages (the catalogue's own test checks the translations).

use std::path::Path;

/// The first parts of the catalogue's keys (`err`, `cal`, …): a quoted
/// string that starts with one of them and a dot is a key.
fn namespaces() -> Vec<&'static str> {
    egov_web::modules::install_messages();
    let mut ns: Vec<&str> = egov_i18n::keys().into_iter().filter_map(|k| k.split('.').next()).collect();
    ns.sort_unstable();
    ns.dedup();
    ns
}

fn keys_in(text: &str, namespaces: &[&str]) -> Vec<String> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| {
            let mut parts = s.split('.');
            let first = parts.next().unwrap_or("");
            s.contains('.')
                && namespaces.contains(&first)
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
    let namespaces = namespaces();
    assert!(namespaces.len() > 20, "the catalogue has only {namespaces:?}");
    for dir in
        ["web/src", "web/templates", "identity/src", "catalog/src", "store/src", "dossier/src", "app/src", "mail/src"]
    {
        walk(&root.join(dir), &mut files);
    }
    let mut checked = 0;
    let mut missing = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read");
        // The store names audit actions like keys; only its error keys are messages.
        let store = f.to_string_lossy().contains("store/src");
        for k in keys_in(&text, &namespaces).into_iter().filter(|k| !store || k.starts_with("err.")) {
            checked += 1;
            if !egov_i18n::has(&k) {
                missing.push(format!("{}: {k}", f.display()));
            }
        }
    }
    assert!(checked > 200, "the scan found only {checked} keys: it is broken");
    assert!(missing.is_empty(), "keys missing from the catalogue:\n{}", missing.join("\n"));
}
