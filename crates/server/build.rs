//! Puts the built console (`ui/dist-console`, made by `npm run build:console`) into the
//! binary, so `anjian-server serve` needs nothing beside it. Without a built console the
//! list is empty and `/` says how to build it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let ui = manifest.join("../../ui");
    let dist = ui.join("dist-console");
    let mut files = Vec::new();
    if dist.is_dir() {
        walk(&dist, &mut files);
        println!("cargo:rerun-if-changed={}", dist.display());
    } else {
        // Added or removed entries change the folder's time: a first build is noticed.
        println!("cargo:rerun-if-changed={}", ui.display());
    }
    files.sort();
    let mut out = String::from("pub(crate) static ASSETS: &[(&str, &str, &[u8])] = &[\n");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let path = file.strip_prefix(&dist).unwrap_or(file).to_string_lossy().replace('\\', "/");
        let _ = writeln!(
            out,
            "    ({:?}, {:?}, include_bytes!({:?})),",
            format!("/{path}"),
            mime(file),
            file.display().to_string()
        );
    }
    out.push_str("];\n");
    let target = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("console_assets.rs");
    if std::fs::read_to_string(&target).ok().as_deref() != Some(out.as_str()) {
        std::fs::write(&target, out).unwrap_or_else(|e| panic!("cannot write {}: {e}", target.display()));
    }
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            walk(&path, files);
        } else {
            files.push(path);
        }
    }
}

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" | "otf" => "font/ttf",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
