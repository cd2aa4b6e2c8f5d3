//! The directory: agencies as a tree, imported from CSV all or nothing.

use crate::common::*;

fn write(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("egov-dir-{}", random_name()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const HEADER: &str = "id,name_vi,name_en,kind,parent_id,unit_code,effective_from,effective_to\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agencies_import_updates_adds_and_refuses_dangling_references() {
    let app = spawn().await;
    let before = app.count("agencies").await;
    // a parent that exists nowhere and a unit that does not exist: nothing written
    let bad = write("bad.csv", &format!("{HEADER}H72.50.09,UBND xã Mới,New Commune PC,commune_peoples_committee,H99,25499,2025-07-01,\nH72.16,Sở Nội vụ,Home Affairs,department,H72,72,2025-07-01,\n"));
    let out = app.cli(&["import", "agencies", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no parent agency H99") && err.contains("no administrative unit 25499"), "{err}");
    assert_eq!(app.count("agencies").await, before);
    // a malformed row names its line
    let bad = write("bad2.csv", &format!("{HEADER}H72.16,Sở Nội vụ,Home Affairs,ministry,H72,72,2025-07-01,\n"));
    let out = app.cli(&["import", "agencies", bad.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2"));
    // good: one new department, one renamed commune committee
    let good = write("good.csv", &format!("{HEADER}H72.16,Sở Nội vụ,Department of Home Affairs,department,H72,72,2025-07-01,\nH72.50.01,UBND phường Tân Ninh (mới),Tân Ninh Ward PC,commune_peoples_committee,H72,25441,2025-07-01,\n"));
    let out = app.cli(&["import", "agencies", good.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "agencies: 1 created, 1 updated");
    assert_eq!(app.count("agencies").await, before + 1);

    // the tree page lists children after their parent
    let c = app.client();
    c.login("demo.admin", DEMO_PASSWORD).await;
    let page = c.get("/quan-tri/cac-co-quan").await;
    assert_eq!(page.status, 200);
    let pos = |s: &str| page.text.find(s).unwrap_or_else(|| panic!("no {s}"));
    assert!(pos("Ủy ban nhân dân tỉnh Tây Ninh") < pos("Sở Nội vụ"));
    assert!(page.text.contains("class=\"d1\"><a href=\"/quan-tri/co-quan/H72.16\""));
    assert!(page.text.contains("UBND phường Tân Ninh (mới)"));
    // others may not see it
    let r = app.client();
    r.login("demo.agency-admin", DEMO_PASSWORD).await;
    assert_eq!(r.get("/quan-tri/cac-co-quan").await.status, 403);
}
