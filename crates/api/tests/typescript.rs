//! The UI's types are generated from the Rust ones: this fails when the checked-in file
//! is stale. `UPDATE_BINDINGS=1 cargo test -p anjian-api --test typescript` refreshes it.

use std::path::Path;

#[test]
fn generated_typescript_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/backend/generated.ts");
    let fresh = anjian_api::typescript().unwrap_or_else(|clash| panic!("two types share a TypeScript name: {clash}"));
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &fresh).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
    // JSON numbers reach JavaScript as numbers, never as bigint.
    assert!(!fresh.contains("bigint"), "a 64-bit integer crosses as bigint: mark it #[ts(type = \"number\")]");
    let kept = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        kept == fresh,
        "{} is stale: run UPDATE_BINDINGS=1 cargo test -p anjian-api --test typescript and commit it",
        path.display()
    );
}
