//! One integration-test binary (`autotests = false`): each module tests one capability
//! through the built `crashscope` binary, as a user would run it.

mod util;

mod aliasing;
mod audit;
mod bad_input;
mod conformance;
mod consent_view;
mod database;
mod discover;
mod ecosystem;
mod escaping;
mod fingerprints;
mod generated;
mod help;
mod hostile;
mod html_page;
mod matcher;
mod memory_shapes;
mod not_read;
mod outputs;
mod pii;
mod planted_services;
mod protocol_shapes;
mod real_world;
mod scale;
mod scrub;
mod show;
mod snapshots;
mod symbol_server;
mod unclaimed;
mod upload_parts;
mod upstream_rules;
mod whose_data;
