use crate::emv::{checked, crc16, objects, EmvError};
use crate::payment::{expire, fail, holds, match_amount, pay, refund, Due, Match, Stage, State};
use crate::vietqr::{purpose_text, QrError, Service, Transfer};
use crate::words::in_words;

/// The example NAPAS's VietQR specification publishes (a transfer of
/// 120,000 đồng to account 0011001932418 at BIN 970415, "ung ho lu lut").
const PUBLISHED: &str = "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN62170813ung ho lu lut6304C15C";

#[test]
fn the_checksum_is_crc16_ccitt_false() {
    // the catalogue's check value of CRC-16/CCITT-FALSE
    assert_eq!(crc16(b"123456789"), 0x29B1);
    assert_eq!(crc16(b""), 0xFFFF);
}

#[test]
fn the_published_example_reads_and_is_written_back_byte_for_byte() {
    let t = Transfer::parse(PUBLISHED).unwrap();
    assert_eq!((t.bin(), t.account(), t.service()), ("970415", "0011001932418", Service::ToAccount));
    assert_eq!((t.amount(), t.purpose()), (Some(120_000), "ung ho lu lut"));
    assert_eq!(t.payload(), PUBLISHED);
    // its objects, one level down, as the standard lays them out
    let top = objects(checked(PUBLISHED).unwrap()).unwrap();
    let tags: Vec<u8> = top.iter().map(|(t, _)| *t).collect();
    assert_eq!(tags, [0, 1, 38, 53, 54, 58, 62]);
}

#[test]
fn an_altered_payload_fails_its_checksum_and_a_wrong_field_is_named() {
    let altered = PUBLISHED.replace("5406120000", "5406920000");
    assert!(matches!(Transfer::parse(&altered), Err(QrError::Emv(EmvError::Checksum { .. }))));
    assert_eq!(Transfer::parse("000201"), Err(QrError::Emv(EmvError::NoChecksum)));
    // a well-formed payload in another currency: its checksum right, field 53 wrong
    let usd = crate::emv::with_checksum(&checked(PUBLISHED).unwrap().replace("5303704", "5303840"));
    assert_eq!(Transfer::parse(&usd), Err(QrError::Field("53")));
}

#[test]
fn a_dossier_transfer_is_written_with_its_code_as_purpose_and_reads_back() {
    let t =
        Transfer::new("970436", "1012345678", Service::ToAccount, Some(1_200_000), "H72.50.01-261201-0007").unwrap();
    let p = t.payload();
    assert!(p.starts_with("000201010212"), "dynamic: one transaction with its amount");
    assert!(p.contains("0010A000000727"));
    assert!(p.contains("54071200000"));
    assert!(p.contains("62250821H72.50.01-261201-0007"));
    assert_eq!(Transfer::parse(&p).unwrap(), t);
    // without an amount, a reusable code
    let open = Transfer::new("970436", "1012345678", Service::ToCard, None, "").unwrap();
    assert!(open.payload().starts_with("000201010211"));
    assert_eq!(Transfer::parse(&open.payload()).unwrap(), open);
}

#[test]
fn a_transfer_is_checked_field_by_field() {
    let ok = |bin, acc, amount, purpose| Transfer::new(bin, acc, Service::ToAccount, amount, purpose);
    assert_eq!(ok("97043", "1", None, ""), Err(QrError::Bin));
    assert_eq!(ok("970436", "", None, ""), Err(QrError::Account));
    assert_eq!(ok("970436", "12 34", None, ""), Err(QrError::Account));
    assert_eq!(ok("970436", "1", Some(0), ""), Err(QrError::Amount));
    assert_eq!(ok("970436", "1", None, "Lệ phí đăng ký kết hôn và cấp bản sao"), Err(QrError::Purpose));
    assert_eq!(purpose_text("Lệ phí  đăng ký Đất"), "Le phi dang ky Dat");
}

#[test]
fn amounts_are_written_in_words_as_a_receipt_reads_them() {
    for (n, words) in [
        (0, "Không đồng"),
        (5, "Năm đồng"),
        (10, "Mười đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (24, "Hai mươi tư đồng"),
        (25, "Hai mươi lăm đồng"),
        (105, "Một trăm linh năm đồng"),
        (110, "Một trăm mười đồng"),
        (1_500, "Một nghìn năm trăm đồng"),
        (50_000, "Năm mươi nghìn đồng"),
        (120_000, "Một trăm hai mươi nghìn đồng"),
        (1_200_000, "Một triệu hai trăm nghìn đồng"),
        (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
        (2_000_050, "Hai triệu không trăm năm mươi đồng"),
        (1_000_000_000, "Một tỷ đồng"),
        (3_021_004_015, "Ba tỷ không trăm hai mươi mốt triệu không trăm linh bốn nghìn không trăm mười lăm đồng"),
    ] {
        assert_eq!(in_words(n), words, "{n}");
    }
}

#[test]
fn a_payment_moves_only_as_its_states_allow() {
    assert_eq!(pay(State::Pending), Ok(State::Paid));
    assert_eq!(pay(State::Failed), Ok(State::Paid), "paid on a second attempt");
    assert!(pay(State::Expired).is_err(), "a late transfer is resolved by an official");
    assert!(pay(State::Paid).is_err(), "paid once");
    assert_eq!(fail(State::Pending), Ok(State::Failed));
    assert!(fail(State::Paid).is_err());
    assert_eq!(expire(State::Pending), Ok(State::Expired));
    assert!(expire(State::Paid).is_err());
    assert_eq!(refund(State::Paid), Ok(State::Refunded));
    assert!(refund(State::Pending).is_err());
    assert!(holds(Due::BeforeResult, State::Pending, Stage::Result));
    assert!(!holds(Due::BeforeResult, State::Pending, Stage::Reception), "received first, paid before the result");
    assert!(holds(Due::AtSubmission, State::Failed, Stage::Reception));
    assert!(!holds(Due::AtSubmission, State::Paid, Stage::Result));
    assert_eq!(match_amount(100, 100), Match::Exact);
    assert_eq!(match_amount(100, 60), Match::Short(40));
    assert_eq!(match_amount(100, 130), Match::Over(30));
    for s in State::ALL {
        assert_eq!(State::parse(s.as_str()), Some(s));
    }
}

mod redirect {
    use crate::redirect::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn the_mac_is_hmac_sha512_as_rfc_4231_computes_it() {
        // RFC 4231, test case 2
        assert_eq!(
            hmac_sha512(b"Jefe", b"what do ya want for nothing?"),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
        );
    }

    #[test]
    fn the_signed_string_is_sorted_and_encoded_as_php_does() {
        let p = pairs(&[
            ("vnp_TxnRef", "H72-0007"),
            ("vnp_Amount", "120000000"),
            ("vnp_OrderInfo", "Le phi: ho so H72/0007"),
            ("vnp_SecureHash", "ignored"),
        ]);
        assert_eq!(canonical(&p), "vnp_Amount=120000000&vnp_OrderInfo=Le+phi%3A+ho+so+H72%2F0007&vnp_TxnRef=H72-0007");
        assert_eq!(urlencode("a-b_c.d~é"), "a-b_c.d%7E%C3%A9");
    }

    #[test]
    fn a_signed_notice_reads_and_any_change_breaks_its_signature() {
        let secret = b"RKWSRGSLSCSUGQWGJCKNSYSVJEVWRUAJ";
        let mut p = pairs(&[
            ("vnp_Amount", "120000000"),
            ("vnp_BankCode", "NCB"),
            ("vnp_PayDate", "20261201101500"),
            ("vnp_ResponseCode", "00"),
            ("vnp_TmnCode", "EGOVTEST"),
            ("vnp_TransactionNo", "14226112"),
            ("vnp_TransactionStatus", "00"),
            ("vnp_TxnRef", "H72-0007-1"),
        ]);
        let hash = sign(secret, &p);
        p.push(("vnp_SecureHash".into(), hash.to_uppercase()));
        let n = Notice::verified(secret, &p).unwrap();
        assert_eq!((n.reference.as_str(), n.amount_vnd, n.succeeded()), ("H72-0007-1", 1_200_000, true));
        // an amount changed in the browser
        let mut tampered = p.clone();
        tampered[0].1 = "100".into();
        assert_eq!(Notice::verified(secret, &tampered), Err(RedirectError::BadSignature));
        // another merchant's secret, no signature at all
        assert_eq!(Notice::verified(b"other", &p), Err(RedirectError::BadSignature));
        assert_eq!(Notice::verified(secret, &p[..8]), Err(RedirectError::Unsigned));
    }

    #[test]
    fn the_address_to_the_gateway_carries_the_order_and_verifies() {
        let o = Order {
            terminal: "EGOVTEST".into(),
            reference: "H72-0007-1".into(),
            amount_vnd: 50_000,
            info: "Le phi ho so H72-0007".into(),
            return_url: "https://dichvucong.example/thanh-toan/ve".into(),
            client_ip: "203.0.113.5".into(),
            created: "20261201101500".into(),
            expires: "20261201103000".into(),
            locale: "vn".into(),
        };
        let url = pay_url("https://gateway.example/pay", b"s3cret", &o);
        let query = url.split_once('?').unwrap().1;
        let params: Vec<(String, String)> = query
            .split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                let v = v.replace('+', " ");
                let mut out = Vec::new();
                let b = v.as_bytes();
                let mut i = 0;
                while i < b.len() {
                    if b[i] == b'%' {
                        out.push(u8::from_str_radix(&v[i + 1..i + 3], 16).unwrap());
                        i += 3;
                    } else {
                        out.push(b[i]);
                        i += 1;
                    }
                }
                (k.to_string(), String::from_utf8(out).unwrap())
            })
            .collect();
        assert!(params.contains(&("vnp_Amount".into(), "5000000".into())), "hundredths of a đồng");
        assert!(verify(b"s3cret", &params).is_ok());
    }
}

#[test]
fn an_account_is_checked_at_once_and_the_one_in_force_is_the_latest_begun() {
    use crate::account::{in_force, AccountInput};
    let input = AccountInput {
        bin: "970436".into(),
        account: "1012 345 678".into(),
        holder: "UBND xã Tân Phong".into(),
        service: "to_account".into(),
        from: "2026-01-01".into(),
    };
    let a = input.check().unwrap();
    assert_eq!(a.account, "1012345678", "spaces typed for reading are dropped");
    let bad = AccountInput {
        bin: "97043".into(),
        account: "".into(),
        holder: " ".into(),
        service: "cash".into(),
        from: "2026-02-30".into(),
    };
    let fields: Vec<&str> = bad.check().unwrap_err().iter().map(|p| p.field).collect();
    assert_eq!(fields, ["service", "bin", "account", "holder", "from"]);
    let later =
        AccountInput { account: "2020202020".into(), from: "2026-07-01".into(), ..input.clone() }.check().unwrap();
    let accounts = vec![(1, a.clone()), (2, later)];
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let on = |d: &str| in_force(&accounts, day(d), |x| &x.1).map(|x| x.0);
    assert_eq!(on("2025-12-31"), None);
    assert_eq!(on("2026-06-30"), Some(1));
    assert_eq!(on("2026-07-01"), Some(2));
    // its transfer for a dossier reads back from the payload
    let t = a.transfer(50_000, "H72.50.01-261201-0007").unwrap();
    assert_eq!(Transfer::parse(&t.payload()).unwrap(), t);
}
