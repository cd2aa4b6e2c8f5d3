//! The black-box tests, as one test binary: the real server on a random
//! port with a fresh database (SQLite, or PostgreSQL when
//! `EGOV_TEST_BACKEND=postgres`), driven over HTTP, by Chromium, by the
//! command line and by schemathesis, with the typed helpers of `common`.

mod common;

mod access;
mod audit_chain;
mod back_office;
mod bad_input;
mod blobs;
mod browser;
mod calendar;
mod catalog_admin;
mod cluster;
mod contract;
mod deploy_guide;
mod directory;
mod dossiers;
mod fee_gateway;
mod fees;
mod gateway;
mod gateway_api;
mod gateway_federation;
mod gateway_process;
mod hardening;
mod identity;
mod incidents;
mod journeys;
mod mail;
mod network;
mod news;
mod news_journey;
mod news_portal;
mod payments;
mod plan;
mod press_info;
mod process;
mod protection;
mod protection_agent;
mod public;
mod quality;
mod radio;
mod results;
mod signin;
mod signin_op;
mod slips;
