//! The working-day calendar: the Vietnamese lunar calendar, public holidays
//! by rule and by announcement, working hours, and due dates. Pure
//! computation: announcements and settings come in as values.

pub mod lunar;
