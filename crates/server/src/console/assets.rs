//! The built console, inside the binary (see build.rs): hashed files cached for a year,
//! `index.html` for every other path so the console's own routes load on refresh.

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

include!(concat!(env!("OUT_DIR"), "/console_assets.rs"));

fn find(path: &str) -> Option<&'static (&'static str, &'static str, &'static [u8])> {
    ASSETS.iter().find(|(p, _, _)| *p == path)
}

pub async fn serve(req: Request) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return (StatusCode::METHOD_NOT_ALLOWED, "不支持这个请求方法").into_response();
    }
    let path = req.uri().path();
    if path.starts_with("/api/") {
        return crate::http::ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这个接口").into_response();
    }
    let (asset, immutable) = match find(path) {
        Some(a) if path != "/index.html" => (a, path.starts_with("/assets/")),
        // A path of the console's own (/hazards, /login…) or an unknown one: the page.
        _ => match find("/index.html") {
            Some(index) => (index, false),
            None => {
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                    "本服务器构建时没有带上控制台：请在 ui/ 下运行 npm run build:console 后重新构建 anjian-server。",
                )
                    .into_response();
            }
        },
    };
    let (_, mime, bytes) = *asset;
    let mut res = (StatusCode::OK, [(header::CONTENT_TYPE, mime)], bytes).into_response();
    let cache = if immutable { "public, max-age=31536000, immutable" } else { "no-cache" };
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}
