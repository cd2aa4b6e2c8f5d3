//! A real MP3, made by LAME from a tone egov writes, decoded by egov: its
//! format and duration read back; the same file cut in half still decodes
//! to about half; its bytes shuffled do not.

use std::process::Command;

#[test]
fn an_mp3_made_by_lame_reads_back_its_duration() {
    if Command::new("lame").arg("--version").output().is_err() {
        assert!(std::env::var("CI").is_err(), "lame is missing (scripts/test.sh installs it)");
        eprintln!("skipped: lame is missing");
        return;
    }
    let dir = std::env::temp_dir().join(format!("egov-audio-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("tone.wav"), egov_audio::tone_wav(5, 22_050, 440.0)).unwrap();
    let out = Command::new("lame")
        .args(["--quiet", "-b", "64"])
        .arg(dir.join("tone.wav"))
        .arg(dir.join("tone.mp3"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mp3 = std::fs::read(dir.join("tone.mp3")).unwrap();
    let info = egov_audio::probe(&mp3).unwrap();
    assert_eq!((info.format, info.sample_rate, info.channels), (egov_audio::AudioFormat::Mp3, 22_050, 1));
    // 5 s, give or take the encoder's padding (one or two frames of 1,152 samples: ~0.1 s)
    assert!((4_900..=5_150).contains(&info.duration_ms), "{info:?}");
    let half = egov_audio::probe(&mp3[..mp3.len() / 2]).unwrap();
    assert!((2_300..=2_700).contains(&half.duration_ms), "{half:?}");
    // every byte after the first frame reversed: not audio any more
    let mut spoiled = mp3.clone();
    let n = spoiled.len();
    spoiled[600..n].reverse();
    assert!(egov_audio::probe(&spoiled).is_err() || egov_audio::probe(&spoiled).unwrap().duration_ms < 1_000);
    std::fs::remove_dir_all(dir).ok();
}
