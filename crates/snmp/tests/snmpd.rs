//! Against a real agent: Debian's snmpd, started by the test.

use egov_snmp::testing::TestSnmpd;
use egov_snmp::{oid, Agent, SnmpError, Value};

/// The loopback interface's index as the agent numbers it (`ifDescr` "lo").
async fn loopback(agent: &Agent) -> u32 {
    for i in 1..=16 {
        if let Ok(v) = agent.get(&[&oid::if_descr(i)]).await {
            if v[0] == Value::Text(b"lo".to_vec()) {
                return i;
            }
        }
    }
    panic!("no interface named lo among the first 16");
}

#[tokio::test]
async fn the_loopback_counters_are_read_and_grow_with_traffic_sent_through_it() {
    let snmpd = TestSnmpd::start().await;
    let agent = snmpd.agent();
    let lo = loopback(&agent).await;
    let (i, o) = (oid::if_hc_in_octets(lo), oid::if_hc_out_octets(lo));
    let before = agent.get(&[&i, &o, oid::SYS_UPTIME]).await.unwrap();
    assert!(matches!(before[0], Value::Counter64(_)), "{before:?}");
    assert!(matches!(before[2], Value::TimeTicks(_)), "{before:?}");
    // one megabyte over loopback TCP
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let reader = std::thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        std::io::copy(&mut s, &mut std::io::sink()).unwrap()
    });
    let mut c = std::net::TcpStream::connect(addr).unwrap();
    std::io::Write::write_all(&mut c, &vec![7u8; 1 << 20]).unwrap();
    drop(c);
    assert_eq!(reader.join().unwrap(), 1 << 20);
    // the agent caches interface counters a few seconds: ask until they move
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let after = agent.get(&[&i, &o]).await.unwrap();
        let grew = after[0].as_u64().unwrap() - before[0].as_u64().unwrap();
        if grew >= 1 << 20 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "counters grew by {grew} only");
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    // an object the agent has not, and a community it refuses (no answer: a timeout)
    match agent.get(&["1.3.6.1.2.1.31.1.1.1.6.999999"]).await {
        Err(SnmpError::NoSuchObject(o)) => assert!(o.ends_with("999999")),
        other => panic!("{other:?}"),
    }
    let wrong =
        Agent { community: "wrong".into(), timeout: std::time::Duration::from_millis(300), retries: 1, ..agent };
    assert!(matches!(wrong.get(&[oid::SYS_UPTIME]).await, Err(SnmpError::Timeout(_))));
}
