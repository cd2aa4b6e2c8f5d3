//! The data-exchange gateway (the province's LGSP) as X-Road models it,
//! pure: who the members and their information systems are ([`id`]), what
//! the registry records of them ([`registry`]), which client may call which
//! service and endpoint ([`access`]), the message log's chain ([`log`]),
//! its seals and archives ([`archive`]).
//! No I/O and no clock: "now" is an argument.

pub mod access;
pub mod archive;
pub mod id;
pub mod log;
pub mod registry;

pub use access::{clean_path, decide, AccessError, Decision, EndpointRule, Grant, Grantee, MethodRule, PathPattern};
pub use id::{IdError, MemberId, Part, ServiceId, SubsystemId};
pub use log::{Bodies, Exchange, Logged, Outcome};
pub use registry::{Credential, LogMode, SubsystemState};
