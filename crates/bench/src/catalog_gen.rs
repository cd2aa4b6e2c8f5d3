//! A synthetic national-scale catalog: realistic Vietnamese procedure names
//! built from the words real procedures use, deterministic for a seed.

use egov_catalog::*;
use egov_identity::Role;

const ACTIONS: [&str; 14] = [
    "Cấp",
    "Cấp lại",
    "Cấp đổi",
    "Gia hạn",
    "Điều chỉnh",
    "Thu hồi",
    "Đăng ký",
    "Xác nhận",
    "Thẩm định",
    "Phê duyệt",
    "Công nhận",
    "Chứng nhận",
    "Đăng ký thay đổi",
    "Hủy bỏ",
];
const OBJECTS: [&str; 32] = [
    "giấy phép xây dựng",
    "giấy phép kinh doanh",
    "chứng chỉ hành nghề y",
    "chứng chỉ hành nghề dược",
    "giấy chứng nhận quyền sử dụng đất",
    "hộ kinh doanh",
    "kết hôn",
    "khai sinh",
    "khai tử",
    "tình trạng hôn nhân",
    "hợp tác xã",
    "doanh nghiệp tư nhân",
    "giấy phép lái xe",
    "biển số xe",
    "giấy phép khai thác khoáng sản",
    "giấy phép xả thải",
    "báo cáo đánh giá tác động môi trường",
    "cơ sở đủ điều kiện an toàn thực phẩm",
    "trường mầm non",
    "trung tâm ngoại ngữ",
    "giấy phép lao động",
    "di tích lịch sử",
    "giấy phép biểu diễn",
    "trang thông tin điện tử",
    "giấy phép bức xạ",
    "nhiệm vụ khoa học và công nghệ",
    "quyền tác giả",
    "nhãn hiệu hàng hóa",
    "giống cây trồng",
    "giấy phép vận tải",
    "hộ nghèo",
    "trợ cấp xã hội",
];
const QUALIFIERS: [&str; 14] = [
    "",
    "đối với cá nhân",
    "đối với tổ chức",
    "có yếu tố nước ngoài",
    "cấp tỉnh",
    "cấp xã",
    "trong khu công nghiệp",
    "cho doanh nghiệp nhỏ và vừa",
    "trường hợp bị mất",
    "trường hợp bị hỏng",
    "theo thủ tục rút gọn",
    "cho người nước ngoài",
    "tại khu kinh tế",
    "do thay đổi thông tin",
];
const FIELDS: [&str; 9] = [
    "ho-tich",
    "chung-thuc",
    "xay-dung",
    "dat-dai",
    "kinh-doanh",
    "y-te",
    "giao-duc",
    "bao-tro-xa-hoi",
    "khoa-hoc-cong-nghe",
];
const AGENCIES: [&str; 6] = ["H72.10", "H72.12", "H72.13", "H72.14", "H72.50.01", "H72.50.02"];

/// A small, fast, deterministic generator (SplitMix64).
pub struct Rng(u64);
impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

pub fn generate(n: usize, seed: u64) -> CatalogDocument {
    let mut rng = Rng::new(seed);
    let total = ACTIONS.len() * OBJECTS.len() * QUALIFIERS.len();
    let mut order: Vec<usize> = (0..total).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let procedures = (0..n)
        .map(|i| {
            let k = order[i % total];
            let (a, o, q) =
                (k / (OBJECTS.len() * QUALIFIERS.len()), (k / QUALIFIERS.len()) % OBJECTS.len(), k % QUALIFIERS.len());
            let mut name = format!("{} {}", ACTIONS[a], OBJECTS[o]);
            if !QUALIFIERS[q].is_empty() {
                name = format!("{name} {}", QUALIFIERS[q]);
            }
            if i >= total {
                name = format!("{name} (mẫu {})", i / total + 1);
            }
            Procedure {
                code: format!("9.{:06}", i + 1).into(),
                name_en: format!("Synthetic procedure {}", i + 1),
                name_vi: name,
                field: FIELDS[rng.below(FIELDS.len())].into(),
                agencies: vec![AGENCIES[rng.below(AGENCIES.len())].into()],
                levels: vec![if rng.below(2) == 0 { Level::Province } else { Level::Commune }],
                online_level: OnlineLevel::ALL[rng.below(3)],
                legal_bases: vec![],
                documents: vec![DocumentPart {
                    name_vi: "Đơn đề nghị".into(),
                    name_en: "Application".into(),
                    originals: 1,
                    copies: 0,
                    mandatory: true,
                }],
                fees: vec![],
                processing_time: ProcessingTime { amount: 1 + rng.below(30) as u32, unit: TimeUnit::WorkingDays },
                process: vec![ProcessStep {
                    name_vi: "Xử lý".into(),
                    name_en: "Processing".into(),
                    role: Role::Specialist,
                    agency: StepAgency::Receiving,
                    share_percent: 100,
                }],
                form: vec![],
                identity: RequiredIdentity::Any,
            }
        })
        .collect();
    CatalogDocument { version: CatalogDocument::VERSION, fields: vec![], procedures }
}
