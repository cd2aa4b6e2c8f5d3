//! The portal's messages: the home page and the back office's home and audit log.

pub const MESSAGES: &[egov_i18n::Message] = &[
    ("nav.home", "Trang chủ", "Home"),
    ("nav.admin", "Quản trị", "Back office"),
    ("nav.admin.home", "Tổng quan", "Overview"),
    ("nav.admin.audit", "Nhật ký kiểm toán", "Audit log"),
    ("home.title", "Trang chủ", "Home"),
    ("home.heading", "Tra cứu thủ tục hành chính", "Find an administrative procedure"),
    (
        "home.lead",
        "Tìm thủ tục, xem hồ sơ cần chuẩn bị, lệ phí và thời gian giải quyết.",
        "Find a procedure and see the documents to prepare, the fees and the processing time.",
    ),
    ("home.fields", "Lĩnh vực", "Fields"),
    ("home.popular", "Thủ tục được sử dụng nhiều", "Most-used procedures"),
    ("home.all", "Xem tất cả thủ tục", "See all procedures"),
    ("admin.home.title", "Trang quản trị", "Back office"),
    ("admin.home.welcome", "Xin chào", "Welcome"),
    ("home.welcome", "Chào mừng", "Welcome"),
    (
        "home.welcome_next",
        "Tài khoản của bạn đã được tạo và bạn đã đăng nhập. Tìm thủ tục cần làm dưới đây, hoặc xem hồ sơ đã nộp ở mục Hồ sơ của tôi.",
        "Your account is ready and you are signed in. Find the procedure you need below, or follow your dossiers under My dossiers.",
    ),
    (
        "admin.home.hint",
        "Các chức năng bên trái tùy theo vai trò của bạn.",
        "The sections on the left follow your roles.",
    ),
    ("admin.audit.title", "Nhật ký kiểm toán", "Audit log"),
    ("admin.audit.at", "Thời điểm", "Time"),
    ("admin.audit.actor", "Người thực hiện", "Actor"),
    ("admin.audit.action", "Hành động", "Action"),
    ("admin.audit.subject", "Đối tượng", "Subject"),
    ("admin.audit.hash", "Mã băm", "Hash"),
];
