//! Fees and payments, pure (issue 22): the VietQR bank-transfer payload
//! ([`vietqr`], on EMVCo's TLV encoding, [`emv`]), a payment request's
//! states and the one function per transition ([`payment`]), and an
//! amount in Vietnamese words as a receipt writes it ([`words`]). No I/O,
//! no clock.

pub mod account;
pub mod emv;
pub mod payment;
pub mod reconcile;
pub mod redirect;
pub mod vietqr;
pub mod words;

/// Whether two signatures (hex) are the same, compared in constant time.
pub(crate) fn same_signature(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A field's problem: the input's name and the i18n key of its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub key: &'static str,
}

#[cfg(test)]
mod tests;
