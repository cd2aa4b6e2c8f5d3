//! The parts of the `egov` binary that its tests also use.

pub mod demo;
