//! Child process of the encryption test: opens the store in a data directory (which
//! encrypts a plain store of an earlier version), prints `open`, and exits.
//!
//! open-store <data dir>

use std::io::Write;

fn main() {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: open-store <data dir>");
        std::process::exit(2);
    };
    match anjian_store::Store::open(std::path::Path::new(&dir), anjian_tests::test_keys().as_ref()) {
        Ok(_) => {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "open").and_then(|_| out.flush());
        }
        Err(e) => {
            eprintln!("open-store: {e}");
            std::process::exit(1);
        }
    }
}
