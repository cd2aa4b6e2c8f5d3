//! The messages every module uses: the site, accessibility, forms and
//! the errors any page can show. A module's own messages are its own
//! (registered with the module, see `egov_web`'s module registry).

pub static MESSAGES: &[crate::Message] = &[
    ("site.name", "Cổng dịch vụ công tỉnh", "Provincial public service portal"),
    (
        "site.footer",
        "Cổng dịch vụ công — egov, phần mềm nguồn mở của Sở Khoa học và Công nghệ",
        "Public service portal — egov, open-source software of the Department of Science and Technology",
    ),
    ("a11y.skip", "Bỏ qua, đến nội dung chính", "Skip to main content"),
    ("a11y.main_nav", "Điều hướng chính", "Main navigation"),
    ("a11y.menu", "Danh mục", "Menu"),
    ("a11y.admin_nav", "Điều hướng quản trị", "Back-office navigation"),
    ("common.yes", "Có", "Yes"),
    ("common.no", "Không", "No"),
    (
        "form.has_errors",
        "Thông tin chưa hợp lệ. Vui lòng sửa các mục được đánh dấu bên dưới.",
        "Some information is not valid. Please correct the fields marked below.",
    ),
    ("err.required", "Vui lòng nhập mục này.", "Please fill in this field."),
    ("form.error_title", "Lỗi", "Error"),
    ("table.region", "Bảng (cuộn ngang khi màn hình hẹp)", "Table (scrolls sideways on a narrow screen)"),
    ("err.too_long", "Nội dung quá dài.", "This is too long."),
    ("err.taken", "Giá trị này đã được sử dụng.", "This value is already taken."),
    ("err.page.not_found", "Không tìm thấy trang", "Page not found"),
    ("err.page.forbidden", "Bạn không có quyền truy cập nội dung này", "You are not allowed to access this"),
    (
        "err.page.csrf",
        "Phiên làm việc của biểu mẫu đã hết hạn. Vui lòng tải lại trang và gửi lại.",
        "The form has expired. Please reload the page and send it again.",
    ),
    ("err.page.unauthorized", "Vui lòng đăng nhập", "Please sign in"),
    ("err.page.bad_request", "Yêu cầu không hợp lệ", "Invalid request"),
    ("err.page.conflict", "Dữ liệu bị trùng", "Conflicting data"),
    (
        "err.no_such_time",
        "Thời điểm này không có trên lịch (ví dụ 31/6 hoặc 24:00).",
        "There is no such time on the calendar (31 June or 24:00, say).",
    ),
    (
        "err.period",
        "Ngày cuối của khoảng thời gian không được trước ngày đầu.",
        "The period's last day may not be before its first.",
    ),
    ("err.page.method", "Địa chỉ này không nhận yêu cầu theo phương thức đó", "This address does not take that method"),
    ("err.page.too_large", "Dữ liệu gửi lên quá lớn", "What was sent is too large"),
    (
        "err.upload.too_large",
        "Tệp gửi lên quá lớn: mỗi tệp tối đa 10 MB, các tệp của một hồ sơ tối đa 25 MB.",
        "The upload is too large: 10 MB a file and 25 MB a dossier at most.",
    ),
    ("err.page.unavailable", "Kho lưu tệp tạm thời không truy cập được. Những gì bạn vừa gửi chưa được ghi nhận; vui lòng thử lại sau ít phút.", "File storage cannot be reached for the moment. What you just sent was not recorded; please try again in a few minutes."),
    ("err.page.internal", "Hệ thống gặp sự cố. Vui lòng thử lại sau.", "Something went wrong. Please try again later."),
    (
        "err.throttled",
        "Có quá nhiều yêu cầu từ địa chỉ của bạn trong thời gian ngắn. Vui lòng chờ một lát rồi thử lại.",
        "Too many requests from your address in a short time. Please wait a moment and try again.",
    ),
    ("err.page.code", "Mã lỗi", "Error code"),
    ("err.page.home", "Về trang chủ", "Back to the home page"),
    ("err.number", "Vui lòng nhập một số.", "Please enter a number."),
    ("err.date", "Vui lòng nhập ngày dạng YYYY-MM-DD.", "Please enter a date as YYYY-MM-DD."),
    ("err.datetime", "Vui lòng nhập thời điểm dạng YYYY-MM-DD HH:MM.", "Please enter a time as YYYY-MM-DD HH:MM."),
    ("err.range", "Giá trị nằm ngoài khoảng cho phép.", "The value is out of range."),
    ("err.option", "Lựa chọn không hợp lệ.", "Not one of the choices."),
];
