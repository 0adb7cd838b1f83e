//! The bureau's command line: a misspelt flag is refused (never silently ignored, so
//! nothing is written to a database nobody named), every command has --help, and the
//! database and address can come from the environment.

#![allow(clippy::expect_used)]
use std::path::Path;
use std::process::{Command, Output};

fn server(args: &[&str], env: &[(&str, &Path)], data: &Path) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_anjian-server"));
    c.args(args).env_remove("ANJIAN_DATABASE").env_remove("ANJIAN_LISTEN").env("ANJIAN_SERVER_DATA", data);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run anjian-server")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn misspelt_flags_are_refused_and_write_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("x.csv");
    std::fs::write(&csv, "单位名称,统一社会信用代码\n").expect("csv");
    let named = dir.path().join("d.db");
    let csv = csv.to_str().expect("utf-8 path");
    let cases: [&[&str]; 4] = [
        &["import", csv, "--databse", named.to_str().expect("path")],
        &["serve", "--lisen", "127.0.0.1:0"],
        &["enrol", "--name", "王磊", "--cert", "11010923001", "--dtabase", "x.db"],
        &["grant", "--device", "d1", "--kind", "order"],
    ];
    for args in cases {
        let out = server(args, &[], dir.path());
        assert_eq!(out.status.code(), Some(2), "{args:?} exits with a usage error");
        let err = text(&out.stderr);
        assert!(err.contains("error:"), "{args:?}: {err}");
        assert!(!out.stdout.iter().any(|_| true), "{args:?} printed {}", text(&out.stdout));
    }
    assert!(!named.exists() && !dir.path().join("district.db").exists(), "no database was created");
}

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().expect("tempdir");
    for command in [
        "serve",
        "enrol",
        "devices",
        "revoke",
        "import",
        "publish-checklist",
        "grant",
        "number-conflicts",
        "user add",
        "user reset",
        "user list",
    ] {
        let mut args: Vec<&str> = command.split(' ').collect();
        args.push("--help");
        let out = server(&args, &[], dir.path());
        assert!(out.status.success(), "{command} --help");
        let help = text(&out.stdout);
        assert!(help.contains("--database") && help.contains("Usage"), "{command}: {help}");
    }
    let out = server(&["--help"], &[], dir.path());
    assert!(text(&out.stdout).contains("publish-checklist"));
}

#[test]
fn the_database_comes_from_the_flag_the_environment_or_the_data_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let from_env = dir.path().join("env.db");
    let out = server(&["devices"], &[("ANJIAN_DATABASE", &from_env)], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(from_env.exists(), "ANJIAN_DATABASE names the database");

    let from_flag = dir.path().join("flag.db");
    let out = server(
        &["devices", "--database", from_flag.to_str().expect("path")],
        &[("ANJIAN_DATABASE", &from_env)],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(from_flag.exists(), "the flag wins over the environment");

    let out = server(&["number-conflicts"], &[], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.path().join("district.db").exists(), "ANJIAN_SERVER_DATA holds the default database");
}

#[test]
fn a_bad_listen_address_from_the_environment_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = server(&["serve"], &[("ANJIAN_LISTEN", Path::new("not-an-address"))], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("ANJIAN_LISTEN") || text(&out.stderr).contains("listen"),
        "{}",
        text(&out.stderr)
    );
}
