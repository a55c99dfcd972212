//! The web service's HTTP-level tests, one test binary for all of them: each module holds a
//! capability's tests, all sharing `common` (an in-process application over SQLite, or PostgreSQL
//! when `CONCORD_TEST_DATABASE` is set). One binary compiles the shared helpers and the generic
//! code they use once, rather than once per file.

mod common;

mod agree;
mod authz_matrix;
mod board_pack;
mod consultations;
mod delivery;
mod design;
mod exchange;
mod finance;
mod grants;
mod home;
mod http;
mod measure;
mod notifications;
mod openapi;
mod pack_issue;
mod population;
mod pulse;
mod refer;
mod refer_pages;
mod referrals;
mod referrals_demo;
mod referrals_fhir;
mod search;
mod security;
