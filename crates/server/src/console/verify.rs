//! `/v/<code>`: the public page that tells whoever holds a printed document whether the
//! bureau issued it and whether it still stands. No sign-in; nothing but the kind,
//! number, addressee, issue date and status; a limited number of looks per address.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::records::{self, Verified};
use super::{ConsoleState, Peer, Q, VERIFICATIONS_PER_MINUTE, transact};

/// Crockford's base32, as `docs::verify` prints codes.
const ALPHABET: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A code as printed (XXXXX-XXXXX) from what someone typed: any case, with or without
/// the hyphen or spaces, O read as 0 and I or L as 1 (Crockford's rule).
pub fn normalise(typed: &str) -> Option<String> {
    let chars: String = typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\u{3000}'))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    if chars.chars().count() != 10 || !chars.chars().all(|c| ALPHABET.contains(c)) {
        return None;
    }
    Some(format!("{}-{}", &chars[..5], &chars[5..]))
}

#[derive(Debug, serde::Deserialize)]
pub struct Lookup {
    code: Option<String>,
}

/// `/v?code=…`: the form's answer (and the form, with no code).
pub async fn lookup(state: State<ConsoleState>, peer: Peer, Q(q): Q<Lookup>) -> Response {
    match q.code {
        Some(code) if !code.trim().is_empty() => page(state, peer, Path(code)).await,
        _ => html(StatusCode::OK, "文书核验", &form("")),
    }
}

pub async fn page(State(state): State<ConsoleState>, Peer(peer): Peer, Path(typed): Path<String>) -> Response {
    if let Some(ip) = peer
        && !state.verifications.allow(ip, VERIFICATIONS_PER_MINUTE)
    {
        let mut res =
            html(StatusCode::TOO_MANY_REQUESTS, "请稍后再试", "<p class=\"bad\">查询过于频繁，请一分钟后再试。</p>");
        res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        return res;
    }
    let Some(code) = normalise(&typed) else {
        return not_found(&typed);
    };
    let looked_up = code.clone();
    match transact(&state.storage, move |sql| records::verify(sql, &looked_up)).await {
        Ok(Some(doc)) => html(StatusCode::OK, "文书核验", &found(&code, &doc)),
        Ok(None) => not_found(&code),
        Err(e) => e.into_response(),
    }
}

fn not_found(code: &str) -> Response {
    html(
        StatusCode::NOT_FOUND,
        "查无此文书",
        &format!(
            "<p class=\"bad\" role=\"status\"><strong>查无此文书</strong></p><p>核验码“{}”没有对应的已签发文书。请核对文书页脚的核验码后重新输入。</p>{}",
            escape(code),
            form(code)
        ),
    )
}

fn found(code: &str, d: &Verified) -> String {
    let status = match &d.voided_day {
        None => "<strong class=\"ok\">有效</strong>".to_owned(),
        Some(day) => format!("<strong class=\"bad\">已作废</strong>（{}作废）", chinese_day(day)),
    };
    format!(
        "<dl><dt>核验码</dt><dd>{}</dd><dt>文书</dt><dd>{}</dd><dt>文号</dt><dd>{}</dd><dt>被检查单位</dt><dd>{}</dd><dt>签发日期</dt><dd>{}</dd><dt>状态</dt><dd role=\"status\">{status}</dd></dl>",
        escape(code),
        escape(&d.title),
        escape(&d.number),
        escape(&d.addressee),
        escape(&chinese_day(&d.issued_day)),
    )
}

/// 2026-12-03 as 2026年12月3日.
fn chinese_day(day: &str) -> String {
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map(|d| {
            use chrono::Datelike;
            format!("{}年{}月{}日", d.year(), d.month(), d.day())
        })
        .unwrap_or_else(|_| day.to_owned())
}

fn form(code: &str) -> String {
    format!(
        "<form method=\"get\" action=\"/v\"><label for=\"code\">核验码（文书页脚，形如 ABCDE-12345）</label><input id=\"code\" name=\"code\" value=\"{}\" autocomplete=\"off\" maxlength=\"20\"><button type=\"submit\">核验</button></form>",
        escape(code)
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

fn html(status: StatusCode, title: &str, body: &str) -> Response {
    let page = format!(
        r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>{title} · 门头沟区应急管理局</title><style>
body{{font:18px/1.6 system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;background:#f6f7f9;color:#111}}
main{{max-width:40rem;margin:0 auto;padding:1.5rem}}h1{{font-size:1.5rem;margin:.5rem 0 1rem}}
dl{{display:grid;grid-template-columns:max-content 1fr;gap:.5rem 1rem;background:#fff;border:1px solid #8a8f98;border-radius:8px;padding:1rem}}
dt{{color:#333}}dd{{margin:0;font-weight:600}}.ok{{color:#0a5c2b}}.bad{{color:#a11212}}
label{{display:block;margin:1rem 0 .25rem}}input{{font:inherit;min-height:44px;padding:0 .5rem;border:2px solid #555;border-radius:6px;width:14rem}}
button{{font:inherit;min-height:44px;min-width:44px;margin-left:.5rem;padding:0 1rem;border:0;border-radius:6px;background:#0b4f9c;color:#fff}}
:focus-visible{{outline:3px solid #f5a800;outline-offset:2px}}</style></head>
<body><main><h1>{title}</h1>{body}<p><small>门头沟区应急管理局 · 本页只显示文书的种类、文号、被检查单位、签发日期和状态。</small></p></main></body></html>"#
    );
    let mut res = (status, Html(page)).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_as_crockford_reads_them() {
        assert_eq!(normalise("abcde-12345").as_deref(), Some("ABCDE-12345"));
        assert_eq!(normalise(" ABCDE 12345 ").as_deref(), Some("ABCDE-12345"));
        assert_eq!(normalise("oiLde12345").as_deref(), Some("011DE-12345"));
        for refused in ["", "ABCDE-1234", "ABCDE-123456", "ABCDU-12345", "<script>", "ABCDE–12345"] {
            assert_eq!(normalise(refused), None, "{refused}");
        }
    }

    #[test]
    fn what_the_page_prints_is_escaped() {
        let d = Verified {
            title: "责令限期整改指令书".into(),
            number: "门应急责改〔2026〕第0012号".into(),
            addressee: "<b>某</b>公司".into(),
            issued_day: "2026-12-03".into(),
            voided_day: Some("2026-12-04".into()),
        };
        let page = found("ABCDE-12345", &d);
        assert!(page.contains("&lt;b&gt;某&lt;/b&gt;公司") && !page.contains("<b>某"));
        assert!(page.contains("2026年12月3日") && page.contains("已作废") && page.contains("2026年12月4日作废"));
    }
}
