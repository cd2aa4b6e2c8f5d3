use super::*;
use crate::testing::{TestClamd, EICAR, SIGNATURE};

#[test]
fn addresses_are_a_local_socket_or_tcp() {
    assert_eq!("unix:/run/clamav/clamd.ctl".parse::<Address>().unwrap(), Address::Unix("/run/clamav/clamd.ctl".into()));
    assert_eq!("tcp://127.0.0.1:3310".parse::<Address>().unwrap(), Address::Tcp("127.0.0.1:3310".into()));
    for bad in ["", "/run/clamd.ctl", "unix:relative", "tcp://host", "tcp://:3310", "tcp://h:0", "http://h:1"] {
        assert!(bad.parse::<Address>().is_err(), "{bad}");
    }
    assert_eq!(Address::Tcp("h:1".into()).to_string(), "tcp://h:1");
}

#[test]
fn answers_are_read_strictly() {
    assert_eq!(verdict("stream: OK").unwrap(), Verdict::Clean);
    assert_eq!(verdict("stream: Eicar-Signature FOUND").unwrap(), Verdict::Infected("Eicar-Signature".into()));
    assert!(matches!(verdict("INSTREAM size limit exceeded. ERROR"), Err(ClamdError::Refused(_))));
    assert!(matches!(verdict("stream: something"), Err(ClamdError::Protocol(_))));
}

#[tokio::test]
async fn a_real_clamd_finds_the_test_file_in_a_stream_and_passes_the_rest() {
    let mut d = TestClamd::start().await;
    let c = d.client();
    c.ping().await.unwrap();
    assert!(c.version().await.unwrap().starts_with("ClamAV "));
    assert_eq!(c.scan(EICAR).await.unwrap(), Verdict::Infected(format!("{SIGNATURE}.UNOFFICIAL")));
    // inside a larger file, across the chunks' boundary
    let mut big = vec![b'a'; CHUNK - 20];
    big.extend_from_slice(EICAR);
    big.extend(std::iter::repeat_n(b'z', 3 * CHUNK));
    assert!(matches!(c.scan(&big).await.unwrap(), Verdict::Infected(_)));
    assert_eq!(c.scan(b"%PDF-1.4 nothing to see").await.unwrap(), Verdict::Clean);
    assert_eq!(c.scan(b"").await.unwrap(), Verdict::Clean);
    d.stop();
    assert!(matches!(c.scan(b"x").await, Err(ClamdError::Unreachable(..))));
}

#[tokio::test]
async fn a_stream_past_clamds_limit_is_refused_not_passed() {
    let d = TestClamd::start().await;
    let big = vec![b'a'; 65 << 20];
    assert!(matches!(d.client().scan(&big).await, Err(ClamdError::Refused(_)) | Err(ClamdError::Unreachable(..))));
}
