//! The app killed (SIGKILL) while an inspector answers a checklist, again and again:
//! each restart resumes the same draft and finds every answer it had saved, exactly.

// A test fails loudly on the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anjian_api::{App, Config};
use serde_json::json;

#[test]
fn every_saved_answer_survives_a_kill() {
    let dir = tempfile::tempdir().unwrap();
    let mut saved: BTreeMap<String, String> = BTreeMap::new();
    let mut round = 0u64;
    loop {
        round += 1;
        assert!(round < 200, "the checklist never finished");
        let mut child =
            Command::new(env!("CARGO_BIN_EXE_inspect-writer")).arg(dir.path()).stdout(Stdio::piped()).spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let want = 2 + round % 5;
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut seen = 0;
        let mut done = false;
        while seen < want && !done && Instant::now() < deadline {
            // A writer that stops by itself has failed (its error is on stderr).
            if let Some(status) = child.try_wait().unwrap() {
                panic!("round {round}: the writer exited on its own: {status}");
            }
            if let Ok(line) = rx.recv_timeout(Duration::from_millis(50)) {
                done = line == "done";
                if let Some((code, result)) = line.split_once(' ') {
                    saved.insert(code.to_owned(), result.to_owned());
                }
                seen += 1;
            }
        }
        child.kill().unwrap();
        child.wait().unwrap();
        reader.join().unwrap();
        for line in rx.try_iter() {
            done |= line == "done";
            if let Some((code, result)) = line.split_once(' ') {
                saved.insert(code.to_owned(), result.to_owned());
            }
        }
        // Restart: the same draft, with every saved answer and its note.
        let app =
            App::open(&Config { demo: true, ..Config::new(dir.path().to_owned(), anjian_tests::test_keys()) }).unwrap();
        let drafts = app.call("list_inspections", json!({ "status": "draft" })).unwrap();
        assert_eq!(drafts.as_array().unwrap().len(), 1, "round {round}: one draft, resumed");
        let view = app.call("get_inspection", json!({ "id": drafts[0]["id"] })).unwrap();
        let answers: BTreeMap<String, (String, String)> = view["answers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["itemCode"].as_str().unwrap().to_owned(),
                    (a["result"].as_str().unwrap().to_owned(), a["note"].as_str().unwrap().to_owned()),
                )
            })
            .collect();
        for (code, result) in &saved {
            let (got, note) = answers.get(code).unwrap_or_else(|| panic!("round {round}: answer {code} lost"));
            assert_eq!(got, result);
            assert_eq!(note, &format!("{code} 现场记录\n第二行"));
        }
        if done {
            assert_eq!(answers.len() as u64, view["progress"]["total"].as_u64().unwrap());
            break;
        }
    }
    assert!(round > 3);
}
