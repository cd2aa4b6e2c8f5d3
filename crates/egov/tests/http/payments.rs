//! Issue 22, begun: an agency's receiving accounts, the one in force by its
//! first day, and the VietQR code of a transfer into it — rendered in a
//! printable PDF, read back by `pdftoppm` and `zbarimg`, and its payload's
//! fields and CRC checked against VietQR's rules.

use egov_payments::vietqr::{Service, Transfer};

use crate::common::*;

/// The QR code of a PDF's first page, as zbarimg reads it.
pub fn qr_of(pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("egov-qr-{}", random_name()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("qr.pdf");
    std::fs::write(&file, pdf).unwrap();
    let png = dir.join("qr");
    let rendered =
        std::process::Command::new(tool("pdftoppm")).args(["-r", "150", "-png"]).arg(&file).arg(&png).status();
    assert!(rendered.unwrap().success());
    let out =
        std::process::Command::new(tool("zbarimg")).args(["-q", "--raw"]).arg(dir.join("qr-1.png")).output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[tokio::test]
async fn an_agencys_account_is_recorded_and_its_vietqr_code_reads_back_from_the_printed_page() {
    let app = spawn().await;
    let admin = app.client();
    admin.login("demo.agency-admin", DEMO_PASSWORD).await;
    let page = admin.get("/quan-tri/thanh-toan").await;
    assert_eq!(page.status, 200, "{}", page.text);
    let csrf = page.csrf();
    // every problem at once, what was typed kept
    let r = admin
        .post_form(
            "/quan-tri/thanh-toan",
            &[
                ("csrf", &csrf),
                ("bin", "97043"),
                ("account", "12 34-x!"),
                ("holder", "UBND xã Tân Phong"),
                ("from", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    for f in ["bin", "account", "from"] {
        assert!(r.text.contains(&format!("href=\"#{f}\"")), "{f}: {}", r.text);
    }
    assert!(r.text.contains("value=\"UBND xã Tân Phong\""));
    let account = [
        ("csrf", csrf.as_str()),
        ("bin", "970436"),
        ("account", "1012 345 678"),
        ("holder", "UBND xã Tân Phong"),
        ("service", "to_account"),
        ("from", "2026-01-01"),
    ];
    assert_eq!(admin.post_form("/quan-tri/thanh-toan", &account).await.status, 303);
    // a new account from a day to come: the first stays in force until then
    let later = [("account", "2020202020"), ("from", "2099-01-01")];
    let mut form = account.to_vec();
    form.retain(|(k, _)| !later.iter().any(|(l, _)| l == k));
    form.extend(later);
    assert_eq!(admin.post_form("/quan-tri/thanh-toan", &form).await.status, 303);
    let page = admin.get("/quan-tri/thanh-toan").await.text;
    let row =
        |acc: &str| page.split(&format!(">{acc}</th>")).nth(1).unwrap().split("</tr>").next().unwrap().to_string();
    assert!(row("1012345678").contains("Đang áp dụng") && row("1012345678").contains("Vietcombank (970436)"), "{page}");
    assert!(row("2020202020").contains("Không áp dụng hôm nay"), "{page}");
    let id: i64 = row("1012345678").split("/tai-khoan/").nth(1).unwrap().split('/').next().unwrap().parse().unwrap();

    // the printed code: the amount in words, and the QR as a banking app reads it
    let pdf = admin
        .get_bytes(&format!("/quan-tri/thanh-toan/tai-khoan/{id}/ma-qr.pdf?so-tien=1200000&noi-dung=H72.50.01-0007"))
        .await;
    let text = pdf_text(&pdf);
    assert!(text.contains("Một triệu hai trăm nghìn đồng") && text.contains("1.200.000 đồng"), "{text}");
    let payload = qr_of(&pdf);
    // its checksum and fields by VietQR's rules (Transfer::parse refuses a wrong CRC or field)
    let t = Transfer::parse(&payload).unwrap_or_else(|e| panic!("{e}: {payload}"));
    assert_eq!((t.bin(), t.account(), t.service()), ("970436", "1012345678", Service::ToAccount));
    assert_eq!((t.amount(), t.purpose()), (Some(1_200_000), "H72.50.01-0007"));
    assert!(payload.starts_with("000201010212") && payload.contains("0010A000000727") && payload.contains("5303704"));
    // the CRC written out by hand: CRC-16/CCITT-FALSE over everything up to "6304"
    let body = &payload[..payload.len() - 4];
    let mut crc: u16 = 0xFFFF;
    for b in body.bytes() {
        crc ^= (b as u16) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 { (crc << 1) ^ 0x1021 } else { crc << 1 };
        }
    }
    assert_eq!(&payload[payload.len() - 4..], format!("{crc:04X}"));

    // the API gives the same payload, and the accounts
    let api = app.as_user("demo.agency-admin").await;
    let doc = api.get(&format!("/api/v1/payments/accounts/{id}/qr?amount=1200000&purpose=H72.50.01-0007")).await;
    assert_eq!(doc.status, 200, "{}", doc.text);
    assert_eq!(doc.json()["payload"].as_str(), Some(payload.as_str()));
    let list = api.get("/api/v1/payments/accounts").await.json();
    assert_eq!(list.as_array().map(Vec::len), Some(2));
    // an official who keeps no accounts sees none of it
    let writer = app.as_user("demo.specialist").await;
    assert_eq!(writer.get("/api/v1/payments/accounts").await.status, 403);
    assert_eq!(writer.get(&format!("/api/v1/payments/accounts/{id}/qr?amount=1")).await.status, 404);
}
