//! The parts of the `egov` binary that its tests also use.

pub mod anchor;
pub mod bench_data;
pub mod bench_plan;
pub mod demo;
pub mod demo_incidents;
pub mod demo_network;
pub mod demo_news;
pub mod demo_payments;
pub mod demo_plan;
pub mod demo_protection;
pub mod demo_radio;
pub mod deploy;
pub mod providers;
pub mod signing;
