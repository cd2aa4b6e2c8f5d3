//! The one-stop desk's documents in their legal layout (issue 15, point 10):
//! each read back with `pdftotext -layout` and compared with where its parts
//! belong: the masthead's two columns, the place and date flush right, the
//! form's number and title, numbered sections, the parts as a table,
//! signature blocks side by side; the 2025 set's forms among them.

use crate::common::*;

/// The lines of a PDF as `pdftotext -layout` lays them out.
fn lines(text: &str) -> Vec<&str> {
    text.lines().filter(|l| !l.trim().is_empty()).collect()
}

/// The line holding `needle`, and where on it.
fn at<'a>(lines: &[&'a str], needle: &str) -> (usize, &'a str, usize) {
    lines
        .iter()
        .enumerate()
        .find_map(|(i, l)| l.find(needle).map(|c| (i, *l, l[..c].chars().count())))
        .unwrap_or_else(|| panic!("no line holds {needle}:\n{}", lines.join("\n")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_receipt_follows_the_legal_layout() {
    let app = spawn().await;
    let citizen = app.as_user("demo.citizen").await;
    let code = submit_online(&citizen).await;
    let receiver = app.as_user("demo.receiver").await;
    receiver.act_ok(&code, serde_json::json!({"action": "accept"})).await;
    let text = pdf_text(&receiver.get_bytes(&format!("/api/v1/dossiers/{code}/receipt.pdf")).await);
    assert!(text.contains("419.53 x 595.28 pts"), "A5: {text}");
    let l = lines(&text);
    // the masthead: the province's committee and the ward on the left, the nation on the right, same lines
    let (row, line, national) = at(&l, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    let agency = line.find("ỦY BAN NHÂN DÂN TỈNH TÂY NINH").map(|c| line[..c].chars().count());
    assert!(agency.is_some_and(|a| a < national), "the parent agency left of the national name: {line}");
    let (motto_row, _, _) = at(&l, "Độc lập - Tự do - Hạnh phúc");
    assert_eq!(motto_row, row + 1, "the motto under the national name");
    assert!(l[row + 1].contains("ỦY BAN NHÂN DÂN PHƯỜNG TÂN"), "the receiving agency under its parent: {}", l[row + 1]);
    // the place and date, flush right, under the masthead
    let (date_row, date_line, date_col) = at(&l, "Tây Ninh, ngày ");
    assert!(date_row > motto_row && date_col > 20, "the date line is to the right: {date_line}");
    assert!(date_line.contains(" tháng ") && date_line.contains(" năm 20"), "{date_line}");
    // the form's number and title, then the code
    let (n, _, _) = at(&l, "Mẫu số 01");
    let (t, _, _) = at(&l, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
    let (c, _, _) = at(&l, &format!("Mã hồ sơ: {code}"));
    assert!(date_row < n && n < t && t < c, "number, title, code in order");
    // numbered sections, in order
    let mut last = c;
    for s in [
        "1. Bộ phận tiếp nhận và trả kết quả:",
        "2. Tiếp nhận hồ sơ của: Nguyễn Văn Dân",
        "3. Nội dung yêu cầu giải quyết: Đăng ký kết hôn",
        "4. Thành phần hồ sơ nộp gồm:",
        "5. Số lượng hồ sơ: 01 bộ",
        "6. Thời gian giải quyết hồ sơ theo quy định:",
        "7. Thời gian nhận hồ sơ:",
        "8. Thời gian trả kết quả giải quyết hồ sơ:",
        "9. Đăng ký nhận kết quả tại:",
    ] {
        let (i, _, col) = at(&l, s);
        assert!(i > last && col < 4, "{s} after the one before, at the left margin");
        last = i;
    }
    assert!(at(&l, "6. Thời gian giải quyết hồ sơ theo quy định:").1.contains("ngày làm việc"));
    // the parts as a table: its head, and each part with its form and count on one row
    let (head, head_line, _) = at(&l, "STT");
    assert!(head_line.contains("Tên giấy tờ") && head_line.contains("Hình thức"), "{head_line}");
    let (row1, row_line, _) = at(&l, "Tờ khai/đơn đề nghị đăng ký kết hôn");
    assert!(row1 > head && row_line.contains("Bản điện tử") && row_line.trim_end().ends_with("01"), "{row_line}");
    // the signature blocks side by side, names under them, the officer who accepted it named
    let (sig, sig_line, applicant_col) = at(&l, "NGƯỜI NỘP HỒ SƠ");
    assert!(sig_line.contains("NGƯỜI TIẾP NHẬN HỒ SƠ") && sig > last, "{sig_line}");
    let (names, names_line, name_col) = at(&l, "Trần Thị Tiếp Nhận");
    assert!(names > sig && names_line.contains("Nguyễn Văn Dân") && name_col > applicant_col, "{names_line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_2025_forms_stop_notice_control_sheet_and_register_read_back() {
    let app = spawn().await;
    let citizen = app.as_user("demo.citizen").await;
    let (receiver, approver) = (app.as_user("demo.receiver").await, app.as_user("demo.approver").await);
    let stopped = submit_online(&citizen).await;
    receiver.act_ok(&stopped, serde_json::json!({"action": "accept"})).await;
    approver.act_ok(&stopped, serde_json::json!({"action": "assign", "to": "demo.specialist"})).await;
    approver.act_ok(&stopped, serde_json::json!({"action": "stop", "reason": "Người yêu cầu đã chết"})).await;
    // the notice that processing stopped: form 05 of the 2025 set, signed by the approver
    let text = pdf_text(&approver.get_bytes(&format!("/api/v1/dossiers/{stopped}/forms/05.pdf")).await);
    let l = lines(&text);
    at(&l, "Mẫu số 05 (Thông tư số 03/2025/TT-VPCP)");
    at(&l, "PHIẾU THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ");
    at(&l, "Người yêu cầu đã chết");
    let (sig, _, _) = at(&l, "CƠ QUAN GIẢI QUYẾT HỒ SƠ");
    assert!(at(&l, "Phạm Thị Duyệt").0 > sig, "the approver signs under the block");
    assert_eq!(approver.get(&format!("/api/v1/dossiers/{stopped}/forms/03.pdf")).await.status, 404, "no refusal");
    // the process control sheet: every step, who took it
    let text = pdf_text(&approver.get_bytes(&format!("/api/v1/dossiers/{stopped}/forms/06.pdf")).await);
    let l = lines(&text);
    at(&l, "Mẫu số 06 (Thông tư số 03/2025/TT-VPCP)");
    at(&l, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ");
    let (head, head_line, _) = at(&l, "Thời điểm");
    assert!(head_line.contains("Bước") && head_line.contains("Người thực hiện"), "{head_line}");
    let steps = [
        ("Tiếp nhận hồ sơ", "Trần Thị Tiếp"),
        ("Phân công xử lý", "Phạm Thị Duyệt"),
        ("Dừng giải quyết", "Phạm Thị Duyệt"),
    ];
    let mut last = head;
    for (step, by) in steps {
        let (i, line, _) = at(&l, step);
        assert!(i > last && line.contains(by), "{step} by {by}: {line}");
        last = i;
    }
    assert!(at(&l, "BÊN GIAO").1.contains("BÊN NHẬN"));
    // citizens do not print the control sheet
    assert_eq!(citizen.get(&format!("/api/v1/dossiers/{stopped}/forms/06.pdf")).await.status, 403);
    // the tracking register: A4, form 07, a row per dossier received
    let other = submit_online(&citizen).await;
    receiver.act_ok(&other, serde_json::json!({"action": "accept"})).await;
    let today = chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap()).date_naive();
    let from = today - chrono::Duration::days(1);
    let register = format!("/api/v1/agencies/H72.50.01/register.pdf?from={from}&to={today}");
    let text = pdf_text(&receiver.get_bytes(&register).await);
    assert!(text.contains("595.28 x 841.89 pts (A4)"), "{text}");
    let l = lines(&text);
    at(&l, "Mẫu số 07 (Thông tư số 03/2025/TT-VPCP)");
    at(&l, "SỔ THEO DÕI HỒ SƠ");
    let (head, head_line, _) = at(&l, "STT");
    assert!(head_line.contains("Mã hồ sơ") && head_line.contains("Hẹn trả"), "{head_line}");
    let (a, a_line, _) = at(&l, &stopped);
    let (b, b_line, _) = at(&l, &other);
    assert!(head < a && a < b, "in the order received");
    assert!(a_line.contains("Dừng giải quyết") && b_line.contains("Đã tiếp nhận"), "{a_line}\n{b_line}");
    at(&l, "Tổng số: 2 hồ sơ.");
    // for the agency's officials only; a period given backwards is the same period; a date that is none is refused
    assert_eq!(citizen.get(&register).await.status, 403);
    let backwards = format!("/api/v1/agencies/H72.50.01/register.pdf?from={today}&to={from}");
    assert!(pdf_text(&receiver.get_bytes(&backwards).await).contains("Tổng số: 2 hồ sơ."));
    let r = receiver.get(&format!("/api/v1/agencies/H72.50.01/register.pdf?from=2026-02-31&to={today}")).await;
    assert_eq!(r.status, 400);
    // the officer's page lists the documents to print
    let c = app.client();
    c.login("demo.approver", DEMO_PASSWORD).await;
    let page = c.get(&format!("/quan-tri/ho-so/{stopped}")).await.text;
    for href in ["receipt.pdf", "forms/05.pdf", "forms/06.pdf"] {
        assert!(page.contains(&format!("href=\"/api/v1/dossiers/{stopped}/{href}\"")), "{href}");
    }
    assert!(!page.contains("forms/03.pdf"));
}
