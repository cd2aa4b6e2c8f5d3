//! Messages of the radio module (its pages and refusals).

pub const MESSAGES: &[egov_i18n::Message] = &[
    ("err.page.range", "Khoảng dữ liệu yêu cầu nằm ngoài tệp", "The range asked is outside the file"),
    ("err.radio.unit", "Mã xã gồm 5 chữ số.", "A commune's code is 5 digits."),
    ("err.radio.unit_gone", "Xã này không còn (đã sáp nhập); chọn xã hiện nay.", "This commune no longer exists (merged); choose today's."),
    ("err.radio.serial", "Số hiệu chỉ gồm chữ, số, dấu chấm, gạch (tối đa 64 ký tự).", "A serial is letters, digits, dots and dashes (at most 64)."),
    ("err.radio.no_target", "Chọn ít nhất một nơi nhận.", "Choose at least one target."),
    ("err.radio.past", "Thời hạn phát phải ở tương lai.", "The end of validity must be in the future."),
    ("err.radio.order", "Thời hạn phát phải sau thời điểm bắt đầu.", "The end must come after the start."),
    ("err.radio.no_audio", "Bản tin chưa có tệp âm thanh.", "The bulletin has no audio yet."),
    ("err.radio.state", "Bản tin không ở trạng thái cho phép thao tác này.", "The bulletin is not in a state that allows this."),
    ("err.radio.level", "Bản tin này do cấp khác phê duyệt.", "This bulletin is approved at another level."),
    ("err.radio.own", "Người soạn không tự phê duyệt bản tin (trừ bản tin khẩn cấp).", "A bulletin is approved by someone other than its author (except an emergency)."),
    ("err.radio.audio", "Tệp âm thanh không đọc được (cần MP3 hoặc WAV):", "The audio does not decode (MP3 or WAV expected):"),
    ("err.radio.audio_size", "Tệp âm thanh quá 20 MB.", "The audio is over 20 MB."),
    ("err.radio.slot_order", "Mỗi khung giờ phải kết thúc sau khi bắt đầu.", "Each slot must end after it starts."),
    ("err.radio.slot_overlap", "Các khung giờ không được chồng lên nhau.", "Slots must not overlap."),
    ("err.radio.time", "Giờ dạng HH:MM.", "A time as HH:MM."),
    ("err.radio.csv", "Tệp CSV cần dòng tiêu đề name,unit_code,kind,status,staff,address.", "The CSV needs the header name,unit_code,kind,status,staff,address."),
    ("err.radio.code", "Mã đăng ký không đúng, đã dùng hoặc hết hạn.", "The enrolment code is unknown, used or expired."),
    ("err.radio.device", "Khóa thiết bị không đúng.", "Unknown device key."),
];
