//! A faithful local stand-in for kuaidi100's real-time query endpoint (`poll/query.do`):
//! it takes the form kuaidi100 takes, checks `sign` = MD5(param + key + customer) in
//! uppercase with its own account, asks SF/ZTO for the phone, and answers each number with
//! what a test scripted — a timeline, "no result", HTTP 500 or garbage — in kuaidi100's
//! shapes (`resultv2=4`), newest first unless `order` is `asc`.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Router};

/// The stand-in's account (test values, not secrets).
pub const CUSTOMER: &str = "8A1C0F6E2B3D4C5A6978E1F20A3B4C5D";
pub const KEY: &str = "tEsTkEy0042";

/// Carriers kuaidi100 answers only with a phone.
const NEEDS_PHONE: &[&str] = &["shunfeng", "shunfengkuaiyun", "zhongtong", "fengwang"];

/// One scan in a carrier's timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Scan {
    /// `2026-11-28 10:00:00`.
    pub time: String,
    /// kuaidi100's detailed state code, e.g. `1002`.
    pub code: String,
    pub context: String,
    /// kuaidi100's `areaName`, e.g. `广东,深圳市,南山区`.
    pub area: Option<String>,
}

/// A scan at `time` with state `code`.
pub fn scan(time: &str, code: &str, context: &str) -> Scan {
    Scan {
        time: time.into(),
        code: code.into(),
        context: context.into(),
        area: None,
    }
}

impl Scan {
    /// The same scan in `area`.
    pub fn at(mut self, area: &str) -> Scan {
        self.area = Some(area.into());
        self
    }
}

/// What the stand-in answers for a number.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The carrier knows the parcel: its current kuaidi100 `state` code and its scans (in
    /// any order; served sorted).
    Timeline { state: String, scans: Vec<Scan> },
    /// `{"result":false,"returnCode":"500","message":"查询无结果，请隔段时间再查"}`.
    NoResult,
    /// HTTP 500 with an error page.
    ServerError,
    /// HTTP 200 with something that is not JSON.
    Garbage,
}

impl Answer {
    /// A timeline in state `state`.
    pub fn timeline(state: &str, scans: Vec<Scan>) -> Answer {
        Answer::Timeline {
            state: state.into(),
            scans,
        }
    }
}

#[derive(Clone, Default)]
struct Inner {
    answers: Arc<Mutex<HashMap<String, Answer>>>,
    /// The recipient phone a carrier has on file, per number.
    phones: Arc<Mutex<HashMap<String, String>>>,
    queries: Arc<Mutex<HashMap<String, usize>>>,
    last_phone: Arc<Mutex<Option<String>>>,
    last_param: Arc<Mutex<Option<serde_json::Value>>>,
    latency_ms: Arc<AtomicU64>,
}

/// The running stand-in.
pub struct Kuaidi100StandIn {
    /// The query endpoint, to give the client.
    pub url: String,
    inner: Inner,
}

impl Kuaidi100StandIn {
    pub async fn start() -> Kuaidi100StandIn {
        let inner = Inner::default();
        let app = Router::new()
            .route("/poll/query.do", post(query))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!(
            "http://{}/poll/query.do",
            listener.local_addr().expect("addr")
        );
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Kuaidi100StandIn { url, inner }
    }

    /// From now on, `num` is answered with `answer`.
    pub fn set_answer(&self, num: &str, answer: Answer) {
        if let Ok(mut answers) = self.inner.answers.lock() {
            answers.insert(num.to_owned(), answer);
        }
    }

    /// The recipient's phone the carrier has for `num`; SF/ZTO queries must then send its
    /// last four digits (or all of it), as with the real carriers.
    pub fn set_phone(&self, num: &str, phone: &str) {
        if let Ok(mut phones) = self.inner.phones.lock() {
            phones.insert(num.to_owned(), phone.to_owned());
        }
    }

    /// Makes every answer take `ms` milliseconds.
    pub fn set_latency(&self, ms: u64) {
        self.inner.latency_ms.store(ms, Ordering::SeqCst);
    }

    /// Correctly signed queries of `num` so far.
    pub fn queries(&self, num: &str) -> usize {
        self.inner
            .queries
            .lock()
            .ok()
            .and_then(|q| q.get(num).copied())
            .unwrap_or(0)
    }

    /// The `phone` of the last query (`None` when it had none).
    pub fn last_phone(&self) -> Option<String> {
        self.inner.last_phone.lock().ok().and_then(|p| p.clone())
    }

    /// The `param` of the last query, parsed.
    pub fn last_param(&self) -> Option<serde_json::Value> {
        self.inner.last_param.lock().ok().and_then(|p| p.clone())
    }
}

/// kuaidi100's refusal: HTTP 200, `result: false`.
fn refusal(code: &str, message: &str) -> Response {
    serde_json::json!({"result": false, "returnCode": code, "message": message})
        .to_string()
        .into_response()
}

fn md5_upper(text: &str) -> String {
    use md5::{Digest, Md5};
    hex::encode_upper(Md5::digest(text.as_bytes()))
}

/// kuaidi100's name for a detailed state code (its `status` field with `resultv2=4`).
fn status_name(code: &str) -> &'static str {
    match code {
        "0" => "在途",
        "1001" => "到达派件城市",
        "1002" => "干线",
        "1003" => "转递",
        "1" => "揽收",
        "101" => "已下单",
        "102" => "待揽收",
        "103" => "已揽收",
        "2" => "疑难",
        "201" => "超时未签收",
        "202" => "超时未更新",
        "203" => "拒收",
        "204" => "派件异常",
        "205" => "柜或驿站超时未取",
        "206" => "无法联系",
        "207" => "超区",
        "208" => "滞留",
        "209" => "破损",
        "210" => "销单",
        "3" => "签收",
        "301" => "本人签收",
        "302" => "派件异常后签收",
        "303" => "代签",
        "304" => "投柜或站签收",
        "4" => "退签",
        "401" => "已销单",
        "5" => "派件",
        "501" => "投柜或驿站",
        "6" => "退回",
        "7" => "转投",
        "8" => "清关",
        "10" => "待清关",
        "11" => "清关中",
        "12" => "已清关",
        "13" => "清关异常",
        "14" => "拒签",
        _ => "",
    }
}

async fn query(State(inner): State<Inner>, Form(form): Form<HashMap<String, String>>) -> Response {
    let latency = inner.latency_ms.load(Ordering::SeqCst);
    if latency > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(latency)).await;
    }
    let (Some(customer), Some(sign), Some(param)) =
        (form.get("customer"), form.get("sign"), form.get("param"))
    else {
        return refusal("400", "提交的数据不完整，或者贵公司没授权");
    };
    // Signed over the exact bytes of `param`, as sent; uppercase only.
    if customer != CUSTOMER || *sign != md5_upper(&format!("{param}{KEY}{customer}")) {
        return refusal("503", "验证签名失败");
    }
    let Ok(param) = serde_json::from_str::<serde_json::Value>(param) else {
        return refusal("400", "提交的数据不完整，或者贵公司没授权");
    };
    let field = |k: &str| param[k].as_str().map(str::to_owned);
    let (Some(com), Some(num)) = (field("com"), field("num")) else {
        return refusal("400", "找不到对应公司");
    };
    let phone = field("phone");
    if let Ok(mut queries) = inner.queries.lock() {
        *queries.entry(num.clone()).or_default() += 1;
    }
    if let Ok(mut last) = inner.last_phone.lock() {
        *last = phone.clone();
    }
    if let Ok(mut last) = inner.last_param.lock() {
        *last = Some(param.clone());
    }
    if com.is_empty() || com != com.to_ascii_lowercase() {
        return refusal("400", "找不到对应公司");
    }
    if NEEDS_PHONE.contains(&com.as_str()) {
        let on_file = inner.phones.lock().ok().and_then(|p| p.get(&num).cloned());
        let good = match (&phone, on_file) {
            (None, _) => false,
            (Some(sent), None) => !sent.is_empty(),
            (Some(sent), Some(real)) => *sent == real || (sent.len() == 4 && real.ends_with(sent)),
        };
        if !good {
            return refusal("408", "快递公司参数异常：验证码错误");
        }
    }
    let answer = inner
        .answers
        .lock()
        .ok()
        .and_then(|a| a.get(&num).cloned())
        .unwrap_or(Answer::NoResult);
    match answer {
        Answer::NoResult => refusal("500", "查询无结果，请隔段时间再查"),
        Answer::ServerError => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "<html><body><h1>500 Internal Server Error</h1></body></html>",
        )
            .into_response(),
        Answer::Garbage => "<html><body>系统维护中</body></html>".into_response(),
        Answer::Timeline { state, mut scans } => {
            scans.sort_by(|a, b| b.time.cmp(&a.time));
            if param["order"].as_str() == Some("asc") {
                scans.reverse();
            }
            let data: Vec<serde_json::Value> = scans
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "time": s.time,
                        "context": s.context,
                        "ftime": s.time,
                        "areaCode": null,
                        "areaName": s.area,
                        "status": status_name(&s.code),
                        "location": "",
                        "areaCenter": null,
                        "areaPinYin": null,
                        "statusCode": s.code,
                    })
                })
                .collect();
            let ischeck = if state.starts_with('3') { "1" } else { "0" };
            serde_json::json!({
                "message": "ok",
                "nu": num,
                "ischeck": ischeck,
                "com": com,
                "status": "200",
                "data": data,
                "state": state,
                "condition": "F00",
                "routeInfo": {"from": null, "cur": null, "to": null},
                "isLoop": false,
            })
            .to_string()
            .into_response()
        }
    }
}
