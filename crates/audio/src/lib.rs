//! An audio file checked by decoding it, every packet: what it is (MP3 or
//! WAV, as its bytes say — never its name), how long it plays (the frames
//! decoded over the sample rate), its sample rate and channels. Anything
//! that does not decode — a renamed text file, a truncated or corrupt
//! stream, another format — is refused with the reason.
//! Deliberately absent: I/O (bytes in), transcoding, tags.

use symphonia::core::codecs::{DecoderOptions, CODEC_TYPE_MP3};
use symphonia::core::errors::Error;
use symphonia::core::formats::FormatOptions;
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioFormat {
    Mp3,
    Wav,
}

impl AudioFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            AudioFormat::Mp3 => "mp3",
            AudioFormat::Wav => "wav",
        }
    }
    pub fn parse(s: &str) -> Option<AudioFormat> {
        match s {
            "mp3" => Some(AudioFormat::Mp3),
            "wav" => Some(AudioFormat::Wav),
            _ => None,
        }
    }
    pub fn mime(self) -> &'static str {
        match self {
            AudioFormat::Mp3 => "audio/mpeg",
            AudioFormat::Wav => "audio/wav",
        }
    }
}

/// What the audio says of itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AudioInfo {
    pub format: AudioFormat,
    pub duration_ms: u64,
    pub sample_rate: u32,
    pub channels: u16,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AudioError {
    /// Not a format egov reads (or not audio at all).
    #[error("not MP3 or WAV audio")]
    NotAudio,
    /// The stream breaks off or does not decode.
    #[error("the audio does not decode: {0}")]
    Corrupt(String),
    /// Decodes to nothing.
    #[error("the audio is empty")]
    Empty,
}

/// Decodes the whole file; its facts, or why it is refused.
pub fn probe(bytes: &[u8]) -> Result<AudioInfo, AudioError> {
    let source = MediaSourceStream::new(Box::new(std::io::Cursor::new(bytes.to_vec())), Default::default());
    let probed = symphonia::default::get_probe()
        .format(&Hint::new(), source, &FormatOptions::default(), &MetadataOptions::default())
        .map_err(|_| AudioError::NotAudio)?;
    let mut reader = probed.format;
    let track = reader.default_track().ok_or(AudioError::NotAudio)?;
    let params = track.codec_params.clone();
    let track_id = track.id;
    let format = if params.codec == CODEC_TYPE_MP3 { AudioFormat::Mp3 } else { AudioFormat::Wav };
    let mut decoder =
        symphonia::default::get_codecs().make(&params, &DecoderOptions::default()).map_err(|_| AudioError::NotAudio)?;
    let (mut frames, mut packets, mut bad) = (0u64, 0u64, 0u64);
    let mut rate = params.sample_rate.unwrap_or(0);
    let mut channels = params.channels.map(|c| c.count() as u16).unwrap_or(0);
    loop {
        let packet = match reader.next_packet() {
            Ok(p) => p,
            Err(Error::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(AudioError::Corrupt(e.to_string())),
        };
        if packet.track_id() != track_id {
            continue;
        }
        packets += 1;
        match decoder.decode(&packet) {
            Ok(buf) => {
                frames += buf.frames() as u64;
                let spec = buf.spec();
                rate = spec.rate;
                channels = spec.channels.count() as u16;
            }
            Err(Error::DecodeError(_)) => bad += 1,
            Err(e) => return Err(AudioError::Corrupt(e.to_string())),
        }
    }
    // a stray bad frame is tolerated (as players do); a stream mostly of them is not audio
    if packets > 0 && bad * 10 > packets {
        return Err(AudioError::Corrupt(format!("{bad} of {packets} packets do not decode")));
    }
    if frames == 0 || rate == 0 {
        return Err(AudioError::Empty);
    }
    Ok(AudioInfo { format, duration_ms: frames * 1000 / u64::from(rate), sample_rate: rate, channels })
}

/// A WAV file of a tone (16-bit PCM, mono): for tests and the demo.
pub fn tone_wav(seconds: u32, rate: u32, hz: f32) -> Vec<u8> {
    let n = seconds * rate;
    let data_len = n * 2;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for i in 0..n {
        let t = i as f32 / rate as f32;
        let v = (t * hz * std::f32::consts::TAU).sin() * 0.3 * f32::from(i16::MAX);
        out.extend_from_slice(&(v as i16).to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wav_file_reads_back_its_duration_and_a_renamed_text_file_is_refused() {
        let wav = tone_wav(3, 8000, 440.0);
        let info = probe(&wav).unwrap();
        assert_eq!(info, AudioInfo { format: AudioFormat::Wav, duration_ms: 3000, sample_rate: 8000, channels: 1 });
        assert_eq!(probe(b"Thong bao: hop dan luc 8 gio sang mai.\n"), Err(AudioError::NotAudio));
        assert_eq!(probe(&[]), Err(AudioError::NotAudio));
        // cut to its header: nothing decodes
        assert_eq!(probe(&wav[..44]), Err(AudioError::Empty));
    }
}
