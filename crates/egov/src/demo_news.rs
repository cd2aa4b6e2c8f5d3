//! The demo's news (`serve --demo`): the department's articles in each
//! category, published over the last weeks, one with its English version,
//! one scheduled for tomorrow and one still with the editor; the first two
//! with a featured picture (drawn illustrations, `demo/*.jpg`), the first
//! featured on the home page. Made through the use cases, as the
//! department's newsroom.

use egov_app::news as na;
use egov_app::Actor;
use egov_news::{ArticleInput, Step};

use crate::demo::DOST;

const ARTICLES: &[(&str, &str, &str, &str)] = &[
    (
        "chuyen-doi-so",
        "Tây Ninh đưa 100% thủ tục hành chính đủ điều kiện lên dịch vụ công trực tuyến toàn trình",
        "Từ tháng 12, người dân và doanh nghiệp nộp hồ sơ, theo dõi và nhận kết quả trên Cổng dịch vụ công của tỉnh.",
        "<p>Sở Khoa học và Công nghệ cho biết toàn bộ thủ tục đủ điều kiện đã được cung cấp trực tuyến toàn trình.</p><h2>Những điểm mới</h2><ul><li>Nộp hồ sơ và thanh toán trực tuyến.</li><li>Theo dõi hồ sơ bằng mã số.</li><li>Đánh giá sự hài lòng sau khi nhận kết quả.</li></ul>",
    ),
    (
        "khoa-hoc-cong-nghe",
        "Nghiệm thu 12 nhiệm vụ khoa học và công nghệ cấp tỉnh năm 2026",
        "Hội đồng khoa học đánh giá kết quả các nhiệm vụ về nông nghiệp công nghệ cao, y tế và quản lý đô thị.",
        "<p>Các nhiệm vụ được nghiệm thu đều đạt yêu cầu; 4 nhiệm vụ đạt loại xuất sắc.</p><table><caption>Kết quả nghiệm thu</caption><thead><tr><th scope=\"col\">Lĩnh vực</th><th scope=\"col\">Số nhiệm vụ</th></tr></thead><tbody><tr><td>Nông nghiệp</td><td>5</td></tr><tr><td>Y tế</td><td>4</td></tr><tr><td>Đô thị</td><td>3</td></tr></tbody></table>",
    ),
    (
        "tin-hoat-dong",
        "Tập huấn an toàn thông tin cho cán bộ cấp xã",
        "Hơn 300 cán bộ, công chức cấp xã được hướng dẫn nhận diện thư điện tử lừa đảo và bảo vệ máy tính.",
        "<p>Lớp tập huấn do Sở phối hợp với Công an tỉnh tổ chức trong hai ngày.</p><blockquote><p>Mỗi cán bộ là một lá chắn của hệ thống.</p></blockquote>",
    ),
    (
        "thong-bao",
        "Thông báo lịch tiếp công dân tháng 12 năm 2026",
        "Lãnh đạo Sở tiếp công dân vào sáng thứ Năm hằng tuần tại trụ sở Sở.",
        "<p>Công dân có nhu cầu vui lòng đăng ký trước qua số điện thoại của Văn phòng Sở.</p>",
    ),
];

fn input(language: &str, category: &str, title: &str, summary: &str, body: &str) -> ArticleInput {
    ArticleInput {
        language: language.into(),
        title: title.into(),
        summary: summary.into(),
        body: body.into(),
        category: category.into(),
        tags: "Sở Khoa học và Công nghệ".into(),
        ..Default::default()
    }
}

/// Makes the demo's articles unless there are some.
pub async fn news(app: &egov_app::App) -> Result<(), String> {
    let fail = |e: egov_app::AppError| e.to_string();
    let op = Actor::Operator;
    if !na::articles(app, op).await.map_err(fail)?.is_empty() {
        return Ok(());
    }
    let now = app.now();
    let publish = |id: i64, days_ago: i64| async move {
        for s in [Step::Submit, Step::Approve, Step::Publish { at: now - chrono::Duration::days(days_ago) }] {
            na::step(app, op, id, &s).await?;
        }
        Ok::<(), egov_app::AppError>(())
    };
    let pictures = [
        (include_bytes!("../demo/ruong-lua.jpg").as_slice(), "Tranh minh họa: cánh đồng dưới trời xanh"),
        (include_bytes!("../demo/hoang-hon.jpg").as_slice(), "Tranh minh họa: đồi núi lúc hoàng hôn"),
    ];
    let mut images = Vec::new();
    for (bytes, alt) in pictures {
        images.push((na::upload_image(app, op, Some(DOST), bytes.to_vec()).await.map_err(fail)?, alt));
    }
    let mut first = None;
    for (i, (category, title, summary, body)) in ARTICLES.iter().enumerate() {
        let mut a = input("vi", category, title, summary, body);
        if let Some((image, alt)) = images.get(i) {
            a.image = Some(*image);
            a.image_alt = (*alt).into();
        }
        let id = na::write_in(app, op, DOST, &a, None).await.map_err(fail)?;
        publish(id, 2 + 5 * i as i64).await.map_err(fail)?;
        first.get_or_insert(id);
    }
    // the first one's English version
    let en = input(
        "en",
        "chuyen-doi-so",
        "Tây Ninh puts every eligible procedure fully online",
        "From December, people and businesses file, follow and receive results on the province's public service portal.",
        "<p>The Department of Science and Technology says every eligible procedure is now offered fully online.</p><h2>What is new</h2><ul><li>Filing and paying online.</li><li>Following a dossier by its code.</li><li>Rating the service once the result is received.</li></ul>",
    );
    let en = ArticleInput {
        image: images.first().map(|i| i.0),
        image_alt: "An illustration: fields under a blue sky".into(),
        ..en
    };
    let en = na::write_in(app, op, DOST, &en, first).await.map_err(fail)?;
    publish(en, 2).await.map_err(fail)?;
    for id in first.into_iter().chain([en]) {
        na::feature(app, op, id, true).await.map_err(fail)?;
    }
    // scheduled for tomorrow morning, and one with the editor
    let later = input(
        "vi",
        "thong-bao",
        "Hội nghị tổng kết chuyển đổi số năm 2026",
        "Hội nghị diễn ra vào cuối tháng 12.",
        "<p>Thành phần: lãnh đạo các sở, ngành và UBND cấp xã.</p>",
    );
    let later = na::write_in(app, op, DOST, &later, None).await.map_err(fail)?;
    for s in [Step::Submit, Step::Approve, Step::Publish { at: now + chrono::Duration::days(1) }] {
        na::step(app, op, later, &s).await.map_err(fail)?;
    }
    let review = input(
        "vi",
        "tin-hoat-dong",
        "Bản tin nội bộ tuần 49",
        "Tóm tắt hoạt động của Sở trong tuần.",
        "<p>Bản nháp gửi biên tập viên.</p>",
    );
    let review = na::write_in(app, op, DOST, &review, None).await.map_err(fail)?;
    na::step(app, op, review, &Step::Submit).await.map_err(fail)?;
    Ok(())
}
