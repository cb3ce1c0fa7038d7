//! crashscope: see what a crash report would share before you consent to send it.
//!
//! The parts follow the data flow of `DESIGN.md`: [`source`] decides what a path is,
//! [`report`] opens one crash report, [`symbols`] walks its stacks, [`render`] prints it,
//! [`commands`] wires one subcommand each, [`cli`] holds the flags. `main.rs` only maps
//! the result to an exit status.

pub mod analysis;
pub mod audit;
pub mod budget;
pub mod cli;
pub mod commands;
pub mod disclosure;
pub mod exit;
pub mod fsutil;
pub mod le;
pub mod pii;
pub mod pool;
pub mod problem;
pub mod render;
pub mod report;
pub mod scrub;
pub mod source;
pub mod symbols;
#[cfg(test)]
mod testutil;
