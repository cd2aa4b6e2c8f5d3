//! Issue 19, the incidents' register through the API: systems with their
//! levels, an incident reported and raised from a detection, the serious
//! test, the response's steps, the closing report before closing, access
//! by agency, the year's figures.

use crate::common::*;

#[tokio::test]
async fn an_incident_is_reported_classified_answered_and_counted_each_agency_seeing_its_own() {
    let app = spawn().await;
    let admin = app.as_user("demo.admin").await; // the department
    let agency = app.as_user("demo.agency-admin").await; // H72.50.01
    let sys = |name: &str, agency: &str, level: u8| {
        serde_json::json!({"name": name, "owner_agency": agency, "proposed_level": level, "approved_level": level, "approval_decision": "QĐ 12/QĐ-UBND"})
            .to_string()
    };
    let r = agency.post_json("/api/v1/incidents/systems", &sys("Hệ thống một cửa điện tử", "H72.50.01", 4)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let one_stop = r.json()["id"].as_i64().unwrap();
    assert_eq!(agency.post_json("/api/v1/incidents/systems", &sys("Cổng tỉnh", "H72.11", 4)).await.status, 422);
    let r = admin.post_json("/api/v1/incidents/systems", &sys("Cổng dịch vụ công tỉnh", "H72.11", 3)).await;
    assert_eq!(r.status, 201);
    let report = |agency: &str, title: &str, systems: &[i64]| {
        serde_json::json!({"agency_id": agency, "title": title, "kind": "denial_of_service", "severity": "critical",
            "harms": {"outage": true}, "discovered_at": "2026-11-27T08:30", "systems": systems})
        .to_string()
    };
    let r = agency
        .post_json("/api/v1/incidents", &report("H72.50.01", "Một cửa điện tử ngừng hoạt động", &[one_stop]))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    let r = admin.post_json("/api/v1/incidents", &report("H72.11", "Cổng tỉnh chậm", &[])).await;
    let theirs = r.json()["id"].as_i64().unwrap();
    // every field's problem at once
    let r = agency
        .post_json(
            "/api/v1/incidents",
            r#"{"agency_id": "", "title": "", "kind": "ufo", "severity": "x", "discovered_at": "hôm qua"}"#,
        )
        .await;
    assert_eq!(r.status, 422);
    let pointers: Vec<String> =
        r.json()["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap().to_string()).collect();
    assert_eq!(pointers, ["agency_id", "title", "kind", "severity", "discovered_at"]);
    // each sees its own
    assert_eq!(agency.get(&format!("/api/v1/incidents/{theirs}")).await.status, 404);
    let mine = agency.get("/api/v1/incidents?year=2026").await.json();
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(admin.get("/api/v1/incidents?year=2026").await.json().as_array().unwrap().len(), 2);
    assert_eq!(app.as_user("demo.citizen").await.get("/api/v1/incidents").await.status, 403);
    // found on Friday 27 November: the notification due five working days later, Friday 4 December
    let d = agency.get(&format!("/api/v1/incidents/{id}")).await.json();
    assert_eq!(d["serious"], false);
    assert_eq!(d["reports"][0]["report"], "notification");
    assert_eq!(d["reports"][0]["due"], "2026-12-04");
    assert_eq!(d["regime"], "QD05-2017");
    // beyond the commune's capacity: serious (a level-4 system, an outage)
    let step = |body: serde_json::Value| body.to_string();
    let r = agency
        .post_json(
            &format!("/api/v1/incidents/{id}/steps"),
            &step(serde_json::json!({"step": "beyond_capacity", "day": "2026-11-27"})),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(agency.get(&format!("/api/v1/incidents/{id}")).await.json()["serious"], true);
    let r = agency
        .post_json(
            &format!("/api/v1/incidents/{id}/steps"),
            &step(serde_json::json!({"step": "assign", "assignee": "demo.admin"})),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    for to in ["verified", "contained", "recovered"] {
        let r = agency
            .post_json(&format!("/api/v1/incidents/{id}/steps"), &step(serde_json::json!({"step": "phase", "to": to})))
            .await;
        assert_eq!(r.status, 204, "{to}: {}", r.text);
    }
    let close = step(
        serde_json::json!({"step": "phase", "to": "closed", "root_cause": "Tấn công từ chối dịch vụ", "lessons": "Giới hạn tốc độ"}),
    );
    let r = agency.post_json(&format!("/api/v1/incidents/{id}/steps"), &close).await;
    assert_eq!(r.status, 409, "no closing report yet: {}", r.text);
    for kind in ["notification", "initial", "closing"] {
        let r = agency
            .post_json(&format!("/api/v1/incidents/{id}/reports"), &serde_json::json!({"kind": kind}).to_string())
            .await;
        assert_eq!(r.status, 201, "{kind}: {}", r.text);
    }
    assert_eq!(agency.post_json(&format!("/api/v1/incidents/{id}/steps"), &close).await.status, 204);
    let d = agency.get(&format!("/api/v1/incidents/{id}")).await.json();
    assert_eq!(d["phase"], "closed");
    assert_eq!(d["assignee"], "demo.admin");
    let late: Vec<(String, bool)> = d["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["report"].as_str().unwrap().to_string(), r["late"].as_bool().unwrap()))
        .collect();
    // the initial report was due on the 27th, sent today: late; the others in time
    let today = vn_today();
    assert!(today.as_str() > "2026-11-27", "the test's dates are past");
    assert_eq!(
        late,
        [
            ("notification".to_string(), today.as_str() > "2026-12-04"),
            ("initial".into(), true),
            ("closing".into(), false)
        ]
    );
    assert_eq!(d["timeline"].as_array().unwrap().len(), 10, "{}", d["timeline"]);
    // the year's figures, the department's and the commune's
    let s = admin.get("/api/v1/incidents/stats?year=2026").await.json();
    assert_eq!((s["total"].as_u64(), s["serious"].as_u64(), s["open"].as_u64()), (Some(2), Some(1), Some(1)), "{s}");
    assert_eq!(s["by_kind"]["denial_of_service"], 2);
    assert_eq!(s["to_close"]["count"], 1);
    assert_eq!(agency.get("/api/v1/incidents/stats?year=2026").await.json()["total"], 1);
    // raised from a detection of the security console
    let _machine = crate::protection::console_fixture(&app).await;
    let det = admin.get("/api/v1/protection/detections").await.json()["detections"][0]["id"].as_i64().unwrap();
    let r = agency.post_json(&format!("/api/v1/incidents/from-detection/{det}"), "").await;
    assert_eq!(r.status, 201, "{}", r.text);
    let d = agency.get(&format!("/api/v1/incidents/{}", r.json()["id"])).await.json();
    assert_eq!((d["kind"].as_str(), d["source"].as_str()), (Some("malware"), Some("detection")));
    assert!(d["title"].as_str().unwrap().contains("Win.Test.EICAR_HDB-1"));
    assert_eq!(app.store.count_where("audit_log", "action LIKE 'incidents.%'").await.unwrap(), 14);
}
