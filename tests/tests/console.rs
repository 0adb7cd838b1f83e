//! The bureau's console against a real server, on SQLite and on PostgreSQL: accounts
//! (one-time password, change at first sign-in, lockout), sessions and CSRF, roles, the
//! audit log, what is public, the figures of 总览 against an independent count of the
//! records, the ledger's filters, and /v/ for an issued, a voided and an unknown code.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use anjian_server::console::{self, Role};
use anjian_sync::records::Image;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::devices::{Device, code, enterprise, inspect};
use support::{Server, TestDb, both_backends, records_rebuild_alike};

/// A browser of the console: its cookie and its CSRF token.
struct Browser {
    http: reqwest::Client,
    url: String,
    cookie: Option<String>,
    csrf: Option<String>,
}

impl Browser {
    fn new(server: &Server) -> Browser {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Browser { http, url: server.url.clone(), cookie: None, csrf: None }
    }

    fn with_session(&self, mut req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        if let Some(c) = &self.cookie {
            req = req.header("cookie", format!("{}={c}", console::COOKIE));
        }
        req
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let res = self.with_session(self.http.get(format!("{}{path}", self.url))).send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    async fn post(&mut self, path: &str, body: Value) -> (StatusCode, Value) {
        let mut req = self.with_session(self.http.post(format!("{}{path}", self.url))).json(&body);
        if let Some(csrf) = &self.csrf {
            req = req.header(console::CSRF_HEADER, csrf);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        if let Some(set) = res.headers().get("set-cookie").and_then(|v| v.to_str().ok()) {
            let value = set.split(';').next().unwrap().split_once('=').unwrap().1.to_owned();
            self.cookie = (!value.is_empty()).then_some(value);
        }
        let body: Value = res.json().await.unwrap_or(Value::Null);
        if let Some(csrf) = body["csrf"].as_str() {
            self.csrf = Some(csrf.to_owned());
        }
        (status, body)
    }

    /// Starts an export (a POST with the CSRF token and no body): its status.
    async fn start_export(&self, path: &str) -> (StatusCode, Value) {
        let res = self
            .with_session(self.http.post(format!("{}{path}", self.url)))
            .header(console::CSRF_HEADER, self.csrf.clone().unwrap_or_default())
            .send()
            .await
            .unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// An export as the page makes it: started, its progress read until it is done (every
    /// row written), then its file fetched, once. Its row count (`X-Export-Rows`) and bytes.
    async fn download(&self, path: &str) -> (u64, Vec<u8>) {
        let (status, started) = self.start_export(path).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{path}: {started}");
        assert_eq!(started["state"], "running", "{started}");
        let status_path = format!("/api/console/exports/{}", started["id"].as_str().unwrap());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let done = loop {
            let (status, now) = self.get(&status_path).await;
            assert_eq!(status, StatusCode::OK, "{now}");
            assert!(now["written"].as_u64() <= now["total"].as_u64().filter(|t| *t > 0).or(Some(u64::MAX)), "{now}");
            match now["state"].as_str() {
                Some("done") => break now,
                Some("running") if std::time::Instant::now() < deadline => {
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
                _ => panic!("{path}: {now}"),
            }
        };
        assert_eq!(done["written"], done["total"], "{done}");
        let file = format!("{}{status_path}/file", self.url);
        let res = self.with_session(self.http.get(&file)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"), "{path}");
        let rows: u64 = res.headers()["x-export-rows"].to_str().unwrap().parse().unwrap();
        assert_eq!(Some(rows), done["written"].as_u64());
        let bytes = res.bytes().await.unwrap().to_vec();
        // Handed over once: the file is gone from the server.
        assert_eq!(self.with_session(self.http.get(&file)).send().await.unwrap().status(), StatusCode::NOT_FOUND);
        (rows, bytes)
    }

    /// A file sent whole as the body of a POST (import, publish), with the CSRF token.
    async fn send_file(&self, path: &str, body: Vec<u8>) -> (StatusCode, Value) {
        let res = self
            .with_session(self.http.post(format!("{}{path}", self.url)))
            .header(console::CSRF_HEADER, self.csrf.clone().unwrap_or_default())
            .header("content-type", "application/octet-stream")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    async fn login(&mut self, name: &str, password: &str) -> (StatusCode, Value) {
        self.post("/api/console/login", json!({ "name": name, "password": password })).await
    }
}

async fn add_user(server: &Server, name: &str, role: Role) -> String {
    let name = name.to_owned();
    server.with(move |s| console::add_user(s, &name, role)).await.unwrap()
}

/// Signs in with the one-time password and changes it: a browser ready to work.
async fn signed_in(server: &Server, name: &str, role: Role) -> Browser {
    let once = add_user(server, name, role).await;
    let mut b = Browser::new(server);
    assert_eq!(b.login(name, &once).await.0, StatusCode::OK);
    let (status, me) = b.post("/api/console/password", json!({ "current": once, "new": "门头沟-应急-2026!" })).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    b
}

async fn accounts_sessions_and_csrf(pg: bool) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let once = add_user(&server, "张敏", Role::Admin).await;
    assert_eq!(once.chars().count(), 12);

    // Without a session nothing of the district answers; /v/ and health do.
    let anonymous = Browser::new(&server);
    for path in [
        "/api/console/me",
        "/api/console/hazards",
        "/api/console/overview?from=2026-01-01&to=2026-12-31",
        "/api/console/audit",
    ] {
        let (status, body) = anonymous.get(path).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}: {body}");
        assert_eq!(body["code"], "unauthorised");
    }
    assert_eq!(anonymous.get("/api/v1/health").await.0, StatusCode::OK);
    let res = anonymous.http.get(format!("{}/v/ABCDE-12345", server.url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("查无此文书"));

    // The first sign-in: a session cookie as the issue asks, and the password must change.
    let mut b = Browser::new(&server);
    let res = b
        .http
        .post(format!("{}/api/console/login", server.url))
        .json(&json!({ "name": "张敏", "password": once }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    let me: Value = res.json().await.unwrap();
    assert_eq!((me["role"].as_str(), me["mustChangePassword"].as_bool()), (Some("admin"), Some(true)));
    b.cookie = Some(cookie.split(';').next().unwrap().split_once('=').unwrap().1.to_owned());
    let (status, body) = b.get("/api/console/hazards").await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("must_change_password")));

    // A change without the CSRF token, or from another site, is refused.
    let (status, body) = b.post("/api/console/password", json!({ "current": once, "new": "门头沟-应急-2026!" })).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("csrf")));
    let cross = b
        .http
        .post(format!("{}/api/console/password", server.url))
        .header("cookie", format!("{}={}", console::COOKIE, b.cookie.as_ref().unwrap()))
        .header(console::CSRF_HEADER, me["csrf"].as_str().unwrap())
        .header("origin", "http://evil.example")
        .json(&json!({ "current": once, "new": "门头沟-应急-2026!" }))
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    b.csrf = me["csrf"].as_str().map(str::to_owned);
    // Weak, then wrong current, then good.
    let (status, body) = b.post("/api/console/password", json!({ "current": once, "new": "short" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["message"].as_str().unwrap().contains("至少10个字符"), "{body}");
    let (status, _) = b.post("/api/console/password", json!({ "current": "not-it", "new": "门头沟-应急-2026!" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, me) = b.post("/api/console/password", json!({ "current": once, "new": "门头沟-应急-2026!" })).await;
    assert_eq!((status, me["mustChangePassword"].as_bool()), (StatusCode::OK, Some(false)), "{me}");
    assert_eq!(b.get("/api/console/hazards").await.0, StatusCode::OK);
    // The one-time password no longer opens anything.
    assert_eq!(Browser::new(&server).login("张敏", &once).await.0, StatusCode::UNAUTHORIZED);

    // Five wrong passwords lock the account, even against the right one.
    let staff_once = add_user(&server, "李强", Role::Staff).await;
    let mut intruder = Browser::new(&server);
    for attempt in 1..=5 {
        let (status, body) = intruder.login("李强", "guess-guess").await;
        let expected = if attempt < 5 { StatusCode::UNAUTHORIZED } else { StatusCode::LOCKED };
        assert_eq!(status, expected, "attempt {attempt}: {body}");
    }
    let (status, body) = intruder.login("李强", &staff_once).await;
    assert_eq!(status, StatusCode::LOCKED, "{body}");
    assert!(body["message"].as_str().unwrap().contains("15分钟"), "{body}");
    // An unknown name is answered as a wrong password.
    assert_eq!(intruder.login("无此人", "guess-guess").await.1["code"], "bad_login");
    // The admin resets it: unlocked, a new one-time password.
    let fresh = server.with(|s| console::reset_user(s, "李强")).await.unwrap();
    let mut staff = Browser::new(&server);
    assert_eq!(staff.login("李强", &fresh).await.0, StatusCode::OK);
    assert_eq!(
        staff.post("/api/console/password", json!({ "current": fresh, "new": "区局值班-2026-新密码" })).await.0,
        StatusCode::OK
    );

    // Roles: staff reads the ledger, not the audit log; the admin reads both.
    assert_eq!(staff.get("/api/console/hazards").await.0, StatusCode::OK);
    let (status, body) = staff.get("/api/console/audit").await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));
    let (status, audit) = b.get("/api/console/audit?limit=200").await;
    assert_eq!(status, StatusCode::OK);
    let actions: Vec<(&str, &str)> = audit["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["account"].as_str().unwrap(), r["action"].as_str().unwrap()))
        .collect();
    for expected in [
        ("张敏", "登录"),
        ("张敏", "修改密码"),
        ("李强", "登录失败"),
        ("李强", "登录被拒"),
        ("（命令行）", "新建账号"),
        ("（命令行）", "重设密码"),
    ] {
        assert!(actions.contains(&expected), "{expected:?} in {actions:?}");
    }
    assert!(audit["rows"][0]["address"].as_str().unwrap().starts_with("127.0.0.1"), "{audit}");

    // Signing out ends the session on the server, not only in the browser.
    let old_cookie = staff.cookie.clone();
    assert_eq!(staff.post("/api/console/logout", json!({})).await.0, StatusCode::NO_CONTENT);
    staff.cookie = old_cookie;
    assert_eq!(staff.get("/api/console/me").await.0, StatusCode::UNAUTHORIZED);
    server.stop().await;
}

async fn figures_ledger_and_verification(pg: bool) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let d = Device::new(&server, "王磊", "11010923001").await;
    // Two enterprises in two towns, three inspections, six hazards; an order issued and a
    // record voided.
    let (mut inspections, mut first) = (Vec::new(), None);
    for (first16, division) in [("91110109MA0TC011", "110109108"), ("91110109MA0TC012", "110109104")] {
        let mut input = enterprise(&code(first16));
        input["name"] = json!(format!("北京门头沟控制台测试{first16}有限公司"));
        input["divisionCode"] = json!(division);
        let ent = d.call("create_enterprise", json!({ "input": input })).await.unwrap();
        let (hazards, _) = inspect(&d, ent["id"].as_str().unwrap()).await;
        inspections.push(hazards);
        first.get_or_insert(ent["id"].as_str().unwrap().to_owned());
    }
    let (more, _) = inspect(&d, first.as_deref().unwrap()).await;
    inspections.push(more);
    let hazard = d.call("get_hazard", json!({ "id": inspections[0][0] })).await.unwrap();
    let docs = d.call("prepare_documents", json!({ "inspectionId": hazard["hazard"]["inspectionId"] })).await.unwrap();
    let id_of = |kind: &str| docs.as_array().unwrap().iter().find(|x| x["kind"] == kind).unwrap()["id"].clone();
    let order = d.call("issue_document", json!({ "id": id_of("rectificationOrder") })).await.unwrap();
    let record = d.call("issue_document", json!({ "id": id_of("inspectionRecord") })).await.unwrap();
    d.call("void_document", json!({ "id": record["id"], "reason": "单位名称写错" })).await.unwrap();
    d.sync().await;

    let admin = signed_in(&server, "张敏", Role::Admin).await;
    let year = anjian_core::beijing::today(chrono::Utc::now()).format("%Y").to_string();
    let (status, overview) = admin.get(&format!("/api/console/overview?from={year}-01-01&to={year}-12-31")).await;
    assert_eq!(status, StatusCode::OK, "{overview}");
    // The same figures counted independently, straight from the record tables.
    let counted = server
        .with(move |s| {
            let mut out = Vec::new();
            s.transact(&mut |sql| {
                for q in [
                    "SELECT COUNT(*) FROM inspection WHERE status = 'finished'",
                    "SELECT COUNT(DISTINCT enterprise_id) FROM inspection WHERE status = 'finished'",
                    "SELECT COUNT(*) FROM hazard",
                    "SELECT COUNT(*) FROM hazard WHERE level = 'major'",
                    "SELECT COUNT(*) FROM hazard WHERE status <> 'open'",
                    "SELECT COUNT(*) FROM document WHERE status <> 'draft'",
                ] {
                    out.push(sql.query(q, &[])?[0][0].clone().unwrap().parse::<i64>().unwrap());
                }
                Ok(())
            })
            .map(|()| out)
        })
        .await
        .unwrap();
    let t = &overview["totals"];
    let figures =
        [&t["inspections"], &t["enterprises"], &t["hazards"], &t["hazardsMajor"], &t["rectified"], &t["documents"]];
    assert_eq!(figures.map(|v| v.as_i64().unwrap()).to_vec(), counted, "{overview}");
    assert_eq!(counted[..3], [3, 2, 6]);
    // Nothing rectified yet: 0%, and a period without hazards shows no rate at all.
    assert_eq!(t["rectificationRate"], json!(0.0));
    let (_, empty) = admin.get("/api/console/overview?from=2001-01-01&to=2001-12-31").await;
    assert!(empty["totals"]["rectificationRate"].is_null(), "{empty}");
    // The towns add up to the totals.
    let towns: i64 =
        overview["byTown"].as_array().unwrap().iter().map(|b| b["figures"]["hazards"].as_i64().unwrap()).sum();
    assert_eq!(towns, 6);
    let documents: i64 =
        overview["byMonth"].as_array().unwrap().iter().map(|b| b["figures"]["documents"].as_i64().unwrap()).sum();
    assert_eq!(documents, 2, "issued documents by month: {overview}");
    let town = overview["byTown"].as_array().unwrap().iter().find(|b| b["label"] == "妙峰山镇").unwrap();
    let by_kind: Vec<(&str, i64, i64)> = town["figures"]["documentsByKind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["kind"].as_str().unwrap(), d["issued"].as_i64().unwrap(), d["voided"].as_i64().unwrap()))
        .collect();
    assert!(
        by_kind.contains(&("rectificationOrder", 1, 0)) && by_kind.contains(&("inspectionRecord", 0, 1)),
        "{by_kind:?}"
    );
    assert!(overview["byTown"].as_array().unwrap().iter().any(|b| b["label"] == "妙峰山镇"), "{overview}");
    let order_count =
        overview["documents"].as_array().unwrap().iter().find(|d| d["kind"] == "rectificationOrder").unwrap();
    assert_eq!(order_count["issued"], 1);

    // The ledger: filters narrow, the page carries inspectors and source.
    let (_, all) = admin.get("/api/console/hazards").await;
    assert_eq!(all["total"], 6);
    let row = &all["rows"][0];
    assert_eq!(row["inspectors"], json!(["王磊", "赵敏"]), "{row}");
    assert_eq!(row["source"], "执法终端");
    let (_, town) = admin.get("/api/console/hazards?town=110109104").await;
    assert_eq!(town["total"], 2, "{town}");
    let (_, words) = admin.get(&format!("/api/console/hazards?q={}", "炸药库")).await;
    assert_eq!(words["total"], 3);
    let (_, nobody) = admin.get(&format!("/api/console/hazards?inspector={}", "李娜")).await;
    assert_eq!(nobody["total"], 0);
    let (status, bad) = admin.get("/api/console/hazards?level=severe").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    let (status, _) = admin.get("/api/console/hazards?limit=100000").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Exports: every row the filters pass, read back as a spreadsheet program would; a
    // leader may only read.
    let csv = String::from_utf8(admin.download("/api/console/hazards/export/csv").await.1).unwrap();
    let csv = csv.strip_prefix('\u{feff}').expect("a byte-order mark for Excel");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 7, "{csv}");
    assert!(lines[0].starts_with("单位,镇街,行业,隐患描述"), "{csv}");
    assert_eq!(lines.iter().filter(|l| l.contains("炸药库值班记录不全")).count(), 3);
    let (_, xlsx) = admin.download("/api/console/hazards/export/xlsx?town=110109104").await;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = calamine::Reader::worksheet_range(&mut book, "隐患台账").unwrap();
    assert_eq!(sheet.height(), 3, "a header and the two hazards of 军庄镇");
    assert_eq!(sheet.get((1, 1)).map(ToString::to_string).as_deref(), Some("军庄镇"));
    assert_eq!(admin.start_export("/api/console/hazards/export/pdf").await.0, StatusCode::BAD_REQUEST);
    // Bad filters are refused before anything starts.
    assert_eq!(admin.start_export("/api/console/hazards/export/csv?town=999").await.0, StatusCode::BAD_REQUEST);
    assert_eq!(admin.get("/api/console/hazards/export/csv").await.0, StatusCode::METHOD_NOT_ALLOWED);
    let leader_once = add_user(&server, "周队长", Role::Leader).await;
    let mut leader = Browser::new(&server);
    leader.login("周队长", &leader_once).await;
    leader.post("/api/console/password", json!({ "current": leader_once, "new": "领导只读-2026-密码" })).await;
    assert_eq!(leader.start_export("/api/console/hazards/export/csv").await.0, StatusCode::FORBIDDEN);
    // An export is its account's: another signed-in account is told there is none.
    let (_, started) = admin.start_export("/api/console/hazards/export/csv").await;
    let id = started["id"].as_str().unwrap();
    assert_eq!(leader.get(&format!("/api/console/exports/{id}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(leader.get(&format!("/api/console/exports/{id}/file")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(admin.get(&format!("/api/console/exports/{id}")).await.0, StatusCode::OK);
    let (_, ents) = admin.get("/api/console/enterprises").await;
    assert_eq!(ents["total"], 2);
    let (_, insp) = admin.get("/api/console/inspections?town=110109108").await;
    assert_eq!(insp["rows"].as_array().unwrap().len() as i64, insp["total"].as_i64().unwrap());

    // /v/: the issued order is 有效, the voided record 已作废, typed in any case.
    let public = Browser::new(&server);
    let page = |code: String| {
        let http = public.http.clone();
        let url = format!("{}/v/{code}", server.url);
        async move {
            let res = http.get(url).send().await.unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    let (status, html) = page(order["code"].as_str().unwrap().to_lowercase()).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("有效") && html.contains(order["number"].as_str().unwrap()), "{html}");
    assert!(html.contains("责令限期整改指令书") && html.contains("北京门头沟控制台测试"), "{html}");
    let (status, html) = page(record["code"].as_str().unwrap().to_owned()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("已作废"), "{html}");
    let (status, html) = page("ZZZZZ-ZZZZZ".into()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("查无此文书"));

    // An enterprise's file, the documents and the PDF the device made.
    let (status, file) = admin.get(&format!("/api/console/enterprises/{}", first.as_deref().unwrap())).await;
    assert_eq!(status, StatusCode::OK, "{file}");
    let kinds: Vec<&str> = file["timeline"].as_array().unwrap().iter().map(|t| t["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "inspection").count(), 2, "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| **k == "hazard").count(), 4, "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| **k == "document").count(), 2, "{kinds:?}");
    let ats: Vec<&str> = file["timeline"].as_array().unwrap().iter().map(|t| t["at"].as_str().unwrap()).collect();
    assert!(ats.windows(2).all(|w| w[0] >= w[1]), "newest first: {ats:?}");
    assert!(
        file["fields"].as_array().unwrap().iter().any(|f| f["label"] == "所属镇街" && f["value"] == "妙峰山镇"),
        "{file}"
    );
    assert_eq!(admin.get("/api/console/enterprises/no-such").await.0, StatusCode::NOT_FOUND);
    let (_, docs) = admin.get("/api/console/documents").await;
    assert_eq!(docs["total"], 2, "{docs}");
    let (_, voided) = admin.get("/api/console/documents?status=voided").await;
    assert_eq!(voided["rows"][0]["voidReason"], "单位名称写错", "{voided}");
    let issued = docs["rows"].as_array().unwrap().iter().find(|r| r["status"] == "issued").unwrap();
    assert_eq!(issued["verifyCode"], order["code"]);
    assert_eq!(issued["hasPdf"], true, "{issued}");
    let pdf = admin
        .http
        .get(format!("{}/api/console/documents/{}/pdf", server.url, issued["id"].as_str().unwrap()))
        .header("cookie", format!("{}={}", console::COOKIE, admin.cookie.as_ref().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let pdf = pdf.bytes().await.unwrap();
    use sha2::Digest;
    assert_eq!(hex::encode(sha2::Sha256::digest(&pdf)), order["pdfSha256"].as_str().unwrap(), "the device's own file");
    // 文书详情: the order's hazards by its item numbers, its inspection.
    let (status, detail) = admin.get(&format!("/api/console/documents/{}", issued["id"].as_str().unwrap())).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["document"]["number"], order["number"]);
    let items: Vec<i64> = detail["hazards"].as_array().unwrap().iter().map(|h| h["item"].as_i64().unwrap()).collect();
    assert_eq!(items, [1, 2], "{detail}");
    assert_eq!(detail["inspectionId"], hazard["hazard"]["inspectionId"]);
    assert_eq!(admin.get("/api/console/documents/no-such").await.0, StatusCode::NOT_FOUND);
    let (status, conflicts) = admin.get("/api/console/number-conflicts").await;
    assert_eq!((status, conflicts), (StatusCode::OK, json!([])));

    // 人员与设备: the admin enrols (the code pairs a device), staff may not revoke, the
    // admin does, and the device is refused from then on.
    let mut admin = admin;
    let (status, enrolled) =
        admin.post("/api/console/inspectors", json!({ "name": "李娜", "certNo": "11010923002" })).await;
    assert_eq!(status, StatusCode::OK, "{enrolled}");
    let paired = public
        .http
        .post(format!("{}/api/v1/pair", server.url))
        .json(&json!({ "code": enrolled["code"], "deviceName": "李娜的终端" }))
        .send()
        .await
        .unwrap();
    assert_eq!(paired.status(), StatusCode::OK);
    let (_, devices) = admin.get("/api/console/devices").await;
    let devices = devices.as_array().unwrap().clone();
    assert_eq!(devices.len(), 2, "{devices:?}");
    let first = devices.iter().find(|d| d["name"] == "执法终端").unwrap();
    assert!(first["lastPush"].is_string() && first["revokedAt"].is_null(), "{first}");
    let revoke = format!("/api/console/devices/{}/revoke", first["id"].as_str().unwrap());
    let mut staff = signed_in(&server, "李强", Role::Staff).await;
    let (status, body) = staff.post(&revoke, json!({})).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));
    let (status, body) =
        staff.post("/api/console/inspectors", json!({ "name": "赵六", "certNo": "11010923007" })).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // The request says whether the device wipes itself (absent, as an older console sends
    // it: no wipe); nothing else is taken.
    assert_eq!(admin.post(&revoke, json!({ "wipe": "yes" })).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(admin.post(&revoke, json!({ "wipe": false, "keep": true })).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(admin.post(&revoke, json!({})).await.0, StatusCode::NO_CONTENT);
    let (_, devices) = admin.get("/api/console/devices").await;
    let revoked = devices.as_array().unwrap().iter().find(|d| d["id"] == first["id"]).unwrap().clone();
    assert!(revoked["revokedAt"].is_string() && revoked["wipe"] == false, "{revoked}");
    assert_eq!(admin.post(&revoke, json!({ "wipe": false })).await.0, StatusCode::NO_CONTENT);
    let (status, _) = admin.post("/api/console/devices/no-such-device/revoke", json!({ "wipe": false })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let after = d.round().await;
    assert_eq!(after["state"], "revoked", "a revoked device syncs no more and says so: {after}");
    assert_eq!(after["lastError"]["code"], "device_revoked", "{after}");
    let (_, devices) = admin.get("/api/console/devices").await;
    let first = devices.as_array().unwrap().iter().find(|d| d["name"] == "执法终端").unwrap().clone();
    assert!(first["revocationToldAt"].is_string() && first["wipe"] == false, "{first}");
    // A wipe may be added later, never taken back.
    assert_eq!(admin.post(&revoke, json!({ "wipe": true })).await.0, StatusCode::NO_CONTENT);
    assert_eq!(admin.post(&revoke, json!({ "wipe": false })).await.0, StatusCode::NO_CONTENT);
    let (_, devices) = admin.get("/api/console/devices").await;
    assert!(devices.as_array().unwrap().iter().any(|d| d["name"] == "执法终端" && d["wipe"] == true), "{devices}");
    let (_, audit) = admin.get("/api/console/audit").await;
    let actions: Vec<&str> = audit["rows"].as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"停用设备") && actions.contains(&"登记执法人员"), "{actions:?}");
    assert!(actions.contains(&"停用设备并要求清除数据"), "{actions:?}");
    server.stop().await;
}

/// 挂牌督办 from the console reaches the devices by sync; its rules hold (重大 only, a due
/// day ahead, 摘牌 only once rectified, never back); 总览 counts it; the ledger filters and
/// exports it. Enterprise import from the 单位 page and the other exports.
async fn supervision_import_and_exports(pg: bool) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let d = Device::new(&server, "王磊", "11010923001").await;
    let other = Device::new(&server, "李娜", "11010923002").await;
    let ent = d.call("create_enterprise", json!({ "input": enterprise(&code("91110109MA0TC021")) })).await.unwrap();
    let colleague = support::devices::officers(&d, ("王磊", "11010923001"), ("赵敏", "11010923009")).await;
    let day = (chrono::Utc::now() + chrono::Duration::days(30)).date_naive().to_string();
    let found = [("炸药库未设置防雷设施".to_owned(), "major", day.clone()), ("灭火器过期".to_owned(), "general", day)];
    let (app, ent_id) = (d.app.clone(), ent["id"].as_str().unwrap().to_owned());
    tokio::task::spawn_blocking(move || anjian_tests::inspect(&app, &ent_id, "mine", &colleague, &found))
        .await
        .unwrap()
        .unwrap();
    d.sync().await;
    other.sync().await;

    let mut staff = signed_in(&server, "李强", Role::Staff).await;
    let (_, ledger) = staff.get("/api/console/hazards").await;
    let row = |level: &str| ledger["rows"].as_array().unwrap().iter().find(|r| r["level"] == level).unwrap().clone();
    let (major, general) = (row("major"), row("general"));
    assert!(major["supervision"].is_null(), "{major}");
    // 检查详情: the checklist's words for every item, the officers, the two hazards.
    let (_, inspections) = staff.get("/api/console/inspections").await;
    let (status, detail) =
        staff.get(&format!("/api/console/inspections/{}", inspections["rows"][0]["id"].as_str().unwrap())).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    let items: Vec<&Value> =
        detail["sections"].as_array().unwrap().iter().flat_map(|s| s["items"].as_array().unwrap()).collect();
    assert!(
        !items.is_empty()
            && items.iter().all(|i| i["result"] == "compliant" && !i["requirement"].as_str().unwrap().is_empty()),
        "{detail}"
    );
    assert!(!detail["checklistTitle"].as_str().unwrap().is_empty(), "{detail}");
    assert_eq!(detail["officers"][1]["name"], "赵敏");
    assert_eq!(detail["hazards"].as_array().unwrap().len(), 2, "{detail}");
    assert_eq!(staff.get("/api/console/inspections/no-such").await.0, StatusCode::NOT_FOUND);
    let path = |h: &Value, tail: &str| format!("/api/console/hazards/{}/supervision{tail}", h["id"].as_str().unwrap());
    let due = (chrono::Utc::now() + chrono::Duration::days(60)).date_naive().to_string();
    let set = json!({ "supervisor": "区应急管理局", "due": due, "note": "每周报告整改进度" });

    // The rules, with Chinese reasons; a leader only reads.
    let (status, body) = staff.post(&path(&general, ""), set.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["message"].as_str().unwrap().contains("只有重大事故隐患"), "{body}");
    let (status, body) =
        staff.post(&path(&major, ""), json!({ "supervisor": "区应急管理局", "due": "2001-01-01" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["message"].as_str().unwrap().contains("督办期限不能早于今天"), "{body}");
    let (status, body) = staff.post(&path(&major, ""), json!({ "supervisor": " ", "due": due })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["message"].as_str().unwrap().contains("督办单位"), "{body}");
    let (status, _) = staff.post("/api/console/hazards/no-such/supervision", set.clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let mut leader = signed_in(&server, "周队长", Role::Leader).await;
    assert_eq!(leader.post(&path(&major, ""), set.clone()).await.0, StatusCode::FORBIDDEN);
    let (status, body) = staff.post(&path(&major, "/lift"), json!({})).await;
    assert!(status == StatusCode::BAD_REQUEST && body["message"].as_str().unwrap().contains("没有挂牌督办"), "{body}");

    // Put under 督办: both devices see it after their next sync.
    let (status, body) = staff.post(&path(&major, ""), set.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "active");
    for device in [&d, &other] {
        device.sync().await;
        let seen = device.call("hazard_ledger", json!({ "level": "major" })).await.unwrap();
        let s = &seen["items"][0]["supervision"];
        assert_eq!((s["supervisor"].as_str(), s["status"].as_str()), (Some("区应急管理局"), Some("active")), "{seen}");
        assert_eq!(s["due"], json!(due));
        assert_eq!(s["setBy"], "李强");
    }
    // 摘牌 only once the hazard is rectified.
    let (status, body) = staff.post(&path(&major, "/lift"), json!({ "note": "" })).await;
    assert!(status == StatusCode::BAD_REQUEST && body["message"].as_str().unwrap().contains("尚未整改"), "{body}");
    d.call("report_rectified", json!({ "hazardId": major["id"], "note": "已安装防雷设施" })).await.unwrap();
    d.sync().await;
    let (status, body) = staff.post(&path(&major, "/lift"), json!({ "note": "复查合格" })).await;
    assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("lifted")), "{body}");
    let (status, body) = staff.post(&path(&major, ""), set.clone()).await;
    assert!(status == StatusCode::BAD_REQUEST && body["message"].as_str().unwrap().contains("已摘牌"), "{body}");
    other.sync().await;
    let seen = other.call("hazard_ledger", json!({ "level": "major" })).await.unwrap();
    assert_eq!(seen["items"][0]["supervision"]["status"], "lifted", "{seen}");

    // 总览 and the ledger count it; the export carries it; the audit log has both acts.
    let year = anjian_core::beijing::today(chrono::Utc::now()).format("%Y").to_string();
    let (_, overview) = staff.get(&format!("/api/console/overview?from={year}-01-01&to={year}-12-31")).await;
    let t = &overview["totals"];
    assert_eq!(
        (t["supervised"].as_i64(), t["supervisedRectified"].as_i64(), t["supervisedOverdue"].as_i64()),
        (Some(1), Some(1), Some(0)),
        "{t}"
    );
    for (filter, want) in [("any", 1), ("lifted", 1), ("active", 0), ("overdue", 0)] {
        let (_, page) = staff.get(&format!("/api/console/hazards?supervision={filter}")).await;
        assert_eq!(page["total"], want, "{filter}: {page}");
    }
    assert_eq!(staff.get("/api/console/hazards?supervision=maybe").await.0, StatusCode::BAD_REQUEST);
    let audit_page = {
        let admin = signed_in(&server, "张敏", Role::Admin).await;
        let (_, audit) = admin.get("/api/console/audit").await;

        // Import from the 单位 page: the admin command's checks, refused rows listed; staff may not.
        let csv = format!(
            "单位名称,统一社会信用代码,地址,镇街,行业\n北京门头沟导入测试有限公司,{},门头沟区永定镇1号,永定镇,非煤矿山\n坏行,12345,,不存在镇,非煤矿山\n",
            code("91110109MA0TC031")
        );
        let import = async |b: &Browser, name: &str| {
            b.send_file(&format!("/api/console/enterprises/import?name={name}"), csv.clone().into_bytes()).await
        };
        let (status, report) = import(&admin, "名录.csv").await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!((report["rows"].as_i64(), report["created"].as_i64()), (Some(2), Some(1)), "{report}");
        assert_eq!(report["refused"][0]["row"], 3, "{report}");
        assert_eq!(import(&staff, "名录.csv").await.0, StatusCode::FORBIDDEN);
        let (status, body) = import(&admin, "名录.pdf").await;
        assert!(status == StatusCode::BAD_REQUEST && body["message"].as_str().unwrap().contains(".xlsx"), "{body}");
        let (_, ents) = admin.get("/api/console/enterprises").await;
        assert_eq!(ents["total"], 2, "{ents}");

        // 检查表: a new version published from its file reaches a device once it syncs;
        // the same file again publishes nothing; a bad one is refused with its reason.
        let mut file: Value = serde_json::from_str(anjian_sync::bundled::CHECKLISTS[0].1).unwrap();
        file["version"] = json!(99);
        let publish = async |b: &Browser, body: Vec<u8>| {
            b.send_file("/api/console/checklists?name=checklist-v99.json", body).await
        };
        let bytes = serde_json::to_vec(&file).unwrap();
        assert_eq!(publish(&staff, bytes.clone()).await.0, StatusCode::FORBIDDEN);
        assert_eq!(publish(&admin, bytes.clone()).await, (StatusCode::OK, json!({ "new": true })));
        assert_eq!(publish(&admin, bytes).await, (StatusCode::OK, json!({ "new": false })));
        let (status, body) = publish(&admin, b"{\"id\": 1}".to_vec()).await;
        assert!(
            status == StatusCode::BAD_REQUEST && body["message"].as_str().unwrap().starts_with("检查表无效"),
            "{body}"
        );
        let key = format!("{}/99", file["id"].as_str().unwrap());
        let (_, lists) = admin.get("/api/console/checklists").await;
        let v99 = lists["versions"].as_array().unwrap().iter().find(|v| v["version"] == 99).unwrap().clone();
        assert_eq!((v99["source"].as_str(), v99["devices"].as_i64()), (Some("published"), Some(0)), "{lists}");
        // A device acknowledges what it pulled with its next pull (the next sync).
        d.sync().await;
        d.sync().await;
        let (_, lists) = admin.get("/api/console/checklists").await;
        let v99 = lists["versions"].as_array().unwrap().iter().find(|v| v["version"] == 99).unwrap().clone();
        assert_eq!(v99["devices"], 1, "{lists}");
        let holder = lists["devices"].as_array().unwrap().iter().find(|x| x["inspectorName"] == "王磊").unwrap();
        assert!(
            holder["holds"].as_array().unwrap().contains(&json!(key)) && holder["lastPull"].is_string(),
            "{holder}"
        );
        let waiting = lists["devices"].as_array().unwrap().iter().find(|x| x["inspectorName"] == "李娜").unwrap();
        assert_eq!(waiting["waiting"], json!([key]), "{waiting}");
        d.sync().await;
        let found = d.call("search_enterprises", json!({ "query": "导入测试" })).await.unwrap();
        assert!(found.to_string().contains("北京门头沟导入测试有限公司"), "the import reaches the devices: {found}");
        audit
    };
    let actions: Vec<&str> =
        audit_page["rows"].as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"挂牌督办") && actions.contains(&"督办摘牌"), "{actions:?}");

    // Exports of the enterprise list and the statistics, read back.
    let (rows, csv) = staff.download("/api/console/hazards/export/csv?supervision=any").await;
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(rows, 1);
    assert!(csv.lines().next().unwrap().ends_with("挂牌督办,督办单位,督办期限"), "{csv}");
    assert!(csv.contains(&format!("已摘牌,区应急管理局,{due}")), "{csv}");
    let (rows, xlsx) = staff.download("/api/console/enterprises/export/xlsx").await;
    assert_eq!(rows, 2);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = calamine::Reader::worksheet_range(&mut book, "单位名录").unwrap();
    assert_eq!(sheet.height(), 3);
    let names: Vec<String> = (1..3).map(|r| sheet.get((r, 0)).unwrap().to_string()).collect();
    let (_, page) = staff.get("/api/console/enterprises").await;
    let shown: Vec<String> =
        page["rows"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap().to_owned()).collect();
    assert_eq!(names, shown, "the file holds what the page shows, in its order");
    let (rows, xlsx) =
        staff.download(&format!("/api/console/overview/export/xlsx?from={year}-01-01&to={year}-12-31")).await;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = calamine::Reader::worksheet_range(&mut book, "统计汇总").unwrap();
    assert_eq!(sheet.height() as u64, rows + 1);
    let total_row: Vec<String> = (0..13).map(|c| sheet.get((1, c)).unwrap().to_string()).collect();
    assert_eq!(total_row[0..5], ["合计", "全区", "1", "1", "2"], "{total_row:?}");
    assert_eq!(total_row[10..13], ["1", "1", "0"], "{total_row:?}");
    // Each kind of document has its column after 签发文书, in every row; together they are it.
    let width = sheet.width();
    let header: Vec<String> = (0..width).map(|c| sheet.get((0, c)).unwrap().to_string()).collect();
    assert_eq!(header[13], "签发文书");
    assert_eq!(header.last().map(String::as_str), Some("统计期间"));
    let kinds = &header[14..width - 1];
    assert!(kinds.iter().all(|k| k.starts_with("其中")) && kinds.len() >= 3, "{header:?}");
    for r in 1..=rows as usize {
        let row: Vec<String> =
            (0..width).map(|c| sheet.get((r, c)).map(ToString::to_string).unwrap_or_default()).collect();
        if row[0] == "文书" {
            continue;
        }
        let by_kind: i64 = row[14..width - 1].iter().map(|v| v.parse::<i64>().unwrap()).sum();
        assert_eq!(by_kind.to_string(), row[13], "{row:?}");
    }
    assert_eq!(
        leader.start_export("/api/console/overview/export/csv?from=2026-01-01&to=2026-12-31").await.0,
        StatusCode::FORBIDDEN
    );
    server.stop().await;
}

/// The password form is no way to guess: wrong current passwords count as failed
/// sign-ins, the fifth locks the account and ends its sessions.
async fn password_form_counts_failures(pg: bool) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let mut b = signed_in(&server, "王芳", Role::Staff).await;
    for n in 1..=5 {
        let (status, body) = b
            .post("/api/console/password", json!({ "current": "猜一猜-猜一猜-0000", "new": "新的密码-2026-门头沟" }))
            .await;
        let want = if n < 5 { StatusCode::BAD_REQUEST } else { StatusCode::LOCKED };
        assert_eq!(status, want, "attempt {n}: {body}");
    }
    assert_eq!(b.get("/api/console/me").await.0, StatusCode::UNAUTHORIZED, "the session ended with the lock");
    let (status, _) = b.login("王芳", "门头沟-应急-2026!").await;
    assert_eq!(status, StatusCode::LOCKED, "locked even with the right password");
    server.stop().await;
}

/// 分类分级 and 双随机: the inspections each class brings month by month, the bureau's
/// rates (checked), relations that keep an inspector from an enterprise, and draws that
/// keep their rules, are kept as made, repeat from their seed and export as 公示.
async fn plans_classes_and_draws(pg: bool) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let mut admin = signed_in(&server, "张敏", Role::Admin).await;
    // Ten enterprises: two of class A, three B, four C, one D; four inspectors.
    let classes = ["A", "A", "B", "B", "B", "C", "C", "C", "C", "D"];
    let mut csv = "单位名称,统一社会信用代码,地址,镇街,行业,监管分类\n".to_owned();
    let mut codes = Vec::new();
    for (n, class) in classes.iter().enumerate() {
        let credit = code(&format!("91110109MA0PL{n:03}"));
        let town = if n % 2 == 0 { "永定镇" } else { "斋堂镇" };
        csv.push_str(&format!(
            "北京门头沟计划测试{n}号有限公司,{credit},门头沟区{town}{n}号,{town},非煤矿山,{class}\n"
        ));
        codes.push(credit);
    }
    let (status, report) = admin.send_file("/api/console/enterprises/import?name=plan.csv", csv.into_bytes()).await;
    assert_eq!((status, report["created"].as_u64()), (StatusCode::OK, Some(10)), "{report}");
    for n in 1..=4 {
        let (status, body) = admin
            .post("/api/console/inspectors", json!({ "name": format!("执法{n}"), "certNo": format!("1101092300{n}") }))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    // An enterprise's class set from the console (admins): published like an import's,
    // so it stays in the field's history; then set back to D.
    let (_, found) = admin.get(&format!("/api/console/enterprises?q={}", "计划测试9号")).await;
    let d_id = found["rows"][0]["id"].as_str().unwrap().to_owned();
    let class_path = format!("/api/console/enterprises/{d_id}/class");
    assert_eq!(admin.post(&class_path, json!({ "class": "E" })).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(
        admin.post("/api/console/enterprises/nope/class", json!({ "class": "A" })).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(admin.post(&class_path, json!({ "class": "A" })).await.0, StatusCode::NO_CONTENT);
    let (_, detail) = admin.get(&format!("/api/console/enterprises/{d_id}")).await;
    assert_eq!(detail["supervisionClass"], "A", "{detail}");
    let history: Vec<&Value> =
        detail["fields"].as_array().unwrap().iter().filter(|f| f["field"] == "supervisionClass").collect();
    assert!(history.len() >= 2, "the class's history keeps the value it replaced: {detail}");
    assert_eq!(admin.post(&class_path, json!({ "class": "D" })).await.0, StatusCode::NO_CONTENT);
    let (_, detail) = admin.get(&format!("/api/console/enterprises/{d_id}")).await;
    assert_eq!(detail["supervisionClass"], "D");

    // 分类分级 for 2026 with the default rates (A 4, B 2, C 1, D only drawn).
    let (status, plan) = admin.get("/api/console/plan/classes?year=2026").await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    let row = |plan: &Value, class: &str| {
        plan["rows"].as_array().unwrap().iter().find(|r| r["class"] == class).unwrap().clone()
    };
    assert_eq!((row(&plan, "A")["enterprises"].as_i64(), row(&plan, "A")["inspections"].as_i64()), (Some(2), Some(8)));
    assert_eq!(row(&plan, "B")["inspections"], 6);
    assert_eq!(row(&plan, "C")["inspections"], 4);
    assert_eq!(row(&plan, "D")["inspections"], 0);
    assert_eq!(plan["inspections"], 18);
    let months: i64 = plan["byMonth"].as_array().unwrap().iter().map(|m| m.as_i64().unwrap()).sum();
    assert_eq!(months, 18, "every planned inspection falls in a month");
    let working: u64 = plan["workingDaysByMonth"].as_array().unwrap().iter().map(|m| m.as_u64().unwrap()).sum();
    assert_eq!(working, 248, "the 2026 calendar's legal working days");
    assert_eq!(admin.get("/api/console/plan/classes?year=1999").await.0, StatusCode::BAD_REQUEST);

    // The bureau's rates: checked; an admin's to set; audited.
    let (status, body) = admin.post("/api/console/plan/rates", json!({ "a": 1, "b": 2, "c": 1, "d": 0 })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["message"].as_str().unwrap().contains("A ≥ B ≥ C ≥ D"), "{body}");
    let mut staff = signed_in(&server, "李强", Role::Staff).await;
    assert_eq!(staff.post(&class_path, json!({ "class": "B" })).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        staff.post("/api/console/plan/rates", json!({ "a": 6, "b": 3, "c": 1, "d": 0 })).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        admin.post("/api/console/plan/rates", json!({ "a": 6, "b": 3, "c": 1, "d": 0 })).await.0,
        StatusCode::NO_CONTENT
    );
    let (_, plan) = staff.get("/api/console/plan/classes?year=2026").await;
    assert_eq!(row(&plan, "A")["inspections"], 12);
    assert_eq!(plan["ratesSetBy"], "张敏");

    // The yearly plan: a draft computed from its inputs and the year's calendar, then
    // published versions that never change.
    let inputs =
        json!({ "year": 2026, "inspectors": 8, "otherEnforcement": 620, "nonEnforcement": 409, "keyPermille": 651 });
    assert_eq!(staff.post("/api/console/year-plans", inputs.clone()).await.0, StatusCode::FORBIDDEN);
    let (status, draft) = admin.post("/api/console/year-plans", inputs.clone()).await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    // 8 × 248 = 1,984 − 620 − 409 = 955 = 622 重点 (65.1%) + 333 一般.
    assert_eq!(
        draft["result"]["days"],
        json!({ "legalDays": 248, "legalTotal": 1984, "inspection": 955, "key": 622, "general": 333 })
    );
    assert_eq!((draft["version"].as_i64(), draft["status"].as_str()), (Some(1), Some("draft")));
    assert_eq!(draft["result"]["classes"]["inspections"], 25, "the class table at the current rates (A 6, B 3, C 1)");
    let edited = json!({ "year": 2026, "inspectors": 9, "otherEnforcement": 620, "nonEnforcement": 409, "keyPermille": 651, "note": "重点：非煤矿山" });
    let (_, again) = admin.post("/api/console/year-plans", edited).await;
    assert_eq!(
        (again["id"].as_str(), again["result"]["days"]["inspection"].as_i64()),
        (draft["id"].as_str(), Some(1203))
    );
    for bad in [
        json!({ "year": 2031, "inspectors": 8, "otherEnforcement": 0, "nonEnforcement": 0, "keyPermille": 500 }),
        json!({ "year": 2026, "inspectors": 1, "otherEnforcement": 200, "nonEnforcement": 100, "keyPermille": 500 }),
        json!({ "year": 2026, "inspectors": 0, "otherEnforcement": 0, "nonEnforcement": 0, "keyPermille": 500 }),
    ] {
        let (status, body) = admin.post("/api/console/year-plans", bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    let publish = format!("/api/console/year-plans/{}/publish", draft["id"].as_str().unwrap());
    assert_eq!(staff.post(&publish, json!({})).await.0, StatusCode::FORBIDDEN);
    let (status, v1) = admin.post(&publish, json!({})).await;
    assert_eq!(
        (status, v1["status"].as_str(), v1["publishedBy"].as_str()),
        (StatusCode::OK, Some("published"), Some("张敏"))
    );
    assert_eq!(admin.post(&publish, json!({})).await.0, StatusCode::BAD_REQUEST, "a published version never changes");
    let (_, v2) = admin.post("/api/console/year-plans", inputs.clone()).await;
    assert_eq!(
        (v2["version"].as_i64(), v2["status"].as_str()),
        (Some(2), Some("draft")),
        "a revision is a new version"
    );
    let (_, versions) = staff.get("/api/console/year-plans?year=2026").await;
    assert_eq!(versions.as_array().unwrap().len(), 2);
    // The published version keeps the class table it was published with; the draft reads today's.
    assert_eq!(
        admin.post("/api/console/plan/rates", json!({ "a": 4, "b": 2, "c": 1, "d": 0 })).await.0,
        StatusCode::NO_CONTENT
    );
    let (_, kept) = staff.get(&format!("/api/console/year-plans/{}", v1["id"].as_str().unwrap())).await;
    assert_eq!(
        (kept["result"]["classes"]["inspections"].as_i64(), kept["inputs"]["inspectors"].as_i64()),
        (Some(25), Some(9))
    );
    let (_, draft2) = staff.get(&format!("/api/console/year-plans/{}", v2["id"].as_str().unwrap())).await;
    assert_eq!(draft2["result"]["classes"]["inspections"], 18);

    // A relation keeps an inspector from an enterprise in every draw.
    let (_, inspectors) = admin.get("/api/console/plan/inspectors").await;
    let ids: Vec<String> =
        inspectors.as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ids.len(), 4);
    let relation = json!({ "creditCode": codes[0], "inspectorId": ids[0], "reason": "亲属在该单位任职" });
    assert_eq!(staff.post("/api/console/plan/relations", relation.clone()).await.0, StatusCode::FORBIDDEN);
    assert_eq!(admin.post("/api/console/plan/relations", relation).await.0, StatusCode::NO_CONTENT);
    let (status, body) = admin
        .post("/api/console/plan/relations", json!({ "creditCode": "nope", "inspectorId": ids[0], "reason": "x" }))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    // A draw of six from the whole district: its rules, kept as made, repeatable.
    let request = json!({ "title": "2026年第一次双随机抽查", "seed": "门头沟-2026-01", "count": 6 });
    let mut leader = signed_in(&server, "周队长", Role::Leader).await;
    assert_eq!(leader.post("/api/console/draws", request.clone()).await.0, StatusCode::FORBIDDEN);
    let (status, drawn) = staff.post("/api/console/draws", request.clone()).await;
    assert_eq!(status, StatusCode::OK, "{drawn}");
    assert_eq!(
        (drawn["poolSize"].as_i64(), drawn["count"].as_i64(), drawn["drawnBy"].as_str()),
        (Some(10), Some(6), Some("李强"))
    );
    let rows = drawn["rows"].as_array().unwrap();
    let mut pairs = std::collections::HashSet::new();
    for r in rows {
        let officers: Vec<&str> = r["officers"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap()).collect();
        assert!(pairs.insert(officers.clone()), "a pair twice in one draw: {drawn}");
        if r["creditCode"] == codes[0].as_str() {
            assert!(!officers.contains(&ids[0].as_str()), "a related inspector drawn: {drawn}");
        }
        assert!(!r["enterpriseName"].as_str().unwrap().is_empty());
    }
    let (_, again) = staff.post("/api/console/draws", request.clone()).await;
    assert_eq!(again["rows"], drawn["rows"], "the same seed over the same pool draws the same");
    let (_, list) = leader.get("/api/console/draws").await;
    assert_eq!(list.as_array().unwrap().len(), 2);
    let (status, kept) = leader.get(&format!("/api/console/draws/{}", drawn["id"].as_str().unwrap())).await;
    assert_eq!((status, &kept["rows"]), (StatusCode::OK, &drawn["rows"]));
    assert!(kept["method"].as_str().unwrap().contains("SHA-256"));
    assert_eq!(leader.get("/api/console/draws/nope").await.0, StatusCode::NOT_FOUND);
    // Too many for the pool, or for the pairs four inspectors make (six), is refused.
    let (status, body) = staff.post("/api/console/draws", json!({ "title": "多", "count": 11 })).await;
    assert!(status == StatusCode::BAD_REQUEST && body["message"].as_str().unwrap().contains("只有 10 家"), "{body}");
    let (status, body) = staff.post("/api/console/draws", json!({ "title": "多", "count": 8 })).await;
    assert!(status == StatusCode::BAD_REQUEST && body["message"].as_str().unwrap().contains("两人小组"), "{body}");
    let (status, body) = staff
        .post("/api/console/draws", json!({ "title": "按分类", "class": "C", "town": "110109102", "count": 1 }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["poolSize"], 2, "class C in 永定镇: {body}");
    assert_eq!(
        staff.post("/api/console/draws", json!({ "title": "x", "class": "E", "count": 1 })).await.0,
        StatusCode::BAD_REQUEST
    );
    // Without a seed the server makes one and records it.
    let (_, unseeded) = staff.post("/api/console/draws", json!({ "title": "自动种子", "count": 2 })).await;
    assert_eq!(unseeded["seed"].as_str().unwrap().len(), 16, "{unseeded}");

    // The 公示 list, read back: a row per enterprise drawn, in the draw's order.
    let (rows_written, file) =
        staff.download(&format!("/api/console/draws/{}/export/csv", drawn["id"].as_str().unwrap())).await;
    assert_eq!(rows_written, 6);
    let file = String::from_utf8(file).unwrap();
    let lines: Vec<&str> = file.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].starts_with("序号,单位名称,统一社会信用代码"), "{file}");
    assert!(lines[1].starts_with(&format!("1,{}", rows[0]["enterpriseName"].as_str().unwrap())), "{file}");
    assert!(lines[1].ends_with("门头沟-2026-01"), "{file}");
    let (_, audit) = admin.get("/api/console/audit").await;
    let actions: Vec<&str> = audit["rows"].as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
    for action in ["双随机抽取", "设置分类分级检查频次", "登记回避关系", "导出双随机公示"] {
        assert!(actions.contains(&action), "{action}: {actions:?}");
    }
    server.stop().await;
}

/// Tasks: made from a draw and from the published yearly plan, each reaching only its two
/// officers' devices; one done offline on a device comes back done in the console after
/// its sync; a device cannot write a task, nor complete one it was not given.
async fn tasks_reach_their_officers_and_come_back_done(pg: bool) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let admin_once = add_user(&server, "张敏", Role::Admin).await;
    let mut admin = Browser::new(&server);
    admin.login("张敏", &admin_once).await;
    admin.post("/api/console/password", json!({ "current": admin_once, "new": "门头沟-应急-2026!" })).await;
    let mut staff = signed_in(&server, "李强", Role::Staff).await;
    let mut csv = "单位名称,统一社会信用代码,地址,镇街,行业,监管分类\n".to_owned();
    for (n, class) in ["A", "B", "C", "C"].iter().enumerate() {
        let credit = code(&format!("91110109MA0TK{n:03}"));
        csv.push_str(&format!(
            "北京门头沟任务测试{n}号有限公司,{credit},门头沟区永定镇{n}号,永定镇,非煤矿山,{class}\n"
        ));
    }
    let (status, report) = admin.send_file("/api/console/enterprises/import?name=tasks.csv", csv.into_bytes()).await;
    assert_eq!((status, report["created"].as_u64()), (StatusCode::OK, Some(4)), "{report}");

    // Three inspectors, each with a device of their own.
    let people = [("王磊", "11010923001"), ("赵敏", "11010923009"), ("孙丽", "11010923005")];
    let mut devices = Vec::new();
    for (n, me) in people.iter().enumerate() {
        let d = Device::new(&server, me.0, me.1).await;
        // 王磊's device knows no colleague of its own: the task brings his (pairing names
        // the device's inspector).
        if n > 0 {
            let other = people[(n + 1) % 3];
            support::devices::officers(&d, *me, other).await;
        }
        d.sync().await;
        devices.push(d);
    }

    // A draw of three from four with three inspectors uses every pair once: each
    // inspector carries two tasks.
    let (status, drawn) =
        staff.post("/api/console/draws", json!({ "title": "十二月双随机", "seed": "任务-1", "count": 3 })).await;
    assert_eq!(status, StatusCode::OK, "{drawn}");
    let draw_tasks = format!("/api/console/draws/{}/tasks", drawn["id"].as_str().unwrap());
    let this_month = anjian_core::task::Month::of(anjian_core::beijing::today(chrono::Utc::now())).to_string();
    for bad in [json!({ "month": "2020-01" }), json!({ "month": "2026-13" }), json!({ "month": "" })] {
        let (status, body) = staff.post(&draw_tasks, bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    let mut leader = signed_in(&server, "周队长", Role::Leader).await;
    assert_eq!(leader.post(&draw_tasks, json!({ "month": this_month })).await.0, StatusCode::FORBIDDEN);
    let (status, made) = staff.post(&draw_tasks, json!({ "month": this_month })).await;
    assert_eq!((status, made["tasks"].as_i64()), (StatusCode::OK, Some(3)), "{made}");
    let (status, again) = staff.post(&draw_tasks, json!({ "month": this_month })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "one set of tasks per draw: {again}");
    let year: i32 = this_month[..4].parse().unwrap();
    let (_, list) = leader.get(&format!("/api/console/tasks?year={year}")).await;
    assert_eq!(list["total"], 3, "{list}");

    // Each device holds exactly its inspector's tasks.
    for (d, me) in devices.iter().zip(people) {
        d.sync().await;
        let mine = d.call("list_tasks", json!({})).await.unwrap();
        let mine = mine.as_array().unwrap();
        assert_eq!(mine.len(), 2, "{me:?}: {mine:?}");
        assert!(mine.iter().all(|t| t["state"] == "due" && t["open"] == true && t["source"] == "draw"), "{mine:?}");
    }
    // What the server hands a device of 孙丽 holds only her tasks: the others' never reach it.
    let sun = people[2];
    let code = server.with(move |s| anjian_server::enrol(s, sun.0, sun.1, 7)).await.unwrap();
    let client = anjian_sync::client::Client::new(&server.url, None, support::quick()).unwrap();
    let pair = client.pair(&code, "执法终端").await.unwrap();
    let (client, sun_device) = (client.with_token(pair.token.clone()), pair.device_id);
    let images = support::devices::latest_images(&client).await;
    let tasks: Vec<&anjian_sync::records::TaskImage> = images
        .values()
        .filter_map(|i| match i {
            Image::Task(t) => Some(t),
            _ => None,
        })
        .collect();
    assert_eq!(tasks.len(), 2, "{tasks:?}");
    assert!(tasks.iter().all(|t| t.officers.iter().any(|o| o.cert_no == people[2].1)), "{tasks:?}");
    // A device cannot write a task, nor complete with a forged inspection one it was not given.
    let forged_task = anjian_sync::records::TaskImage { status: "cancelled".into(), ..tasks[0].clone() };
    let now_rev = anjian_core::hlc::Hlc { wall_ms: chrono::Utc::now().timestamp_millis() as u64, counter: 0, node: 9 };
    let answer = client
        .push(&anjian_sync::protocol::PushBatch {
            batch_id: "forged-task".into(),
            changes: vec![support::devices::forged(&sun_device, 1, &Image::Task(forged_task), &now_rev.to_string())],
        })
        .await
        .unwrap();
    assert_eq!(answer.results[0].outcome, anjian_sync::protocol::Outcome::Refused, "{answer:?}");
    assert!(answer.results[0].reason.as_deref().unwrap_or_default().contains("检查任务只能由区局发布"), "{answer:?}");

    // 王磊 does the task he shares with 赵敏 offline; after his sync the console sees it
    // done, and so does 赵敏's device after hers.
    let wang = &devices[0];
    let mine = wang.call("list_tasks", json!({})).await.unwrap();
    let task = mine.as_array().unwrap().iter().find(|t| t["colleagueName"] == "赵敏").unwrap().clone();
    let other = mine.as_array().unwrap().iter().find(|t| t["colleagueName"] == "孙丽").unwrap().clone();
    // Not with another enterprise than the task's.
    let wrong = wang
        .call(
            "start_inspection",
            json!({ "enterpriseId": other["enterpriseId"], "templateId": "x", "templateVersion": 1,
                     "colleagueId": task["colleagueId"], "taskId": task["id"] }),
        )
        .await;
    assert!(wrong.is_err(), "{wrong:?}");
    let app = wang.app.clone();
    let t = task.clone();
    let (inspection, _) =
        tokio::task::spawn_blocking(move || anjian_tests::inspect_task(&app, &t)).await.unwrap().unwrap();
    let mine = wang.call("list_tasks", json!({})).await.unwrap();
    let done = mine.as_array().unwrap().iter().find(|t| t["id"] == task["id"]).unwrap();
    assert_eq!((done["state"].as_str(), &done["inspectionId"]), (Some("done"), &inspection), "done offline");
    let (_, progress) = staff.get(&format!("/api/console/tasks/progress?year={year}")).await;
    assert_eq!((progress["total"]["planned"].as_i64(), progress["total"]["done"].as_i64()), (Some(3), Some(0)));
    wang.sync().await;
    let (_, progress) = staff.get(&format!("/api/console/tasks/progress?year={year}")).await;
    assert_eq!(
        (progress["total"]["planned"].as_i64(), progress["total"]["done"].as_i64()),
        (Some(3), Some(1)),
        "{progress}"
    );
    let month = progress["byMonth"].as_array().unwrap().iter().find(|m| m["key"] == this_month.as_str()).unwrap();
    assert_eq!((month["planned"].as_i64(), month["done"].as_i64()), (Some(3), Some(1)));
    let town = progress["byTown"].as_array().unwrap().iter().find(|m| m["label"] == "永定镇").unwrap();
    assert_eq!((town["planned"].as_i64(), town["done"].as_i64()), (Some(3), Some(1)));
    let load: Vec<(String, i64, i64)> = progress["load"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["name"].as_str().unwrap().to_owned(), l["planned"].as_i64().unwrap(), l["done"].as_i64().unwrap()))
        .collect();
    for (name, planned, done) in &load {
        assert_eq!(*planned, 2, "{load:?}");
        assert_eq!(*done, i64::from(name != "孙丽"), "{load:?}");
    }
    let (_, done_list) = leader.get(&format!("/api/console/tasks?year={year}&state=done")).await;
    assert_eq!(
        (done_list["total"].as_i64(), done_list["rows"][0]["inspectionId"].as_str(), &done_list["rows"][0]["open"]),
        (Some(1), inspection.as_str(), &json!(false))
    );
    devices[1].sync().await;
    let hers = devices[1].call("list_tasks", json!({})).await.unwrap();
    assert!(hers.as_array().unwrap().iter().any(|t| t["id"] == task["id"] && t["state"] == "done"), "{hers}");

    // A done task is not cancelled; an open one is, and its officers' devices learn it.
    let cancel = |id: &Value| format!("/api/console/tasks/{}/cancel", id.as_str().unwrap());
    let (status, body) = staff.post(&cancel(&task["id"]), json!({})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(leader.post(&cancel(&other["id"]), json!({})).await.0, StatusCode::FORBIDDEN);
    assert_eq!(staff.post(&cancel(&other["id"]), json!({})).await.0, StatusCode::NO_CONTENT);
    assert_eq!(staff.post(&cancel(&other["id"]), json!({})).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(staff.post("/api/console/tasks/nope/cancel", json!({})).await.0, StatusCode::NOT_FOUND);
    devices[2].sync().await;
    let sun = devices[2].call("list_tasks", json!({})).await.unwrap();
    assert!(sun.as_array().unwrap().iter().any(|t| t["id"] == other["id"] && t["state"] == "cancelled"), "{sun}");
    let (_, progress) = staff.get(&format!("/api/console/tasks/progress?year={year}")).await;
    assert_eq!(progress["total"]["planned"], 2, "a cancelled task is not planned: {progress}");

    // The published yearly plan's tasks: from this month on, two officers each by load;
    // once a year.
    let inputs =
        json!({ "year": year, "inspectors": 3, "otherEnforcement": 10, "nonEnforcement": 10, "keyPermille": 600 });
    let (_, draft) = admin.post("/api/console/year-plans", inputs).await;
    let plan_tasks = format!("/api/console/year-plans/{}/tasks", draft["id"].as_str().unwrap());
    assert_eq!(admin.post(&plan_tasks, json!({})).await.0, StatusCode::BAD_REQUEST, "a draft makes no tasks");
    let (_, published) =
        admin.post(&format!("/api/console/year-plans/{}/publish", draft["id"].as_str().unwrap()), json!({})).await;
    assert_eq!(published["status"], "published", "{published}");
    assert_eq!(staff.post(&plan_tasks, json!({})).await.0, StatusCode::FORBIDDEN);
    let planned = published["result"]["classes"]["inspections"].as_i64().unwrap();
    let (status, made) = admin.post(&plan_tasks, json!({})).await;
    if status == StatusCode::OK {
        assert_eq!(made["tasks"].as_i64().unwrap() + made["skippedPast"].as_i64().unwrap(), planned, "{made}");
        assert_eq!(admin.post(&plan_tasks, json!({})).await.0, StatusCode::BAD_REQUEST, "once a year");
    } else {
        // Nothing of the plan falls in this month or later.
        assert_eq!(status, StatusCode::BAD_REQUEST, "{made}");
    }
    let (_, audit) = admin.get("/api/console/audit").await;
    let actions: Vec<&str> = audit["rows"].as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"下达双随机检查任务") && actions.contains(&"取消检查任务"), "{actions:?}");
    assert!(records_rebuild_alike(&server).await.iter().any(|t| t.table == "task" && t.rows > 0));
    server.stop().await;
}

both_backends!(
    tasks_reach_their_officers_and_come_back_done,
    password_form_counts_failures,
    accounts_sessions_and_csrf,
    figures_ledger_and_verification,
    supervision_import_and_exports,
    plans_classes_and_draws
);
