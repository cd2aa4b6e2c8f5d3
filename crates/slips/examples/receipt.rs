//! Writes a sample receipt (form 01) to a file, for a look by eye:
//! `cargo run -p egov-slips --example receipt -- receipt.pdf`, then
//! `pdftoppm -png receipt.pdf page` to see it as a picture.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "receipt.pdf".into());
    let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M");
    let part = |name: &str, form: &str| egov_slips::PartRow { name: name.into(), form: form.into(), count: 1 };
    let r = egov_slips::Receipt {
        head: egov_slips::Letterhead {
            parent: Some("Ủy ban nhân dân tỉnh Tây Ninh".into()),
            agency: "Ủy ban nhân dân phường Tân Ninh".into(),
            place: "Tây Ninh".into(),
        },
        code: "H72.50.01-261128-0001".into(),
        applicant: "Nguyễn Văn Dân".into(),
        address: "Tổ 5, phường Tân Ninh".into(),
        phone: "0912 345 678".into(),
        procedure: "Đăng ký kết hôn".into(),
        parts: vec![
            part("Tờ khai đăng ký kết hôn", "Bản chính"),
            part("Giấy tờ tùy thân của người nộp (xuất trình)", "Bản sao"),
        ],
        processing_time: "01 ngày làm việc".into(),
        received: at("2026-11-30 09:15")?,
        due: Some(at("2026-12-01 09:15")?),
        result_at: "Bộ phận tiếp nhận và trả kết quả, Ủy ban nhân dân phường Tân Ninh".into(),
        officer: "Trần Thị Tiếp Nhận".into(),
        lookup_url: "http://localhost:8080/tra-cuu/H72.50.01-261128-0001".into(),
    };
    std::fs::write(&path, egov_slips::render(&egov_slips::receipt(&r))?)?;
    println!("wrote {path}");
    Ok(())
}
