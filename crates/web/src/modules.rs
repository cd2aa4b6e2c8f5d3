//! What the registered modules contribute, gathered: their migrations,
//! jobs and messages (routes, OpenAPI paths and menus are gathered where
//! they are used). The list itself is the `register!` in `lib.rs`.

use std::sync::Once;

use crate::module::Module;

/// Every registered module.
pub static MODULES: &[Module] = crate::REGISTERED;

/// Every module's migrations.
pub fn migrations() -> Vec<egov_store::Migration> {
    MODULES.iter().flat_map(|m| m.migrations.iter().copied()).collect()
}

/// Every module's routes served on the bare connection (`lean`).
pub fn lean_routes() -> Vec<&'static crate::lean::LeanRoute> {
    MODULES.iter().flat_map(|m| m.lean.iter()).collect()
}

/// Every module's background jobs.
pub fn jobs() -> Vec<egov_app::jobs::Job> {
    MODULES.iter().flat_map(|m| m.jobs.iter().copied()).collect()
}

/// Adds every module's messages to the catalogue, once. A key two modules
/// define differently stops the program: a build that does that is broken.
pub fn install_messages() {
    static DONE: Once = Once::new();
    DONE.call_once(|| {
        for table in MODULES.iter().flat_map(|m| m.messages.iter()) {
            if let Err(key) = egov_i18n::install(table) {
                panic!("the message '{key}' is defined twice with different texts");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_are_unique_and_each_has_its_folders() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut names: Vec<&str> = MODULES.iter().map(|m| m.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), MODULES.len());
        for m in MODULES {
            assert!(root.join("src").join(m.name).is_dir(), "web/src/{} is missing", m.name);
            assert!(root.join("../store/src").join(m.name).is_dir() || m.migrations.is_empty(), "store/src/{}", m.name);
            for mig in m.migrations {
                assert_eq!(mig.module, m.name, "{} registers {}'s migration {}", m.name, mig.module, mig.name);
            }
        }
    }

    #[test]
    fn every_migration_file_is_registered_once_with_its_version() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../store/migrations");
        let mut files = Vec::new();
        for module in std::fs::read_dir(&root).unwrap() {
            let module = module.unwrap();
            for f in std::fs::read_dir(module.path()).unwrap() {
                let name = f.unwrap().file_name().to_string_lossy().into_owned();
                files.push(format!("{}/{}", module.file_name().to_string_lossy(), name));
            }
        }
        files.sort();
        let all = migrations();
        let mut listed: Vec<String> = all.iter().map(|m| format!("{}/{}.sql", m.module, m.name)).collect();
        listed.sort();
        assert_eq!(files, listed);
        let mut versions: Vec<i64> = all.iter().map(|m| m.version).collect();
        versions.sort_unstable();
        versions.dedup();
        assert_eq!(versions.len(), all.len(), "two migrations share a version");
        for m in &all {
            assert!(m.name.starts_with(&format!("{:04}_", m.version)), "{}", m.name);
        }
    }

    #[test]
    fn no_two_modules_define_a_message_differently() {
        install_messages();
        for table in MODULES.iter().flat_map(|m| m.messages.iter()) {
            for (k, vi, _) in table.iter() {
                assert_eq!(egov_i18n::t(egov_i18n::Lang::Vi, k), *vi, "{k}");
            }
        }
    }
}
