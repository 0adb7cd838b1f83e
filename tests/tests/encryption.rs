//! The store at rest: what an inspector writes through the app is found in no file under
//! the data directory; a plain store of an earlier version is encrypted once and keeps
//! everything, and a kill at any moment of that leaves the old store or the new one
//! whole; a missing or wrong key is refused and touches nothing.

// A test fails loudly on the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anjian_api::{App, Config, KeyStore, MemoryKeys, StoreKey};
use anjian_tests::district::Rng;
use anjian_tests::inspect::SIGNATURE_PNG;
use base64::Engine;
use serde_json::{Value, json};

/// What the inspector writes: a note and a hazard's description.
const SENTENCE: &str = "配电箱门锁损坏，箱内积水，漏电保护器试跳失灵，现场未设警示标志";

/// A photo of the site: a JPEG's first bytes and then bytes no other file holds.
fn photo(seed: u64, len: usize) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend((4..len).map(|_| rng.next_u64() as u8));
    bytes
}

/// Every file under `dir` with its bytes.
fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

fn holds(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The files under `dir` that hold the sentence or a piece of the photo.
fn readable(dir: &Path, photo: &[u8]) -> Vec<PathBuf> {
    let piece = &photo[photo.len() / 2..photo.len() / 2 + 48];
    files_under(dir)
        .into_iter()
        .filter(|(_, bytes)| holds(bytes, SENTENCE.as_bytes()) || holds(bytes, piece))
        .map(|(path, _)| path)
        .collect()
}

fn open(dir: &Path, keys: Arc<dyn KeyStore>) -> Result<App, anjian_api::ApiError> {
    App::open(&Config { demo: true, ..Config::new(dir.to_owned(), keys) })
}

/// An inspection as an inspector records it: one item not compliant with the sentence as
/// its note and the photo, the hazard described by the sentence, signed; then its record
/// issued as a document. The inspection's id and the photo's hash.
fn inspect_with_photo(app: &App, photo: &[u8]) -> (Value, String) {
    let colleague = anjian_tests::officers(app, ("王磊", "11010923001"), ("李娜", "11010923002")).unwrap();
    let enterprise =
        app.call("search_enterprises", json!({ "sector": "crowded", "limit": 1 })).unwrap()["items"][0]["id"].clone();
    let template = app.call("list_templates", json!({ "sector": "crowded" })).unwrap()[0].clone();
    let view = app
        .call(
            "start_inspection",
            json!({ "enterpriseId": enterprise, "templateId": template["id"], "templateVersion": template["version"], "colleagueId": colleague, "accompanyingPerson": "值班经理" }),
        )
        .unwrap();
    let inspection = view["inspection"]["id"].clone();
    let data = base64::engine::general_purpose::STANDARD.encode(photo);
    let sha =
        app.call("add_attachment", json!({ "mime": "image/jpeg", "dataBase64": data })).unwrap()["sha256"].clone();
    let items = anjian_tests::checklist_items(&view);
    for (n, item) in items.iter().enumerate() {
        let (result, note, photos) =
            if n == 0 { ("nonCompliant", SENTENCE, json!([sha])) } else { ("compliant", "", json!([])) };
        app.call("put_answer", json!({ "inspectionId": inspection, "itemCode": item["code"], "result": result, "note": note, "photos": photos }))
            .unwrap();
    }
    let sig =
        app.call("add_attachment", json!({ "mime": "image/png", "dataBase64": SIGNATURE_PNG })).unwrap()["sha256"]
            .clone();
    let deadline = (chrono::Utc::now() + chrono::Duration::days(10)).date_naive().to_string();
    let signatures = json!([{ "role": "officer1", "sha256": sig }, { "role": "officer2", "sha256": sig }, { "role": "unit", "refused": true }]);
    app.call(
        "finish_inspection",
        json!({ "inspectionId": inspection, "hazards": [{ "description": SENTENCE, "level": "general", "deadline": deadline, "itemCode": items[0]["code"] }], "signatures": signatures }),
    )
    .unwrap();
    (inspection, sha.as_str().unwrap().to_owned())
}

/// The inspection reads back whole: the note, the photo's bytes, the hazard.
fn reads_back(app: &App, inspection: &Value, sha: &str, photo: &[u8]) {
    let view = app.call("get_inspection", json!({ "id": inspection })).unwrap();
    assert_eq!(view["inspection"]["status"], "finished");
    assert!(view["answers"].as_array().unwrap().iter().any(|a| a["note"] == SENTENCE));
    let data = app.call("get_attachment", json!({ "sha256": sha })).unwrap();
    assert_eq!(base64::engine::general_purpose::STANDARD.decode(data["dataBase64"].as_str().unwrap()).unwrap(), photo);
    let hazards = app.call("hazard_ledger", json!({ "text": "漏电保护器" })).unwrap();
    assert_eq!(hazards["counts"]["total"], 1, "{hazards}");
}

/// SQLite's integrity check and the audit chain, whole.
fn sound(dir: &Path, keys: &dyn KeyStore) {
    let store = anjian_store::Store::open(dir, keys).unwrap();
    store.integrity_check().unwrap();
    assert_eq!(store.verify_audit_chain().unwrap().first_broken, None);
}

#[test]
fn nothing_written_through_the_app_is_readable_under_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let keys: Arc<dyn KeyStore> = Arc::new(MemoryKeys::empty());
    let app = open(dir.path(), keys.clone()).unwrap();
    let photo = photo(1, 96 * 1024);
    let (inspection, sha) = inspect_with_photo(&app, &photo);
    // While the app is open (the write-ahead log holds the latest pages) and after.
    assert_eq!(readable(dir.path(), &photo), Vec::<PathBuf>::new());
    reads_back(&app, &inspection, &sha, &photo);
    drop(app);
    assert_eq!(readable(dir.path(), &photo), Vec::<PathBuf>::new());
    // Not even the demo enterprises' names, nor SQLite's own header.
    for (path, bytes) in files_under(dir.path()) {
        assert!(!holds(&bytes, "门头沟".as_bytes()), "{} holds readable text", path.display());
        assert!(!bytes.starts_with(b"SQLite format 3"), "{} is a plain database", path.display());
    }
    // The key is in the key store (the system's secret store in the app), not on disk.
    let key = keys.load().unwrap().unwrap();
    for (path, bytes) in files_under(dir.path()) {
        assert!(!holds(&bytes, key.as_bytes()), "{} holds the key", path.display());
        assert!(!holds(&bytes, key.sqlcipher_key().as_bytes()), "{} holds the database key", path.display());
    }
    let app = open(dir.path(), keys).unwrap();
    reads_back(&app, &inspection, &sha, &photo);
}

/// A store as the version before encryption left it: the same database unencrypted
/// (SQLCipher's export with an empty key), the attachments as plain files.
fn plain_copy_of(app: &App, data_dir: &Path, key: &StoreKey, target: &Path) {
    std::fs::create_dir_all(target).unwrap();
    let conn = rusqlite::Connection::open(data_dir.join("encrypted").join("anjian.db")).unwrap();
    conn.pragma_update(None, "key", key.sqlcipher_key()).unwrap();
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    conn.execute("ATTACH DATABASE ?1 AS plain KEY ''", [target.join("anjian.db").to_str().unwrap()]).unwrap();
    conn.query_row("SELECT sqlcipher_export('plain')", [], |_| Ok(())).unwrap();
    conn.execute_batch(&format!("PRAGMA plain.user_version = {version}; DETACH DATABASE plain;")).unwrap();
    let shas: Vec<String> = conn
        .prepare("SELECT sha256 FROM attachment")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for sha in shas {
        let data = app.call("get_attachment", json!({ "sha256": sha })).unwrap();
        let bytes = base64::engine::general_purpose::STANDARD.decode(data["dataBase64"].as_str().unwrap()).unwrap();
        let path = target.join("attachments").join(&sha[..2]).join(&sha);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// A plain store with the inspection, and `extra` more photos: the inspection's id, the
/// photo's hash and the photo.
fn plain_store(target: &Path, extra: usize) -> (Value, String, Vec<u8>) {
    let source = tempfile::tempdir().unwrap();
    let keys = anjian_tests::test_keys();
    let app = open(source.path(), keys.clone()).unwrap();
    let photo = photo(2, 64 * 1024);
    let (inspection, sha) = inspect_with_photo(&app, &photo);
    for n in 0..extra {
        let data = base64::engine::general_purpose::STANDARD.encode(self::photo(100 + n as u64, 64 * 1024));
        app.call("add_attachment", json!({ "mime": "image/jpeg", "dataBase64": data })).unwrap();
    }
    plain_copy_of(&app, source.path(), &keys.load().unwrap().unwrap(), target);
    (inspection, sha, photo)
}

#[test]
fn a_plain_store_is_encrypted_once_and_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let (inspection, sha, photo) = plain_store(dir.path(), 0);
    // The earlier version's files are readable: what this change is about.
    assert!(!readable(dir.path(), &photo).is_empty());
    assert!(files_under(dir.path()).values().any(|b| b.starts_with(b"SQLite format 3")));

    let keys: Arc<dyn KeyStore> = Arc::new(MemoryKeys::empty());
    let app = open(dir.path(), keys.clone()).unwrap();
    assert!(keys.load().unwrap().is_some(), "a key was made and kept in the key store");
    assert_eq!(readable(dir.path(), &photo), Vec::<PathBuf>::new());
    assert!(!dir.path().join("anjian.db").exists() && !dir.path().join("attachments").exists());
    reads_back(&app, &inspection, &sha, &photo);
    drop(app);
    sound(dir.path(), keys.as_ref());
    let app = open(dir.path(), keys).unwrap();
    reads_back(&app, &inspection, &sha, &photo);
}

/// An earlier version run again after the conversion (a downgrade) writes a plain store
/// beside the encrypted one: its work is set aside, never deleted, and the encrypted store
/// stays as it was.
#[test]
fn a_plain_store_written_after_the_conversion_is_kept_aside() {
    let dir = tempfile::tempdir().unwrap();
    let (inspection, sha, photo) = plain_store(dir.path(), 0);
    let keys: Arc<dyn KeyStore> = Arc::new(MemoryKeys::empty());
    drop(open(dir.path(), keys.clone()).unwrap());
    let later = tempfile::tempdir().unwrap();
    let (_, later_sha, later_photo) = plain_store(later.path(), 0);
    copy_tree(later.path(), dir.path());

    let app = open(dir.path(), keys).unwrap();
    reads_back(&app, &inspection, &sha, &photo);
    assert!(!dir.path().join("anjian.db").exists(), "the plain store is still where the app would read it");
    let kept: Vec<PathBuf> =
        std::fs::read_dir(dir.path().join("unencrypted-kept")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let conn = rusqlite::Connection::open(kept[0].join("anjian.db")).unwrap();
    let n: i64 = conn.query_row("SELECT count(*) FROM attachment", [], |r| r.get(0)).unwrap();
    assert!(n >= 1);
    let kept_photo = std::fs::read(kept[0].join("attachments").join(&later_sha[..2]).join(&later_sha)).unwrap();
    assert_eq!(kept_photo, later_photo);
}

#[test]
fn a_missing_or_wrong_key_is_refused_and_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let keys: Arc<dyn KeyStore> = Arc::new(MemoryKeys::empty());
    let photo = photo(3, 8 * 1024);
    let (inspection, sha) = inspect_with_photo(&open(dir.path(), keys.clone()).unwrap(), &photo);
    let before = files_under(dir.path());

    let missing: Arc<dyn KeyStore> = Arc::new(MemoryKeys::empty());
    let err = open(dir.path(), missing.clone()).unwrap_err();
    assert_eq!(err.code, "key_missing");
    assert!(err.message.contains("密钥"), "{}", err.message);
    assert_eq!(missing.load().unwrap(), None, "no new key is made for a store that has one");

    let wrong: Arc<dyn KeyStore> = Arc::new(MemoryKeys::holding(StoreKey::generate()));
    let err = open(dir.path(), wrong).unwrap_err();
    assert_eq!(err.code, "key_wrong");
    assert!(err.message.contains("密钥不符"), "{}", err.message);

    assert!(files_under(dir.path()) == before, "a refused key changed a file");
    reads_back(&open(dir.path(), keys).unwrap(), &inspection, &sha, &photo);
}

/// Copies a directory tree.
fn copy_tree(from: &Path, to: &Path) {
    for (path, bytes) in files_under(from) {
        let target = to.join(path.strip_prefix(from).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
}

/// When `open-store` is killed: after a time, or as soon as the encrypted store appears.
#[derive(Debug, Clone, Copy)]
enum Kill {
    After(Duration),
    OnSwitch,
}

/// Starts `open-store` on `dir` and kills it (SIGKILL) as `kill` says, unless it finished
/// first: whether it had finished.
fn open_store_killed(dir: &Path, kill: Kill) -> bool {
    let mut child = Command::new(env!("CARGO_BIN_EXE_open-store")).arg(dir).stdout(Stdio::piped()).spawn().unwrap();
    match kill {
        Kill::After(after) => std::thread::sleep(after),
        Kill::OnSwitch => {
            let deadline = Instant::now() + Duration::from_secs(30);
            while !dir.join("encrypted").exists() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_micros(50));
            }
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    line.trim() == "open"
}

#[test]
fn a_kill_while_a_plain_store_is_encrypted_leaves_one_store_whole() {
    let template = tempfile::tempdir().unwrap();
    // Enough photos that encrypting them takes a while to land kills in.
    let (inspection, sha, photo) = plain_store(template.path(), 120);
    let plain = files_under(template.path());

    // How long a whole conversion takes in a child process, start included.
    let mut whole = Duration::ZERO;
    for _ in 0..3 {
        let d = tempfile::tempdir().unwrap();
        copy_tree(template.path(), d.path());
        let t = Instant::now();
        let status = Command::new(env!("CARGO_BIN_EXE_open-store")).arg(d.path()).output().unwrap();
        assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
        whole = whole.max(t.elapsed());
    }

    // Kills spread over the whole conversion, then kills just after the switch (while
    // the plain files are removed and the encrypted store first opens).
    let timed = 10u32;
    let kills = (0..timed).map(|n| Kill::After(whole * n / timed)).chain([Kill::OnSwitch; 6]);
    let (mut before_switch, mut after_switch, mut finished) = (0, 0, 0);
    for (round, kill) in kills.enumerate() {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(template.path(), dir.path());
        let done = open_store_killed(dir.path(), kill);
        if done {
            finished += 1;
        } else if dir.path().join("encrypted").is_dir() {
            after_switch += 1;
        } else {
            before_switch += 1;
            // The old store, untouched: every file as it was.
            for (path, bytes) in &plain {
                let here = dir.path().join(path.strip_prefix(template.path()).unwrap());
                assert!(std::fs::read(&here).unwrap() == *bytes, "round {round}: {} changed", here.display());
            }
        }
        // Whichever store stands opens whole, encrypted, with everything.
        let app = open(dir.path(), anjian_tests::test_keys()).unwrap();
        reads_back(&app, &inspection, &sha, &photo);
        drop(app);
        sound(dir.path(), anjian_tests::test_keys().as_ref());
        assert_eq!(readable(dir.path(), &photo), Vec::<PathBuf>::new(), "round {round}");
        assert!(!dir.path().join("encrypted.partial").exists() && !dir.path().join("anjian.db").exists());
    }
    eprintln!(
        "conversion of {} files in {whole:?}; killed before the switch {before_switch}, after it {after_switch}, finished {finished}",
        plain.len()
    );
    assert!(before_switch >= 4, "too few kills landed before the switch");
    assert!(after_switch >= 3, "too few kills landed after the switch");
}
