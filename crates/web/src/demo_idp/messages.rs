//! Messages of the demonstration identity provider.

pub const MESSAGES: &[egov_i18n::Message] = &[
    ("demo_idp.title", "Nhà cung cấp định danh MÔ PHỎNG", "DEMONSTRATION identity provider"),
    ("demo_idp.warning",
        "Đây là nhà cung cấp định danh mô phỏng để trình diễn, không phải VNeID. Ai cũng có thể chọn bất kỳ người nào dưới đây; hệ thống thật chỉ dùng nhà cung cấp định danh quốc gia.",
        "This is a demonstration identity provider, not VNeID. Anyone may pick anyone below; a real deployment uses the national identity provider only."),
    ("demo_idp.pick", "Đăng nhập với tư cách", "Sign in as"),
];
