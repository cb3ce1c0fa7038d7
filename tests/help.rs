//! `--help` of the command and each subcommand, snapshot-tested.

use crate::util::{run, stdout};

fn help(args: &[&str]) -> String {
    let out = run(args);
    assert_eq!(out.status.code(), Some(0));
    stdout(&out)
}

#[test]
fn top_level_help() {
    insta::assert_snapshot!("help", help(&["--help"]));
}

#[test]
fn show_help() {
    insta::assert_snapshot!("show_help", help(&["show", "--help"]));
}

#[test]
fn version_names_the_package_version() {
    let text = help(&["--version"]);
    assert_eq!(
        text.trim(),
        format!("crashscope {}", env!("CARGO_PKG_VERSION"))
    );
}
