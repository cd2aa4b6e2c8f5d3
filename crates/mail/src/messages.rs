//! The notification e-mails' messages, and the names of the steps a
//! citizen is told of (the inbox shows them too); registered by the
//! dossiers module.

pub const MESSAGES: &[egov_i18n::Message] = &[
    ("mail.subject", "[Dịch vụ công]", "[Public services]"),
    ("mail.code", "Mã hồ sơ", "Dossier code"),
    ("mail.note", "Ghi chú", "Note"),
    ("mail.lookup", "Tra cứu", "Look it up"),
    (
        "mail.footer",
        "Thư này được gửi tự động, xin đừng trả lời.",
        "This message was sent automatically; please do not reply.",
    ),
    ("mail.outbox.title", "Thư điện tử thông báo", "Notification e-mail"),
    (
        "mail.outbox.on",
        "Thông báo được gửi qua SMTP; thư lỗi tạm thời được gửi lại với thời gian chờ tăng dần.",
        "Notifications are sent through SMTP; temporary failures are retried with growing waits.",
    ),
    (
        "mail.outbox.off",
        "Chưa cấu hình SMTP: thông báo chỉ có trong hộp thư trên cổng.",
        "SMTP is not configured: notifications are only in the portal's inbox.",
    ),
    ("mail.outbox.filter", "Lọc theo trạng thái gửi", "Filter by delivery status"),
    ("mail.outbox.none", "Không có thư nào.", "No message."),
    ("mail.outbox.kind", "Nội dung", "About"),
    ("mail.outbox.to", "Người nhận", "To"),
    ("mail.outbox.state", "Trạng thái", "Status"),
    ("mail.outbox.attempts", "Số lần gửi", "Attempts"),
    ("mail.outbox.created", "Tạo lúc", "Created"),
    ("mail.outbox.next", "Gửi lại lúc", "Next attempt"),
    ("mail.outbox.sent", "Đã gửi lúc", "Sent"),
    ("mail.outbox.error", "Lỗi gần nhất", "Last error"),
    ("mail.state.all", "Tất cả", "All"),
    ("mail.state.pending", "Đang chờ gửi", "Waiting"),
    ("mail.state.sent", "Đã gửi", "Sent"),
    ("mail.state.failed", "Gửi không được", "Failed"),
    ("inbox.submit", "Đã nộp hồ sơ", "Dossier submitted"),
    ("inbox.accept", "Hồ sơ đã được tiếp nhận", "Your dossier was accepted"),
    ("inbox.request_supplement", "Cơ quan yêu cầu bổ sung hồ sơ", "The agency asks for a supplement"),
    ("inbox.refuse", "Hồ sơ bị từ chối giải quyết", "Your dossier was refused"),
    ("inbox.stop", "Hồ sơ đã dừng xử lý", "Processing of your dossier was stopped"),
    ("inbox.return_result", "Đã trả kết quả", "The result was returned"),
    ("inbox.apologize", "Cơ quan xin lỗi và hẹn lại ngày trả kết quả", "The agency apologises and sets a new date"),
    ("inbox.other", "Hồ sơ có thay đổi", "Your dossier changed"),
    (
        "inbox.return_incomplete",
        "Hồ sơ cần bổ sung trước khi tiếp nhận",
        "Your dossier must be completed before it can be accepted",
    ),
    (
        "inbox.approve",
        "Hồ sơ đã xử lý xong, chờ trả kết quả",
        "Your dossier was processed; the result will be returned",
    ),
    (
        "inbox.receive_at_counter",
        "Hồ sơ đã được tiếp nhận tại Bộ phận Một cửa",
        "Your dossier was received at the one-stop desk",
    ),
];
