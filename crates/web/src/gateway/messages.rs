//! Messages of the data-exchange gateway.

pub const MESSAGES: &[egov_i18n::Message] = &[
    ("err.gw.ident", "Mã định danh gồm 1–64 ký tự A–Z, a–z, 0–9, dấu - . _ ~ (dạng INSTANCE/CLASS/MEMBER/SUBSYSTEM cho hệ thống).", "An identifier is 1–64 of A–Z, a–z, 0–9, - . _ ~ (INSTANCE/CLASS/MEMBER/SUBSYSTEM for a system)."),
    ("err.gw.taken", "Mã định danh này đã được đăng ký.", "This identifier is already registered."),
    ("err.gw.upstream", "Địa chỉ dịch vụ phải bắt đầu bằng http:// hoặc https://.", "The service's address must begin with http:// or https://."),
    ("err.gw.timeout", "Thời gian chờ từ 100 đến 300.000 mili giây.", "The timeout is 100 to 300,000 milliseconds."),
    ("err.gw.method", "Phương thức là * hoặc tên phương thức HTTP viết hoa (GET, POST…).", "The method is * or an upper-case HTTP method (GET, POST…)."),
    ("err.gw.path", "Mẫu đường dẫn bắt đầu bằng / (có thể dùng * và **); cần cả phương thức và đường dẫn, hoặc bỏ trống cả hai để cấp quyền toàn dịch vụ.", "A path pattern begins with / (* and ** allowed); give both a method and a path, or neither for the whole service."),
    ("err.gw.certificate", "Chứng thư số phải là một tệp PEM (hoặc dấu vân tay SHA-256 dạng hex).", "The certificate must be a PEM file (or its SHA-256 fingerprint in hex)."),
    ("err.gw.period", "Ngày hết hiệu lực phải sau ngày bắt đầu.", "The end of validity must come after its start."),
];
