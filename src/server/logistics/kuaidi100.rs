//! kuaidi100's real-time query (实时快递查询): one signed form POST per parcel, answered with
//! the carrier's whole timeline.
//!
//! The request carries `customer`, `param` (compact JSON: `com`, `num`, `phone` where the
//! carrier needs it, `resultv2` = `4` for the detailed state codes) and `sign`, the
//! uppercase hex MD5 of `param + key + customer`. kuaidi100 asks for at least half an hour
//! between two queries of one number, or it locks the number; callers space their polls.

use std::time::Duration;

use futures_util::future::BoxFuture;
use serde::Serialize;
use serde_json::Value;

use super::{LogisticsProvider, TrackingEvent, TrackingResult, TrackingState};

/// Where kuaidi100 answers real-time queries.
pub const DEFAULT_ENDPOINT: &str = "https://poll.kuaidi100.com/poll/query.do";

/// Carriers (kuaidi100 codes) that answer only when given the recipient's or sender's
/// phone: 顺丰速运, 顺丰快运, 中通快递 (kuaidi100's query documentation) and 丰网速运
/// (required by the earlier edition of it). Without it kuaidi100 answers `408`
/// 快递公司参数异常：验证码错误. The phone goes to no other carrier.
pub const NEEDS_PHONE: &[&str] = &["shunfeng", "shunfengkuaiyun", "zhongtong", "fengwang"];

/// The `sign` of a query: uppercase hex MD5 of `param`, `key` and `customer`, concatenated
/// in that order.
pub fn sign(param: &str, key: &str, customer: &str) -> String {
    use md5::{Digest, Md5};
    let mut md5 = Md5::new();
    md5.update(param.as_bytes());
    md5.update(key.as_bytes());
    md5.update(customer.as_bytes());
    hex::encode_upper(md5.finalize())
}

/// A kuaidi100 enterprise account.
pub struct Kuaidi100 {
    http: reqwest::Client,
    endpoint: String,
    customer: String,
    key: String,
}

impl std::fmt::Debug for Kuaidi100 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key signs queries billed to the account: never in logs.
        f.debug_struct("Kuaidi100")
            .field("endpoint", &self.endpoint)
            .field("customer", &self.customer)
            .finish_non_exhaustive()
    }
}

/// What `param` holds; the field order is the order kuaidi100 documents.
#[derive(Serialize)]
struct Param<'a> {
    com: &'a str,
    num: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<String>,
    resultv2: &'a str,
}

impl Kuaidi100 {
    /// A client for `endpoint` (usually [`DEFAULT_ENDPOINT`]) as account `customer` with
    /// its `key`; a query that takes longer than `timeout` fails with `timeout`.
    pub fn new(
        endpoint: &str,
        customer: &str,
        key: &str,
        timeout: Duration,
    ) -> Result<Kuaidi100, String> {
        reqwest::Url::parse(endpoint)
            .map_err(|e| format!("kuaidi100 endpoint {endpoint:?}: {e}"))?;
        if customer.trim().is_empty() || key.trim().is_empty() {
            return Err("kuaidi100 needs both the customer code and the key".into());
        }
        crate::api::install_tls_provider();
        let http = reqwest::Client::builder()
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .timeout(timeout)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Kuaidi100 {
            http,
            endpoint: endpoint.to_owned(),
            customer: customer.trim().to_owned(),
            key: key.trim().to_owned(),
        })
    }

    async fn ask(
        &self,
        com: &str,
        number: &str,
        phone: Option<&str>,
    ) -> Result<TrackingResult, String> {
        let com = com.trim().to_ascii_lowercase();
        let number: String = number.chars().filter(|c| !c.is_whitespace()).collect();
        if com.is_empty() || number.is_empty() {
            return Err("no carrier or tracking number".into());
        }
        let param = serde_json::to_string(&Param {
            com: &com,
            num: &number,
            phone: phone_for(&com, phone),
            resultv2: "4",
        })
        .map_err(|e| e.to_string())?;
        let sign = sign(&param, &self.key, &self.customer);
        let response = self
            .http
            .post(&self.endpoint)
            .form(&[
                ("customer", self.customer.as_str()),
                ("sign", sign.as_str()),
                ("param", param.as_str()),
            ])
            .send()
            .await
            .map_err(describe)?;
        let status = response.status();
        let body = response.text().await.map_err(describe)?;
        if !status.is_success() {
            let refusal = serde_json::from_str::<Value>(&body)
                .ok()
                .and_then(|v| refusal(&v));
            return Err(refusal.unwrap_or_else(|| format!("HTTP {}", status.as_u16())));
        }
        parse_answer(&body)
    }
}

impl LogisticsProvider for Kuaidi100 {
    fn name(&self) -> &'static str {
        "kuaidi100"
    }

    fn query<'a>(
        &'a self,
        com: &'a str,
        number: &'a str,
        phone: Option<&'a str>,
    ) -> BoxFuture<'a, Result<TrackingResult, String>> {
        Box::pin(self.ask(com, number, phone))
    }
}

/// The `phone` to send for carrier `com`: the last four digits, and only to carriers in
/// [`NEEDS_PHONE`]. The last four are all kuaidi100 checks, and they are also what it
/// asks for of a marketplace's virtual number (`…-1234`).
fn phone_for(com: &str, phone: Option<&str>) -> Option<String> {
    if !NEEDS_PHONE.contains(&com) {
        return None;
    }
    let digits: Vec<char> = phone?.chars().filter(char::is_ascii_digit).collect();
    let last4: String = digits[digits.len().saturating_sub(4)..].iter().collect();
    (!last4.is_empty()).then_some(last4)
}

/// A transport failure in a few words.
fn describe(e: reqwest::Error) -> String {
    if e.is_timeout() {
        "timeout".into()
    } else if e.is_connect() {
        "cannot connect to kuaidi100".into()
    } else {
        e.without_url().to_string()
    }
}

/// A JSON string or number as text (kuaidi100 sends codes either way).
fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The reason in a refusal (`{"result": false, "returnCode": "500", "message": …}`).
fn refusal(answer: &Value) -> Option<String> {
    let refused =
        answer.get("result") == Some(&Value::Bool(false)) || answer.get("returnCode").is_some();
    if !refused {
        return None;
    }
    Some(
        text(answer.get("message"))
            .or_else(|| text(answer.get("returnCode")).map(|code| format!("kuaidi100 {code}")))
            .unwrap_or_else(|| "kuaidi100 refused the query".into()),
    )
}

/// Reads a query's answer (also the shape of the `lastResult` kuaidi100 pushes to
/// subscribers): the timeline, newest first, or the reason there is none.
pub fn parse_answer(body: &str) -> Result<TrackingResult, String> {
    const UNREADABLE: &str = "unreadable answer from kuaidi100";
    let answer: Value = serde_json::from_str(body).map_err(|_| UNREADABLE.to_owned())?;
    if !answer.is_object() {
        return Err(UNREADABLE.into());
    }
    if let Some(reason) = refusal(&answer) {
        return Err(reason);
    }
    let message = text(answer.get("message"));
    if message.as_deref() != Some("ok") {
        return Err(message.unwrap_or_else(|| UNREADABLE.into()));
    }
    let data = answer
        .get("data")
        .and_then(Value::as_array)
        .ok_or_else(|| UNREADABLE.to_owned())?;
    let events = data
        .iter()
        .filter_map(|item| {
            // `ftime` is the time kuaidi100 formatted; `time` is the carrier's own.
            let time = text(item.get("ftime")).or_else(|| text(item.get("time")))?;
            Some(TrackingEvent {
                time,
                context: text(item.get("context")).unwrap_or_default(),
                location: text(item.get("location")).or_else(|| text(item.get("areaName"))),
                state: text(item.get("statusCode")).map(|c| TrackingState::from_kuaidi100(&c)),
            })
        })
        .collect();
    let mut state = text(answer.get("state"))
        .map(|code| TrackingState::from_kuaidi100(&code))
        .unwrap_or(TrackingState::Unknown);
    if state == TrackingState::Unknown && text(answer.get("ischeck")).as_deref() == Some("1") {
        state = TrackingState::Delivered;
    }
    Ok(TrackingResult::new(state, events))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_uppercase_md5_of_param_key_customer() {
        // Independently: python3 hashlib.md5(param + key + customer).hexdigest().upper()
        let param = r#"{"com":"shunfeng","num":"SF1234567890123","phone":"5678","resultv2":"4"}"#;
        assert_eq!(
            sign(param, "kEyTeSt123", "CUST0000000000000000000000000001"),
            "A13241522492BAB2309EC85731DE141A"
        );
        assert_eq!(sign("", "", ""), "D41D8CD98F00B204E9800998ECF8427E");
    }

    #[test]
    fn param_is_compact_json_in_documented_order() {
        let param = |com, phone| {
            serde_json::to_string(&Param {
                com,
                num: "SF1234567890123",
                phone: phone_for(com, phone),
                resultv2: "4",
            })
            .unwrap_or_default()
        };
        assert_eq!(
            param("shunfeng", Some("138-0013-5678")),
            r#"{"com":"shunfeng","num":"SF1234567890123","phone":"5678","resultv2":"4"}"#
        );
        assert_eq!(
            param("ems", Some("13800135678")),
            r#"{"com":"ems","num":"SF1234567890123","resultv2":"4"}"#
        );
        assert_eq!(
            param("zhongtong", None),
            r#"{"com":"zhongtong","num":"SF1234567890123","resultv2":"4"}"#
        );
    }

    #[test]
    fn only_carriers_that_need_it_get_the_last_four_digits() {
        assert_eq!(
            phone_for("shunfeng", Some("13800135678")).as_deref(),
            Some("5678")
        );
        assert_eq!(
            phone_for("zhongtong", Some("95000-1234")).as_deref(),
            Some("1234")
        );
        assert_eq!(
            phone_for("shunfengkuaiyun", Some("12")).as_deref(),
            Some("12")
        );
        assert_eq!(phone_for("shunfeng", Some("none")), None);
        assert_eq!(phone_for("shunfeng", None), None);
        for com in [
            "ems",
            "youzhengguonei",
            "jd",
            "yuantong",
            "yunda",
            "shentong",
        ] {
            assert_eq!(phone_for(com, Some("13800135678")), None, "{com}");
        }
    }

    const SIGNED_FOR: &str = r#"{"message":"ok","nu":"SF1234567890123","ischeck":"1","com":"shunfeng","status":"200","data":[{"time":"2026-11-28 10:00:00","context":"[深圳市]您的快件已签收，签收人：本人，如有疑问请电联快递员【张三，电话：13800000000】","ftime":"2026-11-28 10:00:00","areaCode":"CN440305000000","areaName":"广东,深圳市,南山区","status":"本人签收","location":"","areaCenter":"113.930478,22.533191","areaPinYin":"nan shan qu","statusCode":"301"},{"time":"2026-11-28 08:12:40","context":"[深圳市]快件交给李四，正在派送途中","ftime":"2026-11-28 08:12:40","areaCode":"CN440305000000","areaName":"广东,深圳市,南山区","status":"派件","location":"","areaCenter":null,"areaPinYin":null,"statusCode":"5"},{"time":"2026-11-27 21:03:11","context":"快件到达 【深圳南山集散点】","ftime":"2026-11-27 21:03:11","areaCode":null,"areaName":null,"status":"到达派件城市","location":"深圳市","areaCenter":null,"areaPinYin":null,"statusCode":"1001"},{"time":"2026-11-27 09:30:00","context":"顺丰速运 已收取快件","ftime":"2026-11-27 09:30:00","areaCode":"CN460100000000","areaName":"海南,海口市","status":"揽收","location":"","areaCenter":null,"areaPinYin":null,"statusCode":"1"}],"state":"301","condition":"F00","routeInfo":{"from":{"number":"CN460100000000","name":"海南,海口市"},"cur":{"number":"CN440305000000","name":"广东,深圳市,南山区"},"to":null},"isLoop":false}"#;

    #[test]
    fn a_signed_for_parcel_reads_as_delivered_with_its_timeline() {
        let result = parse_answer(SIGNED_FOR).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(result.state, TrackingState::Delivered);
        assert_eq!(result.events.len(), 4);
        let first = &result.events[0];
        assert_eq!(first.time, "2026-11-28 10:00:00");
        assert!(first.context.contains("已签收"));
        assert_eq!(first.location.as_deref(), Some("广东,深圳市,南山区"));
        assert_eq!(first.state, Some(TrackingState::Delivered));
        assert_eq!(result.events[2].location.as_deref(), Some("深圳市"));
        assert_eq!(result.events[2].state, Some(TrackingState::InTransit));
        assert_eq!(result.events[3].state, Some(TrackingState::Collected));
        let times: Vec<&str> = result.events.iter().map(|e| e.time.as_str()).collect();
        let mut sorted = times.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(times, sorted);
    }

    #[test]
    fn an_oldest_first_answer_is_turned_newest_first() {
        let body = r#"{"message":"ok","state":0,"status":"200","ischeck":"0","data":[{"time":"2026-11-27 09:30:00","context":"已揽收"},{"time":"2026-11-27 21:03:11","context":"运输中"}]}"#;
        let result = parse_answer(body).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(result.state, TrackingState::InTransit);
        assert_eq!(result.events[0].context, "运输中");
        assert_eq!(result.events[0].location, None);
        assert_eq!(result.events[0].state, None);
    }

    #[test]
    fn refusals_give_kuaidi100s_own_words() {
        let cases = [
            (
                r#"{"result":false,"returnCode":"500","message":"查询无结果，请隔段时间再查"}"#,
                "查询无结果，请隔段时间再查",
            ),
            (
                r#"{"result":false,"returnCode":"503","message":"验证签名失败"}"#,
                "验证签名失败",
            ),
            (r#"{"result":false,"returnCode":"601"}"#, "kuaidi100 601"),
            (r#"{"result":false}"#, "kuaidi100 refused the query"),
            (r#"{"message":"参数错误","status":"400"}"#, "参数错误"),
        ];
        for (body, reason) in cases {
            assert_eq!(parse_answer(body), Err(reason.to_owned()), "{body}");
        }
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for body in [
            "",
            "<html>502 Bad Gateway</html>",
            "[]",
            "null",
            r#"{"message":"ok"}"#,
            r#"{"message":"ok","data":{}}"#,
        ] {
            assert_eq!(
                parse_answer(body),
                Err("unreadable answer from kuaidi100".to_owned()),
                "{body}"
            );
        }
    }

    #[test]
    fn clients_need_a_usable_endpoint_and_credentials() {
        let t = Duration::from_secs(5);
        assert!(Kuaidi100::new(DEFAULT_ENDPOINT, "CUSTOMER", "key", t).is_ok());
        assert!(Kuaidi100::new("not a url", "CUSTOMER", "key", t).is_err());
        assert!(Kuaidi100::new(DEFAULT_ENDPOINT, "", "key", t).is_err());
        assert!(Kuaidi100::new(DEFAULT_ENDPOINT, "CUSTOMER", " ", t).is_err());
        let client = Kuaidi100::new(DEFAULT_ENDPOINT, "CUSTOMER", "secret-key", t);
        assert!(!format!("{client:?}").contains("secret-key"));
    }
}
