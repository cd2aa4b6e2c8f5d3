//! An amount of đồng in Vietnamese words, as a receipt writes it beside the
//! figures ("Một triệu hai trăm nghìn đồng"): groups of three digits read
//! with their scale (nghìn, triệu, tỷ); an inner group read in full
//! ("không trăm", "linh"); the spoken forms of units after a ten — mốt
//! (21), tư (24), lăm (15, 25) — and mười for the first ten.

const DIGITS: [&str; 10] = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"];
const SCALES: [&str; 7] = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ", "tỷ tỷ"];

/// A group of three digits; `full` when a group stands before it (its
/// hundreds then read even when none, "không trăm").
fn group(n: u64, full: bool, out: &mut Vec<&'static str>) {
    let (h, t, u) = ((n / 100) as usize, (n / 10 % 10) as usize, (n % 10) as usize);
    if full || h > 0 {
        out.extend([DIGITS[h], "trăm"]);
    }
    match t {
        0 if u > 0 && (full || h > 0) => out.push("linh"),
        0 => {}
        1 => out.push("mười"),
        t => out.extend([DIGITS[t], "mươi"]),
    }
    match u {
        0 => {}
        1 if t > 1 => out.push("mốt"),
        4 if t > 1 => out.push("tư"),
        5 if t > 0 => out.push("lăm"),
        u => out.push(DIGITS[u]),
    }
}

/// The amount in words, capitalised, ending in "đồng".
pub fn in_words(amount: u64) -> String {
    let mut groups = Vec::new();
    let mut n = amount;
    while n > 0 {
        groups.push(n % 1000);
        n /= 1000;
    }
    let mut out: Vec<&'static str> = Vec::new();
    if groups.is_empty() {
        out.push("không");
    }
    let top = groups.len().saturating_sub(1);
    for (i, g) in groups.iter().enumerate().rev() {
        if *g == 0 {
            continue;
        }
        group(*g, i < top, &mut out);
        if !SCALES[i].is_empty() {
            out.push(SCALES[i]);
        }
    }
    out.push("đồng");
    let text = out.join(" ");
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
