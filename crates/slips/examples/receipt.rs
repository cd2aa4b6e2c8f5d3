//! Writes a sample receipt (form 01) to a file, for a look by eye:
//! `cargo run -p egov-slips --example receipt -- receipt.pdf`, then
//! `pdftoppm -png receipt.pdf page` to see it as a picture.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "receipt.pdf".into());
    let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M");
    let r = egov_slips::Receipt {
        agency: "Ủy ban nhân dân phường Tân Ninh".into(),
        code: "H72.50.01-261128-0001".into(),
        citizen: "Nguyễn Văn Dân".into(),
        procedure: "Đăng ký kết hôn".into(),
        parts: vec!["Tờ khai đăng ký kết hôn".into(), "Giấy tờ tùy thân của người nộp (xuất trình)".into()],
        received: at("2026-11-30 09:15")?,
        due: Some(at("2026-12-01 09:15")?),
        lookup_url: "http://localhost:8080/tra-cuu/H72.50.01-261128-0001".into(),
    };
    std::fs::write(&path, egov_slips::render(&egov_slips::receipt(&r))?)?;
    println!("wrote {path}");
    Ok(())
}
