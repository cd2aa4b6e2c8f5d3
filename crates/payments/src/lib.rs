//! Fees and payments, pure (issue 22): the VietQR bank-transfer payload
//! ([`vietqr`], on EMVCo's TLV encoding, [`emv`]), a payment request's
//! states and the one function per transition ([`payment`]), and an
//! amount in Vietnamese words as a receipt writes it ([`words`]). No I/O,
//! no clock.

pub mod emv;
pub mod payment;
pub mod redirect;
pub mod vietqr;
pub mod words;

#[cfg(test)]
mod tests;
