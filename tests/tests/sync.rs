//! The real sync client against the real district server (SQLite) on port 0: pull page
//! boundaries, pushes applied once, resumable attachments verified by hash, number blocks,
//! a server restarted mid-sync, and every route's refusal of bad tokens, malformed and
//! oversized bodies and a wrong protocol version.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed step is the test failing

mod support;

use anjian_sync::client::{Client, SyncError};
use anjian_sync::protocol::{self, Outcome, PushBatch, routes};
use sha2::{Digest, Sha256};
use support::{Server, TestDb, batch, both_backends, change, paired, quick};

both_backends!(
    pull_pages_at_every_boundary,
    a_repeated_push_is_applied_once,
    pushes_arriving_together_are_each_applied_once,
    attachments_resume_and_are_verified,
    number_blocks_never_overlap,
    a_server_restarted_mid_sync_loses_and_duplicates_nothing,
    every_route_refuses_bad_tokens_and_bad_bodies,
    a_revoked_device_is_refused_from_its_next_request,
    numbers_used_offline_are_never_granted_and_clashes_are_listed,
    refusals_are_kept_clipped_and_bounded,
    pages_sent_from_kept_text_are_the_pages_of_the_log,
    a_note_of_a_pull_that_cannot_be_written_costs_no_push_and_is_written_later,
);

async fn pull_pages_at_every_boundary(pg: bool) {
    // limit 5: empty, a partial page, an exact page, a page + 1, many pages.
    for n in [0u64, 3, 5, 6, 23] {
        let db = TestDb::new(pg);
        let server = Server::start(&db.db).await;
        let (client, device, _) = paired(&server, &format!("1101092300{n}")).await;
        if n > 0 {
            client.push(&batch(&device, 0, n)).await.expect("push");
        }
        let (mut cursor, mut seen, mut pages) = (0, Vec::new(), 0);
        loop {
            let page = client.pull(cursor, 5).await.expect("pull");
            pages += 1;
            assert!(page.changes.len() <= 5);
            seen.extend(page.changes.iter().map(|c| c.change_id.clone()));
            cursor = page.next;
            if !page.more {
                break;
            }
            assert_eq!(page.changes.len(), 5, "only the last page is short");
        }
        let expected: Vec<String> = (0..n).map(|i| format!("{device}:{i}")).collect();
        assert_eq!(seen, expected, "{n} changes");
        assert_eq!(pages, (n as usize).div_ceil(5).max(1), "{n} changes in pages of 5");
        // After the end: nothing, and the cursor stays.
        let after = client.pull(cursor, 5).await.expect("pull after end");
        assert!(after.changes.is_empty() && !after.more && after.next == cursor);
        server.stop().await;
    }
}

async fn a_repeated_push_is_applied_once(pg: bool) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let (client, device, _) = paired(&server, "11010923001").await;
    let first = client.push(&batch(&device, 0, 10)).await.expect("push");
    assert!(first.results.iter().all(|r| r.outcome == Outcome::Applied));
    // The reply was lost; the device sends the batch again: the same answer, nothing new.
    assert_eq!(client.push(&batch(&device, 0, 10)).await.expect("again"), first);
    // An overlapping batch: the old changes are duplicates, the new ones applied.
    let overlap = client.push(&batch(&device, 5, 15)).await.expect("overlap");
    let outcomes: Vec<Outcome> = overlap.results.iter().map(|r| r.outcome).collect();
    assert_eq!(&outcomes[..5], &[Outcome::Duplicate; 5]);
    assert_eq!(&outcomes[5..], &[Outcome::Applied; 5]);
    assert_eq!(server.with(|s| s.change_count()).await.expect("count"), 15);
    // The same batch id from another device is that device's own batch.
    let (other, other_device, _) = paired(&server, "11010923009").await;
    let theirs = PushBatch { batch_id: format!("{device}-0-10"), changes: vec![change(&other_device, 0)] };
    assert_eq!(other.push(&theirs).await.expect("their batch").results[0].outcome, Outcome::Applied);
    // A batch id sent again with other changes is refused: they would be taken as stored.
    let changed = PushBatch { batch_id: format!("{device}-0-10"), changes: vec![change(&device, 99)] };
    assert!(matches!(client.push(&changed).await, Err(SyncError::Server { status: 409, .. })));
    // A device cannot write in another device's name.
    let forged = PushBatch { batch_id: "forged".into(), changes: vec![change("someone-else", 1)] };
    assert!(matches!(client.push(&forged).await, Err(SyncError::Server { status: 403, .. })));
    assert_eq!(server.with(|s| s.change_count()).await.expect("count"), 16);
    server.stop().await;
}

/// Pushes that arrive together share a transaction on the server: a batch sent again
/// before its answer came, overlapping batches and other devices' batches in one group.
async fn pushes_arriving_together_are_each_applied_once(pg: bool) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let (client, device, _) = paired(&server, "11010923001").await;
    let (other, other_device, _) = paired(&server, "11010923002").await;
    let sent = [batch(&device, 0, 10), batch(&device, 0, 10), batch(&device, 0, 10), batch(&device, 5, 15)];
    let theirs: Vec<PushBatch> = (0..3).map(|k| batch(&other_device, k * 10, k * 10 + 10)).collect();
    let tasks: Vec<_> = sent
        .iter()
        .map(|b| (client.clone(), b.clone()))
        .chain(theirs.iter().map(|b| (other.clone(), b.clone())))
        .map(|(c, b)| tokio::spawn(async move { c.push(&b).await }))
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.expect("task"));
    }
    let first = answers[0].as_ref().expect("push").clone();
    for again in &answers[1..3] {
        assert_eq!(again.as_ref().expect("again"), &first, "the same batch gets the same answer");
    }
    // Each change applied exactly once over the distinct batches.
    let mut applied = std::collections::BTreeMap::new();
    for a in answers.iter().enumerate().filter(|(i, _)| ![1, 2].contains(i)).map(|(_, a)| a.as_ref().expect("push")) {
        for r in a.results.iter().filter(|r| r.outcome == Outcome::Applied) {
            *applied.entry(r.change_id.clone()).or_insert(0) += 1;
        }
    }
    assert_eq!(applied.len(), 45);
    assert!(applied.values().all(|&n| n == 1));
    assert_eq!(server.with(|s| s.change_count()).await.expect("count"), 45);
    // Each batch stored its changes in its order (the overlapping batch may have stored
    // some of the first one's before it).
    let (mut cursor, mut seen) = (0, Vec::new());
    loop {
        let page = client.pull(cursor, 100).await.expect("pull");
        seen.extend(page.changes.iter().map(|c| c.change_id.clone()));
        cursor = page.next;
        if !page.more {
            break;
        }
    }
    for a in answers.iter().enumerate().filter(|(i, _)| ![1, 2].contains(i)).map(|(_, a)| a.as_ref().expect("push")) {
        let stored = a.results.iter().filter(|r| r.outcome == Outcome::Applied);
        let at: Vec<usize> = stored.filter_map(|r| seen.iter().position(|s| *s == r.change_id)).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{} in order", a.batch_id);
    }
    server.stop().await;
}

async fn attachments_resume_and_are_verified(pg: bool) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let (client, _, token) = paired(&server, "11010923001").await;
    // A photo of 2.5 parts.
    let photo: Vec<u8> = (0..(protocol::MAX_PART * 5 / 2)).map(|i| (i * 31 % 251) as u8).collect();
    let sha = hex::encode(Sha256::digest(&photo));
    let other = hex::encode(Sha256::digest(b"signature"));
    let missing = client.missing(&[sha.clone(), other.clone()]).await.expect("missing");
    assert_eq!(missing.missing.len(), 2);
    // The first part arrives, then the connection is cut (we send it by hand).
    let raw = reqwest::Client::new();
    let url = format!("{}{}", server.url, routes::ATTACHMENT.replace("{sha256}", &sha));
    let res = raw
        .put(format!("{url}?offset=0&total={}", photo.len()))
        .header("authorization", format!("Bearer {token}"))
        .body(photo[..protocol::MAX_PART].to_vec())
        .send()
        .await
        .expect("part");
    assert!(res.status().is_success());
    let missing = client.missing(std::slice::from_ref(&sha)).await.expect("missing");
    assert_eq!(missing.missing[0].received, protocol::MAX_PART as u64, "resumes from what arrived");
    client.upload(&sha, &photo).await.expect("upload resumes");
    let stored = sha.clone();
    assert_eq!(server.with(move |s| s.attachment(&stored)).await.expect("stored"), photo);
    assert!(client.missing(std::slice::from_ref(&sha)).await.expect("missing").missing.is_empty());
    // Uploading again is a no-op; bytes that do not hash to the name are refused.
    client.upload(&sha, &photo).await.expect("again");
    let res = raw
        .put(format!("{}{}?offset=0&total=5", server.url, routes::ATTACHMENT.replace("{sha256}", &other)))
        .header("authorization", format!("Bearer {token}"))
        .body(b"wrong".to_vec())
        .send()
        .await
        .expect("wrong");
    assert_eq!(res.status().as_u16(), 409);
    assert!(server.with(move |s| s.attachment(&other)).await.is_err());
    server.stop().await;
}

async fn number_blocks_never_overlap(pg: bool) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let (a, _, _) = paired(&server, "11010923001").await;
    let (b, _, _) = paired(&server, "11010923002").await;
    let mut blocks = Vec::new();
    for _ in 0..3 {
        blocks.push(a.number_block("rectificationOrder", 2026, 50).await.expect("a"));
        blocks.push(b.number_block("rectificationOrder", 2026, 50).await.expect("b"));
    }
    blocks.sort_by_key(|b| b.first);
    for w in blocks.windows(2) {
        assert_eq!(w[0].last + 1, w[1].first);
    }
    // Another kind or year starts at 1.
    assert_eq!(a.number_block("reviewOpinion", 2026, 10).await.expect("review").first, 1);
    assert!(matches!(a.number_block("letter", 2026, 10).await, Err(SyncError::Server { status: 400, .. })));
    server.stop().await;
}

async fn a_server_restarted_mid_sync_loses_and_duplicates_nothing(pg: bool) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let (client, device, token) = paired(&server, "11010923001").await;
    client.push(&batch(&device, 0, 40)).await.expect("first half");
    server.stop().await;
    // While it is down, a push fails as a network error (retried, then reported).
    let down = client.push(&batch(&device, 40, 80)).await;
    assert!(matches!(down, Err(SyncError::Network(_))), "{down:?}");
    // Back up (a new port, the same database): the device sends the batch again.
    let server = Server::start(&db.db).await;
    let client = Client::new(&server.url, Some(token), quick()).expect("client");
    client.push(&batch(&device, 40, 80)).await.expect("second half");
    client.push(&batch(&device, 40, 80)).await.expect("and once more");
    let mut ids = Vec::new();
    let mut cursor = 0;
    loop {
        let page = client.pull(cursor, 17).await.expect("pull");
        ids.extend(page.changes.iter().map(|c| c.change_id.clone()));
        cursor = page.next;
        if !page.more {
            break;
        }
    }
    let expected: Vec<String> = (0..80).map(|n| format!("{device}:{n}")).collect();
    assert_eq!(ids, expected);
    server.stop().await;
}

async fn every_route_refuses_bad_tokens_and_bad_bodies(pg: bool) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let (client, device, good) = paired(&server, "11010923001").await;
    let (_, revoked_device, revoked) = paired(&server, "11010923002").await;
    server.with(move |s| s.revoke(&revoked_device, "2026-11-29T00:00:00Z", false)).await.expect("revoke");
    let raw = reqwest::Client::new();
    let sha = "a".repeat(64);
    let routes_to_try: Vec<(reqwest::Method, String, Option<serde_json::Value>)> = vec![
        (reqwest::Method::POST, routes::PUSH.into(), Some(serde_json::json!({ "batchId": "b", "changes": [] }))),
        (reqwest::Method::POST, routes::PULL.into(), Some(serde_json::json!({ "after": 0, "limit": 10 }))),
        (reqwest::Method::POST, routes::ATTACHMENTS_MISSING.into(), Some(serde_json::json!({ "hashes": [] }))),
        (reqwest::Method::GET, routes::ATTACHMENT.replace("{sha256}", &sha), None),
        (reqwest::Method::GET, routes::ATTACHMENT_CONTENT.replace("{sha256}", &sha), None),
        (reqwest::Method::PUT, format!("{}?offset=0&total=1", routes::ATTACHMENT.replace("{sha256}", &sha)), None),
        (
            reqwest::Method::POST,
            routes::NUMBER_BLOCKS.into(),
            Some(serde_json::json!({ "kind": "reviewOpinion", "year": 2026, "count": 1 })),
        ),
    ];
    for (method, route, body) in &routes_to_try {
        // A revoked device is told so (it keeps its data: device_revoked).
        let mut req = raw.request(method.clone(), format!("{}{route}", server.url));
        req = req.header("authorization", format!("Bearer {revoked}"));
        let res = req.json(body.as_ref().unwrap_or(&serde_json::json!({}))).send().await.expect("send");
        assert_eq!(res.status().as_u16(), 403, "{method} {route} revoked");
        let err: protocol::ErrorBody = res.json().await.expect("error body");
        assert_eq!(err.code, protocol::codes::DEVICE_REVOKED);
        for token in [None, Some("not-a-token".to_owned())] {
            let mut req = raw.request(method.clone(), format!("{}{route}", server.url));
            if let Some(t) = &token {
                req = req.header("authorization", format!("Bearer {t}"));
            }
            req = match body {
                Some(b) => req.json(b),
                None => req.body(vec![0u8]),
            };
            let res = req.send().await.expect("send");
            assert_eq!(res.status().as_u16(), 401, "{method} {route} with {token:?}");
            let err: protocol::ErrorBody = res.json().await.expect("error body");
            assert_eq!(err.code, "unauthorised");
        }
    }
    // The token is checked before the body is read: garbage without a token is a 401.
    let res = raw.post(format!("{}{}", server.url, routes::PUSH)).body("{").send().await.expect("send");
    assert_eq!(res.status().as_u16(), 401);
    // Health and pairing need none; a used pairing code is refused.
    assert_eq!(raw.get(format!("{}{}", server.url, routes::HEALTH)).send().await.expect("health").status(), 200);
    let code = server.with(|s| anjian_server::enrol(s, "李娜", "11010923003", 7)).await.expect("enrol");
    let pairing = Client::new(&server.url, None, quick()).expect("client");
    pairing.pair(&code, "平板").await.expect("first use");
    assert!(matches!(pairing.pair(&code, "平板").await, Err(SyncError::Server { status: 403, .. })));

    // Malformed and oversized bodies: typed errors, nothing stored.
    let before = server.with(|s| s.change_count()).await.expect("count");
    let auth = format!("Bearer {good}");
    let post = |route: &str, body: Vec<u8>| {
        raw.post(format!("{}{route}", server.url))
            .header("authorization", auth.clone())
            .header("content-type", "application/json")
            .body(body)
    };
    for body in [
        b"{".to_vec(),
        b"[]".to_vec(),
        br#"{"batchId": 1, "changes": []}"#.to_vec(),
        br#"{"batchId":"x","changes":[],"extra":1}"#.to_vec(),
    ] {
        let res = post(routes::PUSH, body).send().await.expect("send");
        assert_eq!(res.status().as_u16(), 400);
        assert_eq!(res.json::<protocol::ErrorBody>().await.expect("body").code, "bad_request");
    }
    let big = batch(&device, 0, 1);
    let mut huge = serde_json::to_value(&big).expect("json");
    huge["changes"][0]["payload"] = serde_json::json!("x".repeat(protocol::MAX_BODY + 10));
    let res = post(routes::PUSH, serde_json::to_vec(&huge).expect("json")).send().await.expect("send");
    assert_eq!(res.status().as_u16(), 413);
    assert_eq!(res.json::<protocol::ErrorBody>().await.expect("body").code, "too_large");
    let too_many = batch(&device, 0, protocol::MAX_BATCH as u64 + 1);
    assert!(matches!(client.push(&too_many).await, Err(SyncError::Server { status: 400, .. })));
    assert_eq!(server.with(|s| s.change_count()).await.expect("count"), before, "nothing stored");
    // Another protocol version is refused; every answer names ours.
    let res = raw
        .get(format!("{}{}", server.url, routes::HEALTH))
        .header(protocol::VERSION_HEADER, "2")
        .send()
        .await
        .expect("send");
    assert_eq!(res.status().as_u16(), 400);
    assert_eq!(res.headers()[protocol::VERSION_HEADER], "1");
    assert_eq!(res.json::<protocol::ErrorBody>().await.expect("body").code, "protocol_version");
    server.stop().await;
}

/// The OpenAPI document is generated from the code and names every route the server
/// answers, with the token required wherever the server requires it, and the protocol
/// types under the names and fields the client sends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_describes_every_route() {
    let db = TestDb::new(false);
    let server = Server::start(&db.db).await;
    let doc: serde_json::Value =
        reqwest::get(format!("{}{}", server.url, routes::OPENAPI)).await.expect("get").json().await.expect("json");
    assert!(doc["openapi"].as_str().expect("version").starts_with("3."));
    let paths = doc["paths"].as_object().expect("paths");
    let routes_served = [
        routes::HEALTH,
        routes::PAIR,
        routes::PUSH,
        routes::PULL,
        routes::ATTACHMENTS_MISSING,
        routes::ATTACHMENT,
        routes::ATTACHMENT_CONTENT,
        routes::NUMBER_BLOCKS,
        routes::OPENAPI,
    ];
    let mut documented: Vec<&str> = paths.keys().map(String::as_str).collect();
    documented.sort_unstable();
    let mut expected = routes_served.to_vec();
    expected.sort_unstable();
    assert_eq!(documented, expected);
    for (path, ops) in paths {
        for (method, op) in ops.as_object().expect("operations") {
            let open = [routes::HEALTH, routes::PAIR, routes::OPENAPI].contains(&path.as_str());
            let secured = op.get("security").is_some_and(|s| s.to_string().contains("device_token"));
            assert_eq!(secured, !open, "{method} {path}: security");
            if !open {
                assert!(op["responses"].get("401").is_some(), "{method} {path}: 401 documented");
            }
        }
    }
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    let push = &schemas["PushBatch"];
    let required: Vec<&str> =
        push["required"].as_array().expect("required").iter().filter_map(|v| v.as_str()).collect();
    assert_eq!(required, ["batchId", "changes"]);
    for name in [
        "Change",
        "PushResponse",
        "PullPage",
        "ServerChange",
        "PairRequest",
        "PairResponse",
        "ErrorBody",
        "NumberBlock",
    ] {
        assert!(schemas.contains_key(name), "schema {name}");
    }
    // The document itself follows the protocol's version rule.
    let res = reqwest::get(format!("{}{}", server.url, routes::OPENAPI)).await.expect("get");
    assert_eq!(res.headers()[protocol::VERSION_HEADER], "1");
    server.stop().await;
}

/// A server may remember the tokens it has checked (PostgreSQL does); a revocation
/// still takes effect at once, whether made in the server's process or by the admin
/// command in another one.
async fn a_revoked_device_is_refused_from_its_next_request(pg: bool) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let admin = db.db.open().await;
    let refused = |r: Result<protocol::PullPage, SyncError>| matches!(r, Err(SyncError::Server { status: 403, .. }));
    for (n, by_admin) in [(1, false), (2, true)] {
        let (client, device, token) = paired(&server, &format!("1101092300{n}")).await;
        let hash = protocol::secret_hash(&token);
        let since = std::time::Instant::now();
        loop {
            client.pull(0, 10).await.expect("a paired device pulls");
            // PostgreSQL remembers the token once it hears revocations; SQLite never does.
            if !pg || server.storage.known_device(&hash).is_some() {
                break;
            }
            assert!(since.elapsed() < std::time::Duration::from_secs(5), "PostgreSQL never remembered the token");
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let store = if by_admin { admin.clone() } else { server.storage.clone() };
        tokio::task::spawn_blocking(move || store.revoke(&device, "2026-11-29T00:00:00Z", false))
            .await
            .expect("revoke")
            .expect("revoke");
        if by_admin {
            // Another process's revocation reaches the server as an announcement: allow
            // it the moment it takes to arrive, no more.
            let since = std::time::Instant::now();
            while !refused(client.pull(0, 10).await) {
                assert!(since.elapsed() < std::time::Duration::from_secs(3), "still served after a revocation");
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        } else {
            assert!(refused(client.pull(0, 10).await), "the very next request is refused");
        }
        assert!(refused(client.pull(0, 10).await), "and every one after");
        assert_eq!(server.storage.known_device(&hash), None);
    }
    server.stop().await;
}

/// A device that ran out of granted numbers offline numbers from a block of its own:
/// once its documents arrive, no grant hands those numbers out again; a number carried
/// by a second document is stored (an issued document is a legal record) and listed for
/// the bureau. A server upgraded from before the number table finds the same.
async fn numbers_used_offline_are_never_granted_and_clashes_are_listed(pg: bool) {
    use anjian_tests::changes::{document_id, order};
    let db = TestDb::new(pg);
    let mut server = Server::start(&db.db).await;
    let (a, device_a, _) = paired(&server, "11010923001").await;
    let (b, device_b, token_b) = paired(&server, "11010923002").await;
    let (c, device_c, _) = paired(&server, "11010923003").await;
    let push = |client: &Client, id: &str, changes| {
        let (client, batch) = (client.clone(), PushBatch { batch_id: id.into(), changes });
        async move { client.push(&batch).await.expect("push") }
    };
    // A issued 第0003号 from a block of its own (before any grant), and a draft.
    push(&a, "a1", vec![order(&device_a, 1, "order-a", "issued", 3), order(&device_a, 2, "draft-a", "draft", 0)]).await;
    let block = b.number_block("rectificationOrder", 2026, 5).await.expect("grant");
    assert_eq!((block.first, block.last), (4, 8), "after the number A used");
    // C numbered 第0003号 too (from a block of its own): stored, and listed.
    let answer = push(&c, "c1", vec![order(&device_c, 1, "order-c", "issued", 3)]).await;
    assert_eq!(answer.results[0].outcome, Outcome::Applied);
    let told = answer.results[0].reason.as_deref().unwrap_or_default();
    assert!(told.contains(&format!("第0003号 已被区内另一份文书（{}）使用", document_id("order-a"))), "{told}");
    // Its answer was lost; the device sends the change again in a new batch: told again.
    let again = push(&c, "c1-again", vec![order(&device_c, 1, "order-c", "issued", 3)]).await;
    assert_eq!(again.results[0].outcome, Outcome::Duplicate);
    assert_eq!(again.results[0].reason.as_deref(), Some(told));
    // A voids its order (same number, same document): no new clash; B issues from its grant.
    let voided = push(&a, "a2", vec![order(&device_a, 3, "order-a", "voided", 3)]).await;
    let issued = push(&b, "b1", vec![order(&device_b, 1, "order-b", "issued", 4)]).await;
    for r in voided.results.iter().chain(&issued.results) {
        assert_eq!((r.outcome, r.reason.as_deref()), (Outcome::Applied, None));
    }
    let expected = |conflicts: &[anjian_server::NumberConflict]| {
        let found: Vec<_> = conflicts
            .iter()
            .map(|x| {
                (
                    x.number.as_str(),
                    x.held_by.as_str(),
                    x.held_by_device.as_str(),
                    x.document_id.as_str(),
                    x.device_id.as_str(),
                )
            })
            .collect();
        let (a_doc, c_doc) = (document_id("order-a"), document_id("order-c"));
        assert_eq!(
            found,
            [("门应急责改〔2026〕第0003号", a_doc.as_str(), device_a.as_str(), c_doc.as_str(), device_c.as_str())]
        );
    };
    let conflicts = server.with(|s| s.number_conflicts()).await.expect("conflicts");
    expected(&conflicts);
    assert_eq!(b.number_block("rectificationOrder", 2026, 2).await.expect("grant").first, 9);
    assert_eq!(b.number_block("reviewOpinion", 2026, 2).await.expect("another kind").first, 1);
    // A number beyond any grant (a faulty device) is stored but claims nothing: it does
    // not use up the year's numbers.
    push(&c, "c2", vec![order(&device_c, 2, "order-wild", "issued", u32::MAX)]).await;
    // C ran out again and numbered 第0020号 from a block of its own.
    push(&c, "c3", vec![order(&device_c, 3, "order-e", "issued", 20)]).await;

    // The same server before the number table and the district records: the upgrade
    // finds the same from the stored documents, and makes the same records from the log.
    let records = server.with(|s| s.record_digests()).await.expect("digests");
    assert!(records.iter().any(|d| d.table == "document" && d.rows == 6), "{records:?}");
    server.stop().await;
    rewind_to_schema_3(&db.db);
    server = Server::start(&db.db).await;
    let again = server.with(|s| s.number_conflicts()).await.expect("conflicts");
    assert_eq!(again, conflicts);
    assert_eq!(server.with(|s| s.record_digests()).await.expect("digests"), records);
    let b = Client::new(&server.url, Some(token_b), quick()).expect("client");
    assert_eq!(b.number_block("rectificationOrder", 2026, 1).await.expect("grant").first, 21, "after C's 第0020号");
    server.stop().await;
}

/// Drops the number tables (and the later refusal, record, console, 督办, pull, plan and task tables) and marks
/// the database as schema 3, as a server before them left it.
fn rewind_to_schema_3(db: &support::Db) {
    let tables = [
        "console_session",
        "console_audit",
        "console_account",
        "enterprise",
        "enterprise_sector",
        "enterprise_field",
        "enterprise_overwrite",
        "officer",
        "inspection",
        "inspection_officer",
        "inspection_answer",
        "hazard",
        "hazard_event",
        "document",
        "document_hazard",
        "hazard_supervision",
        "device_pull",
        "plan_setting",
        "inspector_relation",
        "plan_draw",
        "year_plan",
        "task",
    ];
    // The log as schema 3 kept it: no audience column yet, no revocation columns, its index
    // by record over every change.
    let record_tables: String = tables.iter().map(|t| format!("DROP TABLE {t}; ")).collect::<String>()
        + "ALTER TABLE change DROP COLUMN audience; ALTER TABLE device DROP COLUMN wipe; ALTER TABLE device DROP COLUMN revocation_told_at; "
        + "DROP INDEX change_checklist; DROP INDEX change_enterprise; CREATE INDEX change_by_record_seq ON change (record_type, record_id, seq); ";
    match db.clone() {
        support::Db::Sqlite(path) => {
            let conn = rusqlite::Connection::open(path).expect("open");
            conn.execute_batch(&format!(
                "DROP TABLE document_number; DROP TABLE number_conflict; DROP TABLE refused_change;
                 {record_tables}
                 PRAGMA user_version = 3;"
            ))
            .expect("rewind");
        }
        support::Db::Postgres(url) => std::thread::spawn(move || {
            let mut c = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
            c.batch_execute(&format!(
                "DROP TABLE document_number; DROP TABLE number_conflict; DROP TABLE refused_change;
                 {record_tables}
                 UPDATE schema_version SET version = 3"
            ))
            .expect("rewind");
        })
        .join()
        .expect("rewind"),
    }
}

/// A bureau's database on another host, over TLS (`sslmode=require`): the server's
/// certificate is verified (refused without the bureau's CA, with a message naming TLS),
/// and with the CA the whole sync path runs through the encrypted connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgresql_over_tls_is_verified_and_carries_the_sync() {
    let db = TestDb::new(true);
    let support::Db::Postgres(url) = db.db.clone() else { unreachable!() };
    // postgres://user@host:port/name → the front in place of host:port.
    let at = url.rfind('@').expect("user@host") + 1;
    let slash = at + url[at..].find('/').expect("/database");
    let front = support::tls_front::start(url[at..slash].to_owned()).await;
    let tls_url = format!("{}{}{}?sslmode=require", &url[..at], front.addr, &url[slash..]);
    let open = |ca: Option<std::path::PathBuf>| {
        let tls_url = tls_url.clone();
        tokio::task::spawn_blocking(move || anjian_server::PgStorage::open_with_ca(&tls_url, ca.as_deref()))
    };

    let refused = open(None).await.expect("join").expect_err("a certificate no root vouches for");
    assert!(refused.to_string().contains("TLS"), "{refused}");
    assert_eq!(front.sessions(), 0, "no connection passed the handshake");

    let dir = tempfile::tempdir().expect("tempdir");
    let ca = dir.path().join("bureau-ca.pem");
    std::fs::write(&ca, &front.certificate_pem).expect("write CA");
    let storage = open(Some(ca)).await.expect("join").expect("open over TLS");
    let server = Server::start_with(std::sync::Arc::new(storage)).await;
    let (client, device, _) = paired(&server, "11010923001").await;
    let answer = client.push(&batch(&device, 0, 5)).await.expect("push");
    assert!(answer.results.iter().all(|r| r.outcome == Outcome::Applied), "{answer:?}");
    let page = client.pull(0, 100).await.expect("pull");
    assert_eq!(page.changes.len(), 5);
    assert!(front.sessions() >= 2, "the pool's and the pushes' connections are TLS: {}", front.sessions());
    server.stop().await;
}

/// A device refused without end (junk, or an attack) cannot grow the server's disk: each
/// refusal is kept clipped, and a device's latest 1,000 only.
async fn refusals_are_kept_clipped_and_bounded(pg: bool) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let (client, device, _) = paired(&server, "11010923001").await;
    // Every hundredth one large (a batch stays within the body limit).
    let junk = |n: usize| {
        let size = if n.is_multiple_of(100) { 20_000 } else { 10 };
        protocol::Change {
            change_id: format!("{device}:junk-{n}"),
            record_type: "spaceship".into(),
            record_id: "长".repeat(size / 4),
            op: "put".into(),
            rev: "1".into(),
            payload: serde_json::value::to_raw_value(&serde_json::json!({ "cargo": "x".repeat(size) })).unwrap(),
        }
    };
    for b in 0..3 {
        let changes: Vec<protocol::Change> = (0..450).map(|i| junk(b * 450 + i)).collect();
        let answer = client.push(&PushBatch { batch_id: format!("junk-{b}"), changes }).await.expect("push");
        assert!(answer.results.iter().all(|r| r.outcome == Outcome::Refused));
    }
    // U+0000, which PostgreSQL cannot keep, in an id and in a payload: refused (kept
    // without it), and the rest of the batch goes in.
    let mut nul_id = change(&device, 9_000);
    nul_id.record_id = "a\0b".into();
    let mut nul_text = change(&device, 9_001);
    let text = nul_text.payload.get().replacen("\"description\":\"", "\"description\":\"\\u0000", 1);
    nul_text.payload = serde_json::value::RawValue::from_string(text).unwrap();
    let fine = change(&device, 9_002);
    let answer =
        client.push(&PushBatch { batch_id: "nul".into(), changes: vec![nul_id, nul_text, fine] }).await.expect("push");
    let outcomes: Vec<Outcome> = answer.results.iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, [Outcome::Refused, Outcome::Refused, Outcome::Applied], "{answer:?}");
    assert!(answer.results[0].reason.as_deref().unwrap().contains("空字符"), "{answer:?}");
    let kept = support::query(
        &db.db,
        &format!(
            "SELECT CAST(count(*) AS TEXT), CAST(max(length(payload)) AS TEXT), CAST(max(length(record_id)) AS TEXT),
                    min(change_id)
             FROM refused_change WHERE device_id = '{device}'"
        ),
    )
    .await;
    let kept: Vec<String> = kept[0].iter().map(|c| c.clone().unwrap_or_default()).collect();
    assert_eq!(kept[0], "1000", "the latest 1,000 kept");
    assert!(kept[1].parse::<usize>().unwrap() <= 4096, "payload clipped: {kept:?}");
    // 200 bytes of a 3-byte character: 66 characters.
    assert!(kept[2].parse::<usize>().unwrap() <= 200, "record id clipped: {kept:?}");
    assert!(!kept[3].ends_with(":junk-0"), "the oldest forgotten: {kept:?}");
    server.stop().await;
}

/// A pull sends the text of changes other devices pulled before (kept by the server, see
/// `pull_cache`): whatever the cursor, the page size and what was written in between, each
/// page is the page the log holds, and a device's pulls note how far it got.
async fn pages_sent_from_kept_text_are_the_pages_of_the_log(pg: bool) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let (a, device_a, _) = paired(&server, "11010923001").await;
    let (b, device_b, _) = paired(&server, "11010923002").await;
    a.push(&batch(&device_a, 0, 9)).await.expect("push");
    let log = |device: String, after: u64, limit: u32| {
        server.with(move |s| serde_json::to_value(s.pull(&device, after, limit).unwrap().into_protocol()).unwrap())
    };
    let mut written = 9;
    // Cursors and sizes overlapping what was sent before, cold and kept; writes in between.
    for (step, (after, limit)) in
        [(0, 4), (0, 4), (2, 3), (0, 12), (4, 2), (7, 5), (0, 20), (9, 1), (3, 9)].into_iter().enumerate()
    {
        for (client, device) in [(&a, &device_a), (&b, &device_b)] {
            let got = serde_json::to_value(client.pull(after, limit).await.expect("pull")).unwrap();
            assert_eq!(got, log(device.clone(), after, limit).await, "step {step}: after {after}, {limit} a page");
        }
        if step % 3 == 1 {
            b.push(&batch(&device_b, written, written + 2)).await.expect("push");
            written += 2;
        }
    }
    server.with(|s| s.pull_notes_written().unwrap()).await;
    let noted = support::column(&db.db, "SELECT CAST(after AS TEXT) FROM device_pull ORDER BY device_id").await;
    assert_eq!(noted.len(), 2, "{noted:?}");
    server.stop().await;
}

/// The notes of pulls ride with the pushes in the writing thread's transaction, under a
/// savepoint: a note that cannot be written (its table gone) costs no push of its group,
/// is told to whoever waits for the notes, and is written with a later group.
async fn a_note_of_a_pull_that_cannot_be_written_costs_no_push_and_is_written_later(pg: bool) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let (a, device_a, _) = paired(&server, "11010923011").await;
    let rename = |from: &'static str, to: &'static str| {
        server.with(move |s| {
            s.transact(&mut |sql| sql.execute(&format!("ALTER TABLE {from} RENAME TO {to}"), &[]).map(drop))
                .expect("rename")
        })
    };
    rename("device_pull", "device_pull_away").await;
    a.pull(0, 10).await.expect("pull");
    let pushed = a.push(&batch(&device_a, 0, 3)).await.expect("a push beside notes that fail");
    assert!(pushed.results.iter().all(|r| r.outcome == Outcome::Applied), "{pushed:?}");
    assert_eq!(server.with(|s| s.change_count()).await.expect("count"), 3);
    assert!(server.with(|s| s.pull_notes_written()).await.is_err(), "the notes' failure is told");
    rename("device_pull_away", "device_pull").await;
    server.with(|s| s.pull_notes_written()).await.expect("written with a later group");
    assert_eq!(support::column(&db.db, "SELECT device_id FROM device_pull").await, vec![device_a]);
    server.stop().await;
}
