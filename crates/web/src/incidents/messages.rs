//! Messages of the incidents module (its refusals).

pub const MESSAGES: &[egov_i18n::Message] = &[
    ("err.inc.backwards", "Không thể chuyển sự cố về bước trước.", "An incident cannot go back to an earlier step."),
    ("err.inc.root_cause", "Nhập nguyên nhân gốc trước khi kết thúc sự cố.", "Write the root cause before closing the incident."),
    ("err.inc.closing_report", "Sự cố chỉ kết thúc khi đã gửi báo cáo kết thúc (mẫu 04).", "An incident is closed only once its closing report (form 04) is sent."),
    ("err.inc.changed", "Sự cố vừa được người khác cập nhật; hãy tải lại.", "Someone else changed the incident meanwhile; reload it."),
    ("err.inc.no_regime", "Không có văn bản quy định nào có hiệu lực vào ngày phát hiện.", "No legal basis was in force on the day of discovery."),
    ("err.inc.no_agency", "Không có cơ quan nào phục vụ đơn vị hành chính của điểm kết nối.", "No agency serves the connection point's unit."),
    ("err.inc.when", "Nhập ngày và giờ phát hiện.", "Enter the date and time of discovery."),
    ("err.inc.future", "Thời điểm phát hiện không thể ở tương lai.", "The discovery cannot be in the future."),
    ("err.inc.duplicate", "Cơ quan đã có hệ thống mang tên này.", "The agency has a system of this name already."),
    ("err.inc.level", "Cấp độ từ 1 đến 5.", "A level from 1 to 5."),
    ("err.inc.decision", "Nhập quyết định phê duyệt cấp độ.", "Enter the decision approving the level."),
    ("err.inc.dates", "Ngày hết hiệu lực phải sau ngày có hiệu lực.", "The end must come after the start."),
    ("err.inc.days", "Từ 0 đến 365 ngày.", "From 0 to 365 days."),
    ("err.inc.rule_twice", "Mỗi loại báo cáo chỉ một quy định.", "One rule per report."),
    ("err.inc.day", "Ngày không có thật.", "A day that does not exist."),
];
